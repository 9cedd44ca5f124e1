using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using SharpFuzz;

namespace Eligibility.Fuzz;

/// <summary>
/// The fuzzing harness (README.md beside this file; fuzz.sh drives it):
/// <list type="bullet">
/// <item><c>Eligibility.Fuzz TARGET</c> — under libFuzzer (libfuzzer-dotnet) or AFL++ (afl-fuzz): run TARGET on every input the engine sends.</item>
/// <item><c>Eligibility.Fuzz replay TARGET PATH...</c> — run TARGET once on each file (or each file of each folder), print
/// the crash signature and exception of each failure; exit 1 when any failed.</item>
/// <item><c>Eligibility.Fuzz seed TARGET REPO CORPUS DICT</c> — write TARGET's seed corpus from the repository's own files,
/// and a dictionary of their JSON names and short values.</item>
/// </list>
/// TARGET is rules, patient, fhir or cases.
/// </summary>
public static class Program
{
    private const int MapSize = 1 << 16;

    /// <summary>Runs the harness.</summary>
    /// <param name="args">The command line.</param>
    /// <returns>0 done, 1 an input failed (replay), 2 bad arguments.</returns>
    public static int Main(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);

        // Instrumented code writes its coverage to Trace.SharedMem: give it somewhere to write until (and unless) the
        // engine hands over its shared memory, or the first instrumented branch dereferences null.
        InstallScratchCoverageMap();
        try
        {
            return args switch
            {
                ["replay", var target, .. var paths] when paths.Length > 0 => Replay(Target(target), paths),
                ["seed", var target, var repo, var corpus, var dict] => Seeds.Write(Target(target), repo, corpus, dict),
                ["max-len", var target] => Print(Target(target).MaxLength),
                [var target] => Fuzz(Target(target)),
                _ => Usage(),
            };
        }
        catch (ArgumentException ex)
        {
            Console.Error.WriteLine("Eligibility.Fuzz: " + ex.Message);
            return 2;
        }
    }

    /// <summary>
    /// The crash's identity, stable across inputs that hit the same defect: the broken invariant and diagnostic code, or
    /// the exception type and the innermost frame in the product (Eligibility.*, the harness excluded).
    /// </summary>
    /// <param name="ex">The exception that escaped the target.</param>
    /// <returns>One line.</returns>
    public static string Signature(Exception ex)
    {
        ArgumentNullException.ThrowIfNull(ex);
        if (ex is FuzzInvariantException invariant)
        {
            return ("invariant " + invariant.Invariant + " " + invariant.Key).TrimEnd();
        }

        var frames = new StackTrace(ex, fNeedFileInfo: false).GetFrames();
        var method = frames.Select(f => f.GetMethod()).FirstOrDefault(m =>
            m?.DeclaringType?.FullName is { } type && type.StartsWith("Eligibility.", StringComparison.Ordinal) && !type.StartsWith("Eligibility.Fuzz.", StringComparison.Ordinal))
            ?? frames.Select(f => f.GetMethod()).FirstOrDefault(m => m is not null);
        string at = method is null ? "?" : (method.DeclaringType?.FullName ?? "?") + "." + method.Name;
        return ex.GetType().FullName + " at " + at;
    }

    private static int Print(int value)
    {
        Console.WriteLine(value);
        return 0;
    }

    private static int Usage()
    {
        Console.Error.WriteLine("usage: Eligibility.Fuzz TARGET                           (under libfuzzer-dotnet or afl-fuzz)");
        Console.Error.WriteLine("       Eligibility.Fuzz replay TARGET FILE|DIR...");
        Console.Error.WriteLine("       Eligibility.Fuzz seed TARGET REPO CORPUS-DIR DICT-FILE");
        Console.Error.WriteLine("       Eligibility.Fuzz max-len TARGET");
        Console.Error.WriteLine("TARGET: " + string.Join(", ", FuzzTarget.All.Keys));
        return 2;
    }

    private static FuzzTarget Target(string name) =>
        FuzzTarget.All.TryGetValue(name, out var make) ? make() : throw new ArgumentException($"no target '{name}'; use one of {string.Join(", ", FuzzTarget.All.Keys)}");

    private static unsafe void InstallScratchCoverageMap()
    {
        SharpFuzz.Common.Trace.SharedMem = (byte*)NativeMemory.AllocZeroed(MapSize);
    }

    private static int Fuzz(FuzzTarget target)
    {
        bool libFuzzer = Environment.GetEnvironmentVariable("__LIBFUZZER_SHM_ID") is not null;
        bool afl = Environment.GetEnvironmentVariable("__AFL_SHM_ID") is not null;
        if (!libFuzzer && !afl)
        {
            Console.Error.WriteLine($"Eligibility.Fuzz: not under a fuzzing engine; run fuzz.sh {target.Name} SECONDS, or 'replay {target.Name} FILE' to run one input.");
            return 2;
        }

        var skip = LoadSkipList();
        string? only = Environment.GetEnvironmentVariable("ELIGIBILITY_FUZZ_ONLY") is { Length: > 0 } o ? o : null;
        target.Prepare();
        void RunOne(byte[] input)
        {
            try
            {
                target.Run(input);
            }
            catch (Exception ex)
            {
                string signature = Signature(ex);
                if (skip.Contains(signature) || (only is not null && !string.Equals(signature, only, StringComparison.Ordinal)))
                {
                    return; // already reported in this campaign (or not the one being minimised): keep looking
                }

                Console.Error.WriteLine("SIGNATURE: " + signature);
                throw;
            }
        }

        if (libFuzzer)
        {
            Fuzzer.LibFuzzer.Run(span => RunOne(span.ToArray()));
        }
        else
        {
            Fuzzer.OutOfProcess.Run(stream =>
            {
                using var buffer = new MemoryStream();
                stream.CopyTo(buffer);
                RunOne(buffer.ToArray());
            });
        }

        return 0;
    }

    /// <summary>Signatures to let pass (ELIGIBILITY_FUZZ_SKIP names a file, one per line): fuzz.sh adds each crash it has
    /// already saved, so one campaign reports every distinct defect once instead of stopping at the first. (And
    /// ELIGIBILITY_FUZZ_ONLY, set while minimising, lets every signature but one pass, so the input shrinks to the same defect.)</summary>
    private static HashSet<string> LoadSkipList()
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        if (Environment.GetEnvironmentVariable("ELIGIBILITY_FUZZ_SKIP") is { Length: > 0 } file && File.Exists(file))
        {
            foreach (string line in File.ReadAllLines(file))
            {
                if (line.Trim() is { Length: > 0 } s && !s.StartsWith('#'))
                {
                    set.Add(s);
                }
            }
        }

        return set;
    }

    private static int Replay(FuzzTarget target, string[] paths)
    {
        var files = paths.SelectMany(p => Directory.Exists(p) ? Directory.GetFiles(p).Order(StringComparer.Ordinal).ToArray() : new[] { p }).ToList();
        target.Prepare();
        int failed = 0;
        foreach (string file in files)
        {
            byte[] input = File.ReadAllBytes(file);
            var clock = Stopwatch.StartNew();
            try
            {
                target.Run(input);
                Console.WriteLine($"ok    {file} ({input.Length} bytes, {clock.ElapsedMilliseconds} ms)");
            }
            catch (Exception ex)
            {
                failed++;
                Console.WriteLine($"CRASH {file} ({input.Length} bytes, {clock.ElapsedMilliseconds} ms)");
                Console.WriteLine("  SIGNATURE: " + Signature(ex));
                foreach (string line in ex.ToString().Split('\n').Take(60))
                {
                    Console.WriteLine("  " + line.TrimEnd());
                }
            }
        }

        Console.WriteLine($"{files.Count - failed} passed, {failed} failed");
        return failed == 0 ? 0 : 1;
    }
}
