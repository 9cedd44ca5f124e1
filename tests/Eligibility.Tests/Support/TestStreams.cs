namespace Eligibility.Tests.Support;

/// <summary>
/// A stream as a network body looks: not seekable (no length), handing out at most <c>chunk</c> bytes a read, counting
/// what was read, and optionally stalling (until cancelled) once <c>stallAfter</c> bytes have been read.
/// (Linked into Eligibility.Fhir.Tests too.)
/// </summary>
internal sealed class TrickleStream : Stream
{
    private readonly byte[] data;
    private readonly int chunk;
    private readonly int? stallAfter;
    private int position;

    public TrickleStream(byte[] data, int chunk = 7, int? stallAfter = null)
    {
        this.data = data;
        this.chunk = chunk;
        this.stallAfter = stallAfter;
    }

    /// <summary>A stream of <paramref name="count"/> bytes of JSON whitespace after <c>{</c>, never ending in <c>}</c>: only the cap stops a reader.</summary>
    public static TrickleStream Endless(int count) => new([(byte)'{', .. Enumerable.Repeat((byte)' ', count - 1)], chunk: 4096);

    /// <summary>How many bytes were handed out.</summary>
    public int BytesRead => position;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException("not seekable");

    public override long Position
    {
        get => throw new NotSupportedException("not seekable");
        set => throw new NotSupportedException("not seekable");
    }

    public override int Read(byte[] buffer, int offset, int count)
    {
        if (stallAfter is { } stall && position >= stall)
        {
            throw new InvalidOperationException("a synchronous read would block forever here");
        }

        int n = Math.Min(Math.Min(count, chunk), data.Length - position);
        Array.Copy(data, position, buffer, offset, n);
        position += n;
        return n;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (stallAfter is { } stall && position >= stall)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }

        await Task.Yield();
        int n = Math.Min(Math.Min(buffer.Length, chunk), data.Length - position);
        data.AsMemory(position, n).CopyTo(buffer);
        position += n;
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException("not seekable");

    public override void SetLength(long value) => throw new NotSupportedException("not seekable");

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("read-only");
}
