using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace Eligibility.Testing;

/// <summary>Resolves a path written inside a file (relative to that file) into a path to show and open.</summary>
internal static class RelativePath
{
    private static readonly StringComparison PathComparison = OperatingSystem.IsLinux() ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase;

    /// <summary>
    /// <paramref name="relative"/> resolved against the folder of <paramref name="baseFile"/>, without <c>..</c> segments:
    /// relative to the working folder when <paramref name="baseFile"/> was given relative, absolute otherwise.
    /// </summary>
    public static string Resolve(string baseFile, string relative)
    {
        string full = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(baseFile)) ?? string.Empty, relative));
        return Path.IsPathRooted(baseFile) ? full : Path.GetRelativePath(Directory.GetCurrentDirectory(), full);
    }

    /// <summary>
    /// The folder a file may refer into: the git work tree that holds it (the nearest folder above it with a
    /// <c>.git</c> folder or file), else the file's own folder. Symbolic links resolved.
    /// </summary>
    public static string BoundaryOf(string file)
    {
        string folder = Path.GetDirectoryName(RealPath(file)) ?? Path.GetPathRoot(Path.GetFullPath(file))!;
        for (string? dir = folder; dir is not null; dir = Path.GetDirectoryName(dir))
        {
            string git = Path.Combine(dir, ".git");
            if (Directory.Exists(git) || File.Exists(git))
            {
                return dir;
            }
        }

        return folder;
    }

    /// <summary>Whether <paramref name="path"/>, with every symbolic link on the way resolved, lies inside <paramref name="boundary"/>.</summary>
    public static bool IsInside(string path, string boundary)
    {
        string real = RealPath(path);
        string root = Path.TrimEndingDirectorySeparator(boundary);
        return string.Equals(real, root, PathComparison)
            || real.StartsWith(root + Path.DirectorySeparatorChar, PathComparison)
            || (root.Length > 0 && root[^1] == Path.DirectorySeparatorChar && real.StartsWith(root, PathComparison));
    }

    /// <summary>
    /// The absolute path with every symbolic link resolved, component by component (as realpath(3) does, but a path that
    /// does not exist is kept as far as it goes). Link chains longer than 40 are left unresolved.
    /// </summary>
    public static string RealPath(string path)
    {
        string full = Path.GetFullPath(path);
        string current = Path.GetPathRoot(full) ?? string.Empty;
        var parts = new Queue<string>(Segments(full, current.Length));
        int hops = 0;
        while (parts.Count > 0)
        {
            string part = parts.Dequeue();
            if (part == ".")
            {
                continue;
            }

            if (part == "..")
            {
                current = Path.GetDirectoryName(current) ?? current;
                continue;
            }

            string next = Path.Combine(current, part);
            string? target = null;
            try
            {
                FileSystemInfo info = Directory.Exists(next) ? new DirectoryInfo(next) : new FileInfo(next);
                target = info.LinkTarget;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
            {
                target = null;
            }

            if (target is not null && ++hops <= 40)
            {
                string resolved = Path.GetFullPath(target, current);
                string root = Path.GetPathRoot(resolved) ?? string.Empty;
                parts = new Queue<string>(Segments(resolved, root.Length).Concat(parts.ToList()));
                current = root;
                continue;
            }

            current = next;
        }

        return current;
    }

    private static IEnumerable<string> Segments(string full, int skip) =>
        full[skip..].Split([Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar], StringSplitOptions.RemoveEmptyEntries);
}
