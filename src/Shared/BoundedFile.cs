// One source file, linked into each assembly that reads files (Eligibility, Eligibility.Fhir, Eligibility.Cli), so that
// every reader refuses devices, pipes and sockets and stops at a hard cap on the bytes it actually reads.
using System;
using System.IO;
using System.Runtime.InteropServices;

namespace Eligibility.Shared;

/// <summary>Why a file could not be read (<see cref="BoundedFile.Read"/>).</summary>
internal enum BoundedFileError
{
    /// <summary>The file was read.</summary>
    None,

    /// <summary>It does not exist, cannot be opened, or is not a regular file (a device, pipe, socket or folder): ELIG0002.</summary>
    Unreadable,

    /// <summary>It holds more bytes than allowed: ELIG0003.</summary>
    TooLarge,
}

/// <summary>The outcome of <see cref="BoundedFile.Read"/>: the bytes, or an error with its ELIG code and a message.</summary>
internal readonly record struct BoundedFileResult(byte[]? Bytes, BoundedFileError Error, string? Message)
{
    /// <summary>ELIG0002 (unreadable) or ELIG0003 (too large); null when the file was read.</summary>
    public string? Code => Error switch
    {
        BoundedFileError.Unreadable => "ELIG0002",
        BoundedFileError.TooLarge => "ELIG0003",
        _ => null,
    };
}

/// <summary>
/// Reads a whole file with a hard cap on the bytes actually read (a size of 0 reported for <c>/dev/zero</c> or a file
/// under <c>/proc</c> does not defeat it), refusing anything that is not a regular file before opening it (so a named
/// pipe never blocks the reader). Never throws for I/O reasons.
/// </summary>
internal static class BoundedFile
{
    private const int ChunkSize = 1 << 16;

    /// <summary>Reads <paramref name="path"/> (symbolic links followed) if it is a regular file of at most <paramref name="maxBytes"/> bytes.</summary>
    /// <param name="path">The file.</param>
    /// <param name="maxBytes">The most bytes accepted.</param>
    /// <param name="what">What such files are called in the too-large message, plural (e.g. <c>"rule files"</c>).</param>
    /// <returns>The bytes, or why they could not be read.</returns>
    public static BoundedFileResult Read(string path, long maxBytes, string what)
    {
        try
        {
            if (Directory.Exists(path))
            {
                return new(null, BoundedFileError.Unreadable, "cannot read the file: it is a folder");
            }

            if (!File.Exists(path))
            {
                return new(null, BoundedFileError.Unreadable, "cannot read the file: it does not exist");
            }

            if (KindOf(path) is { } kind)
            {
                return new(null, BoundedFileError.Unreadable, $"cannot read the file: it is {kind}, not a regular file");
            }

            long length = new FileInfo(path).Length;
            if (length > maxBytes)
            {
                return new(null, BoundedFileError.TooLarge, $"the file is {length} bytes; {what} are limited to {maxBytes} bytes");
            }

            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
            using var buffer = new MemoryStream(length > 0 ? (int)length : ChunkSize);
            var chunk = new byte[ChunkSize];
            int read;
            while ((read = stream.Read(chunk, 0, chunk.Length)) > 0)
            {
                if (buffer.Length + read > maxBytes)
                {
                    return new(null, BoundedFileError.TooLarge, $"the file holds more than {maxBytes} bytes; {what} are limited to {maxBytes} bytes");
                }

                buffer.Write(chunk, 0, read);
            }

            if (length == 0 && buffer.Length > 0)
            {
                // A file that reports no size but has content is not a regular file (a device or a /proc entry).
                return new(null, BoundedFileError.Unreadable, "cannot read the file: it reports a size of 0 but has content, so it is not a regular file");
            }

            return new(buffer.ToArray(), BoundedFileError.None, null);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return new(null, BoundedFileError.Unreadable, "cannot read the file: " + ex.Message);
        }
    }

    /// <summary>
    /// What a path is when it is not a regular file ("a character device", ...), following symbolic links; null for a
    /// regular file or when the type cannot be told (then the byte cap still applies).
    /// </summary>
    /// <param name="path">The path.</param>
    /// <returns>A phrase naming the kind, or null.</returns>
    public static string? KindOf(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        // statx(2) has one layout on every Linux architecture (unlike struct stat): stx_mode is a u16 at offset 28.
        var buffer = new byte[256];
        int rc;
        try
        {
            rc = Statx(AtFdCwd, path, 0, StatxType, buffer);
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }

        if (rc != 0)
        {
            return null;
        }

        int mode = BitConverter.ToUInt16(buffer, 28) & 0xF000;
        return mode switch
        {
            0x8000 => null,
            0x4000 => "a folder",
            0x2000 => "a character device",
            0x6000 => "a block device",
            0x1000 => "a named pipe",
            0xC000 => "a socket",
            _ => "not a regular file",
        };
    }

    private const int AtFdCwd = -100;
    private const uint StatxType = 0x1;

    [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
    private static extern int Statx(int dirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, byte[] buffer);
}
