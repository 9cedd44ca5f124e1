using System;
using System.Text;
using Eligibility.Cli.Output;
using Eligibility.Diagnostics;
using Eligibility.Shared;

namespace Eligibility.Cli.Input;

/// <summary>Reads a file the tool is about to compare or overwrite (a rendering, a lock file), bounded like every other read.</summary>
internal static class ExistingFile
{
    /// <summary>More than any rendering or lock file the tool writes.</summary>
    private const long MaxBytes = 64L * 1024 * 1024;

    /// <summary>
    /// The text of <paramref name="path"/> (UTF-8), or <c>null</c> when it does not exist. A file too large to be one the
    /// tool wrote is "different" (a text that matches nothing); a device, pipe, socket or folder there is an input error:
    /// its ELIG0002 line is printed and the command exits 2.
    /// </summary>
    public static string? ReadText(string path, string what, CliConsole console)
    {
        if (!System.IO.File.Exists(path) && !System.IO.Directory.Exists(path))
        {
            return null;
        }

        var file = BoundedFile.Read(path, MaxBytes, what);
        if (file.Bytes is { } bytes)
        {
            return new UTF8Encoding(false).GetString(Utf8Bom.Strip(bytes).Span);
        }

        if (file.Error == BoundedFileError.TooLarge)
        {
            return "\0(too large to be a file the tool wrote)";
        }

        console.Error.WriteLine(DiagnosticOutput.FileError(path, DiagnosticCodes.FileUnreadable, file.Message!).ToString());
        throw new CliInputException($"cannot read {path}");
    }
}
