// One source file, linked into each assembly whose readers take a Stream (Eligibility, Eligibility.Fhir), so that a
// stream is read with the same hard cap as a file (BoundedFile) and gives the same ELIG0003 when it holds more.
using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace Eligibility.Shared;

/// <summary>
/// Reads a stream to its end (from its current position; the stream is not closed) with a hard cap on the bytes
/// actually read: a stream that holds more than the cap gives <see cref="BoundedFileError.TooLarge"/> (ELIG0003) as soon
/// as the cap is passed, whether or not it can tell its length, and is not read further. Exceptions of the stream itself
/// (an I/O error, a disposed stream) and cancellation (<see cref="OperationCanceledException"/>) propagate.
/// </summary>
internal static class BoundedStream
{
    private const int ChunkSize = 1 << 16;

    /// <summary>Reads <paramref name="stream"/> to its end if it holds at most <paramref name="maxBytes"/> bytes.</summary>
    /// <param name="stream">The stream, readable.</param>
    /// <param name="maxBytes">The most bytes accepted.</param>
    /// <param name="what">What such inputs are called in the too-large message, plural (e.g. <c>"patient records"</c>).</param>
    /// <returns>The bytes, or why they could not be read.</returns>
    public static BoundedFileResult Read(Stream stream, long maxBytes, string what)
    {
        if (Start(stream, maxBytes, what) is { } early)
        {
            return early;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[ChunkSize];
        int read;
        while ((read = stream.Read(chunk, 0, chunk.Length)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                return TooLarge(maxBytes, what);
            }

            buffer.Write(chunk, 0, read);
        }

        return new(buffer.ToArray(), BoundedFileError.None, null);
    }

    /// <summary>As <see cref="Read"/>, asynchronously.</summary>
    /// <param name="stream">The stream, readable.</param>
    /// <param name="maxBytes">The most bytes accepted.</param>
    /// <param name="what">What such inputs are called in the too-large message, plural.</param>
    /// <param name="cancellationToken">Cancels the read (<see cref="OperationCanceledException"/>).</param>
    /// <returns>The bytes, or why they could not be read.</returns>
    public static async Task<BoundedFileResult> ReadAsync(Stream stream, long maxBytes, string what, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (Start(stream, maxBytes, what) is { } early)
        {
            return early;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[ChunkSize];
        int read;
        while ((read = await stream.ReadAsync(chunk.AsMemory(), cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                return TooLarge(maxBytes, what);
            }

            buffer.Write(chunk, 0, read);
        }

        cancellationToken.ThrowIfCancellationRequested();
        return new(buffer.ToArray(), BoundedFileError.None, null);
    }

    /// <summary>Checks the arguments, and refuses at once a seekable stream whose remaining length is over the cap.</summary>
    private static BoundedFileResult? Start(Stream stream, long maxBytes, string what)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanRead)
        {
            throw new ArgumentException("the stream cannot be read", nameof(stream));
        }

        if (stream.CanSeek && stream.Length - stream.Position is var remaining && remaining > maxBytes)
        {
            return new(null, BoundedFileError.TooLarge, $"the input is {remaining} bytes; {what} are limited to {maxBytes} bytes");
        }

        return null;
    }

    private static BoundedFileResult TooLarge(long maxBytes, string what) =>
        new(null, BoundedFileError.TooLarge, $"the input holds more than {maxBytes} bytes; {what} are limited to {maxBytes} bytes");
}

/// <summary>
/// The byte-reading half every patient reader shares (PatientReader, FhirBundleReader, PatientInput): a file or a stream
/// read within <see cref="Patients.InputLimits.MaxRecordBytes"/>, its bytes handed to the reader's own byte overload, or
/// the ELIG0002/ELIG0003 of the read as the one unpositioned error. Lives beside <see cref="BoundedStream"/> so that it is
/// linked into the same assemblies.
/// </summary>
internal static class BoundedPatientInput
{
    /// <summary>What the too-large message calls these inputs.</summary>
    private const string What = "patient records";

    /// <summary>Reads the file at <paramref name="path"/> within the limits, then <paramref name="read"/>s its bytes (the path names them).</summary>
    public static Patients.PatientReadResult ReadFile(
        string path, Patients.InputLimits? limits, Func<byte[], string?, Patients.InputLimits, Patients.PatientReadResult> read)
    {
        ArgumentNullException.ThrowIfNull(path);
        limits ??= Patients.InputLimits.Default;
        var file = BoundedFile.Read(path, limits.MaxRecordBytes, What);
        return file.Bytes is { } bytes ? read(bytes, path, limits) : Failed(path, file.Code!, file.Message!);
    }

    /// <summary>Reads <paramref name="stream"/> to its end within the limits, then <paramref name="read"/>s its bytes.</summary>
    public static Patients.PatientReadResult Read(
        Stream stream, string? fileName, Patients.InputLimits? limits, Func<byte[], string?, Patients.InputLimits, Patients.PatientReadResult> read)
    {
        ArgumentNullException.ThrowIfNull(stream);
        limits ??= Patients.InputLimits.Default;
        var input = BoundedStream.Read(stream, limits.MaxRecordBytes, What);
        return input.Bytes is { } bytes ? read(bytes, fileName, limits) : Failed(fileName, input.Code!, input.Message!);
    }

    /// <summary>As <see cref="Read"/>, reading the stream asynchronously.</summary>
    public static async Task<Patients.PatientReadResult> ReadAsync(
        Stream stream, string? fileName, Patients.InputLimits? limits, Func<byte[], string?, Patients.InputLimits, Patients.PatientReadResult> read, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        limits ??= Patients.InputLimits.Default;
        var input = await BoundedStream.ReadAsync(stream, limits.MaxRecordBytes, What, cancellationToken).ConfigureAwait(false);
        return input.Bytes is { } bytes ? read(bytes, fileName, limits) : Failed(fileName, input.Code!, input.Message!);
    }

    /// <summary>No record, and the one error of reading the bytes (no position: it is about the input as a whole).</summary>
    public static Patients.PatientReadResult Failed(string? file, string code, string message) =>
        new(null, new[] { new Diagnostic(code: code, severity: DiagnosticSeverity.Error, message: message, file: file, pointer: string.Empty) });
}
