using System;
using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Linq;
using Eligibility.Patients;

namespace Eligibility.Cli.Input;

/// <summary>
/// The patient input limit options (<c>--max-record-bytes</c>, <c>--max-string-bytes</c>, <c>--max-array-items</c>),
/// shared by every command that reads patient records: <see cref="AddTo"/> adds them to a command and
/// <see cref="Read"/> turns a parse result into the <see cref="InputLimits"/> to read with. The record-bytes limit is
/// also the longest NDJSON line. Sizes take an optional K, M or G suffix (1024-based): <c>--max-record-bytes 128M</c>.
/// </summary>
internal static class LimitOptions
{
    /// <summary>The name of the record size option.</summary>
    public const string MaxRecordBytes = "--max-record-bytes";

    /// <summary>The name of the longest-string option.</summary>
    public const string MaxStringBytes = "--max-string-bytes";

    /// <summary>The name of the array length option.</summary>
    public const string MaxArrayItems = "--max-array-items";

    /// <summary>Adds the three limit options to <paramref name="command"/> (each at most once per command).</summary>
    /// <param name="command">The command that reads patient records.</param>
    public static void AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (command.Options.Any(o => o.Name == MaxRecordBytes))
        {
            return;
        }

        command.Options.Add(new Option<long?>(MaxRecordBytes)
        {
            Description = $"The largest patient record (a file, or one NDJSON line), in bytes; K, M or G suffixes allowed. Default: {Describe(InputLimits.DefaultMaxRecordBytes)}.",
            HelpName = "BYTES",
            CustomParser = r => ParseSize(r, MaxRecordBytes, long.MaxValue),
        });
        command.Options.Add(new Option<long?>(MaxStringBytes)
        {
            Description = $"The longest string in a patient record, in UTF-8 bytes as written; K, M or G suffixes allowed. Default: {Describe(InputLimits.DefaultMaxStringBytes)}.",
            HelpName = "BYTES",
            CustomParser = r => ParseSize(r, MaxStringBytes, int.MaxValue),
        });
        command.Options.Add(new Option<long?>(MaxArrayItems)
        {
            Description = $"The most items in one array of a patient record (a Bundle's entries, a record's observations). Default: {InputLimits.DefaultMaxArrayItems.ToString("N0", CultureInfo.InvariantCulture)}.",
            HelpName = "N",
            CustomParser = r => ParseSize(r, MaxArrayItems, int.MaxValue),
        });
    }

    /// <summary>The limits the command line asks for: <see cref="InputLimits.Default"/> with any option given applied.
    /// Works for any command, with or without the options (then the defaults).</summary>
    /// <param name="parseResult">The parse result of the command.</param>
    /// <returns>The limits.</returns>
    public static InputLimits Read(ParseResult parseResult)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        long? record = Value(parseResult, MaxRecordBytes);
        long? text = Value(parseResult, MaxStringBytes);
        long? items = Value(parseResult, MaxArrayItems);
        if (record is null && text is null && items is null)
        {
            return InputLimits.Default;
        }

        var d = InputLimits.Default;
        return d with
        {
            MaxRecordBytes = record ?? d.MaxRecordBytes,
            MaxStringBytes = text is { } t ? (int)t : d.MaxStringBytes,
            MaxArrayItems = items is { } i ? (int)i : d.MaxArrayItems,
        };
    }

    private static long? Value(ParseResult parseResult, string name) =>
        parseResult.CommandResult.Command.Options.OfType<Option<long?>>().FirstOrDefault(o => o.Name == name) is { } option
            ? parseResult.GetValue(option)
            : null;

    private static string Describe(long bytes) =>
        bytes % (1024 * 1024) == 0 ? (bytes / (1024 * 1024)).ToString(CultureInfo.InvariantCulture) + "M"
        : bytes % 1024 == 0 ? (bytes / 1024).ToString(CultureInfo.InvariantCulture) + "K"
        : bytes.ToString(CultureInfo.InvariantCulture);

    private static long? ParseSize(ArgumentResult result, string name, long max)
    {
        string text = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
        if (TryParseSize(text, out long value) && value >= 1 && value <= max)
        {
            return value;
        }

        result.AddError($"{name}: '{text}' is not a positive whole number (K, M or G suffixes allowed) of at most {max.ToString(CultureInfo.InvariantCulture)}");
        return null;
    }

    /// <summary>Parses <c>123</c>, <c>64K</c>, <c>20M</c> or <c>1G</c> (1024-based, case-insensitive).</summary>
    internal static bool TryParseSize(string text, out long value)
    {
        value = 0;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        long multiplier = char.ToUpperInvariant(text[^1]) switch
        {
            'K' => 1024L,
            'M' => 1024L * 1024,
            'G' => 1024L * 1024 * 1024,
            _ => 1,
        };
        string digits = multiplier == 1 ? text : text[..^1];
        if (!long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out long n))
        {
            return false;
        }

        try
        {
            value = checked(n * multiplier);
            return true;
        }
        catch (OverflowException)
        {
            return false;
        }
    }
}
