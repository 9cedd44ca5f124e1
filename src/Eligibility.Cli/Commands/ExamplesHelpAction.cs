using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;

namespace Eligibility.Cli.Commands;

/// <summary>The standard help, followed by the command's examples.</summary>
internal sealed class ExamplesHelpAction : SynchronousCommandLineAction
{
    private readonly HelpAction inner;

    public ExamplesHelpAction(HelpAction inner) => this.inner = inner;

    public override int Invoke(ParseResult parseResult)
    {
        inner.Invoke(parseResult);
        var output = parseResult.InvocationConfiguration.Output;
        var command = parseResult.CommandResult.Command;
        if (command is CliCommand cli)
        {
            output.WriteLine("Examples:");
            foreach (var (line, comment) in cli.Examples)
            {
                output.WriteLine("  # " + comment);
                output.WriteLine("  " + line);
                output.WriteLine();
            }
        }
        else
        {
            output.WriteLine("Examples:");
            output.WriteLine("  eligibility evaluate --rules rules/NCT07077486.json --patient samples/patients/NCT07077486-no-rhc.json");
            output.WriteLine("  eligibility validate rules");
            output.WriteLine("  eligibility test rules --min-coverage 100");
            output.WriteLine("  eligibility screen --rules rules --patients samples/patients.ndjson --out results.ndjson --report screening.html");
            output.WriteLine("  eligibility render rules --out docs/trials");
            output.WriteLine("  eligibility lock rules --terminology vocab/        # vocab/: your OMOP vocabulary (Athena download), not shipped");
            output.WriteLine();
            output.WriteLine("Run 'eligibility <command> --help' for a command's options and examples.");
        }

        return ExitCodes.Success;
    }
}
