using System.Collections.Generic;
using System.CommandLine;

namespace Eligibility.Cli.Commands;

/// <summary>A subcommand of the tool, with the examples its <c>--help</c> shows.</summary>
internal abstract class CliCommand : Command
{
    protected CliCommand(string name, string description, CliConsole console)
        : base(name, description)
    {
        Console = console;
        SetAction(Execute);
    }

    /// <summary>Command lines shown under "Examples:" in the help, each with a one-line comment.</summary>
    public abstract IReadOnlyList<(string CommandLine, string Comment)> Examples { get; }

    protected CliConsole Console { get; }

    protected abstract int Execute(ParseResult parseResult);
}
