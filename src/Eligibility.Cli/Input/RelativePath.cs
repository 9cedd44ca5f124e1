using System.IO;

namespace Eligibility.Cli.Input;

/// <summary>Resolves a path written inside a file (relative to that file) into a path to show and open.</summary>
internal static class RelativePath
{
    /// <summary>
    /// <paramref name="relative"/> resolved against the folder of <paramref name="baseFile"/>, without <c>..</c> segments:
    /// relative to the working folder when <paramref name="baseFile"/> was given relative, absolute otherwise.
    /// </summary>
    public static string Resolve(string baseFile, string relative)
    {
        string full = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(baseFile)) ?? string.Empty, relative));
        return Path.IsPathRooted(baseFile) ? full : Path.GetRelativePath(Directory.GetCurrentDirectory(), full);
    }
}
