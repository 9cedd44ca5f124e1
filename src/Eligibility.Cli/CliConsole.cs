using System;
using System.Globalization;
using System.IO;
using System.Text;
using Spectre.Console;

namespace Eligibility.Cli;

/// <summary>
/// Where a command writes and what the terminal can do: colour only when stdout is a terminal and <c>NO_COLOR</c> is not
/// set; a progress bar only when stderr is a terminal. In-process runs (tests) get plain writers: no colour, no progress,
/// a fixed width, so output is deterministic.
/// </summary>
internal sealed class CliConsole
{
    /// <summary>The width used for tables when the output is not a terminal.</summary>
    public const int FixedWidth = 120;

    public CliConsole(TextWriter output, TextWriter error, DateOnly today)
    {
        Out = output;
        Error = error;
        Today = today;
    }

    public TextWriter Out { get; }

    public TextWriter Error { get; }

    /// <summary>Today's date in local time: the as-of fallback when neither the flag nor the record gives one.</summary>
    public DateOnly Today { get; }

    public bool OutIsTerminal { get; init; }

    public bool ErrorIsTerminal { get; init; }

    public bool NoColor { get; init; }

    /// <summary>Whether coloured text goes to stdout.</summary>
    public bool Colour => OutIsTerminal && !NoColor;

    public static CliConsole ForProcess()
    {
        try
        {
            Console.OutputEncoding = new UTF8Encoding(false);
        }
        catch (IOException)
        {
            // No console to configure (e.g. a detached process): keep the default.
        }
        string? noColor = Environment.GetEnvironmentVariable("NO_COLOR");
        return new CliConsole(Console.Out, Console.Error, DateOnly.FromDateTime(DateTime.Now))
        {
            OutIsTerminal = !Console.IsOutputRedirected,
            ErrorIsTerminal = !Console.IsErrorRedirected,
            NoColor = !string.IsNullOrEmpty(noColor),
        };
    }

    /// <summary>A Spectre console over stdout.</summary>
    public IAnsiConsole CreateOut() => Create(Out, OutIsTerminal, Colour);

    /// <summary>A Spectre console over stderr.</summary>
    public IAnsiConsole CreateError() => Create(Error, ErrorIsTerminal, ErrorIsTerminal && !NoColor);

    public void WriteError(string message) => Error.WriteLine("eligibility: error: " + message);

    public static string Format(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static IAnsiConsole Create(TextWriter writer, bool terminal, bool colour)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = colour ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = colour ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Out = new AnsiConsoleOutput(writer),
            Interactive = terminal ? InteractionSupport.Detect : InteractionSupport.No,
        });
        if (!terminal)
        {
            console.Profile.Width = FixedWidth;
        }

        console.Profile.Capabilities.Unicode = true;
        return console;
    }
}
