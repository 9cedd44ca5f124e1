using System;
using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.IO;
using System.Linq;
using Eligibility.Cli.Commands;

namespace Eligibility.Cli;

/// <summary>
/// The <c>eligibility</c> command line, callable in-process: <see cref="Run(string[], TextWriter, TextWriter)"/> parses
/// the arguments, runs the command and returns its exit code. Bad input never produces a stack trace: argument errors
/// exit 2, and an unexpected exception (a bug) exits 3 with a one-line message saying so.
/// </summary>
internal static class EligibilityCli
{
    /// <summary>Runs the tool with the given writers (no colour, no progress bar, a fixed table width).</summary>
    /// <param name="args">The command line, without the program name.</param>
    /// <param name="stdout">Standard output.</param>
    /// <param name="stderr">Standard error.</param>
    /// <returns>The exit code (see <see cref="ExitCodes"/>).</returns>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        return Run(args, new CliConsole(stdout, stderr, DateOnly.FromDateTime(DateTime.Now)));
    }

    internal static int Run(string[] args, CliConsole console)
    {
        ArgumentNullException.ThrowIfNull(args);
        try
        {
            var root = BuildRoot(console);
            var parseResult = root.Parse(args);
            if (parseResult.Action is ParseErrorAction)
            {
                foreach (var error in parseResult.Errors)
                {
                    console.WriteError(error.Message);
                }

                string name = parseResult.CommandResult.Command == root ? "eligibility" : "eligibility " + parseResult.CommandResult.Command.Name;
                console.Error.WriteLine($"Run '{name} --help' for usage.");
                return ExitCodes.BadInput;
            }

            return parseResult.Invoke(new InvocationConfiguration
            {
                Output = console.Out,
                Error = console.Error,
                EnableDefaultExceptionHandler = false,
            });
        }
        catch (CliInputException ex)
        {
            console.WriteError(ex.Message);
            return ExitCodes.BadInput;
        }
#pragma warning disable CA1031 // The top of the tool: anything unexpected becomes one line and exit 3, never a stack trace.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            WriteInternalError(console, ex);
            return ExitCodes.InternalError;
        }
        finally
        {
            console.Out.Flush();
            console.Error.Flush();
        }
    }

    /// <summary>The text that follows every internal error: whose fault it is and what to do.</summary>
    internal const string BugNote = "this is a bug in eligibility, not a problem with your input: please report it";

    /// <summary>
    /// Reports an exception nothing expected (exit 3): one line, <c>eligibility: internal error: Type: message (this is a
    /// bug …)</c>; the stack trace follows only when the environment variable <c>ELIGIBILITY_DEBUG</c> is set (not 0).
    /// A reader's <see cref="EligibilityBugException"/> already says what was being read.
    /// </summary>
    internal static void WriteInternalError(CliConsole console, Exception ex)
    {
        string what = ex is EligibilityBugException ? ex.Message : $"internal error: {ex.GetType().Name}: {ex.Message}";
        console.Error.WriteLine($"eligibility: {what.ReplaceLineEndings(" ")} ({BugNote})");
        if (Environment.GetEnvironmentVariable("ELIGIBILITY_DEBUG") is { Length: > 0 } debug && debug != "0")
        {
            console.Error.WriteLine(ex.ToString());
        }
    }

    /// <summary>Builds the command tree.</summary>
    internal static Command BuildRoot(CliConsole console)
    {
        // A plain command named "eligibility" rather than RootCommand, whose name would be the entry assembly's (Eligibility.Cli).
        var root = new Command("eligibility", "Evaluate, validate, test, screen and render clinical-trial eligibility rule files, and pin their terminology in lock files.")
        {
            Options = { new HelpOption(), new VersionOption() },
        };
        CliCommand[] commands =
        [
            new EvaluateCommand(console),
            new ValidateCommand(console),
            new TestCommand(console),
            new ScreenCommand(console),
            new RenderCommand(console),
            new LockCommand(console),
            new SqlCommand(console),
            new OmopGenerateCommand(console),
        ];
        foreach (var command in commands)
        {
            root.Subcommands.Add(command);
        }

        foreach (var help in root.Options.OfType<HelpOption>())
        {
            if (help.Action is HelpAction inner)
            {
                help.Action = new ExamplesHelpAction(inner);
            }
        }

        return root;
    }
}
