using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;

namespace Eligibility.Tests.Schema;

/// <summary>Walks and mutates a JSON document for the schema-versus-reader agreement tests (patients and case files).</summary>
internal static class JsonMutations
{
    public static IEnumerable<(string Pointer, JsonNode? Node)> Nodes(JsonNode? node, string pointer)
    {
        yield return (pointer, node);
        if (node is JsonObject obj)
        {
            foreach (var (key, value) in obj)
            {
                foreach (var child in Nodes(value, pointer + "/" + key.Replace("~", "~0").Replace("/", "~1")))
                {
                    yield return child;
                }
            }
        }
        else if (node is JsonArray array)
        {
            for (int i = 0; i < array.Count; i++)
            {
                foreach (var child in Nodes(array[i], pointer + "/" + i))
                {
                    yield return child;
                }
            }
        }
    }

    /// <summary>Date texts the formats may refuse or accept: days that do not exist (29 February outside leap years, 31 April),
    /// the ends of the calendar and of the as-of range, date-times of several shapes, a trailing line feed.</summary>
    public static readonly string[] DateProbes =
    [
        "2026-02-29", "2028-02-29", "1900-02-29", "2000-02-29", "2026-04-31", "2026-13-01", "0000-01-01", "0001-01-01", "1899-12-31", "3000-01-01", "9999-12-31",
        "2026-01-10T08:30:00Z", "2026-01-10T08:30:00.123+05:30", "2026-01-10T23:59:60-14:00", "2026-01-10T08:30", "2026-01-10T24:00:00Z",
        "2026-01-10T08:30:00+15:00", "2026-01-10Tjunk", "2026-01-10 08:30:00", "2026-01", "2026-1-10", "2026-01-10\n", "2026-01-10T08:30:00Z\n",
    ];

    public static string[] OtherTypes(JsonNode? node) => node?.GetValueKind() switch
    {
        System.Text.Json.JsonValueKind.String => ["1", "{}"],
        System.Text.Json.JsonValueKind.Number => ["\"1\"", "true"],
        System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False => ["\"true\"", "1"],
        System.Text.Json.JsonValueKind.Array => ["{}", "\"x\""],
        System.Text.Json.JsonValueKind.Object => ["[]", "\"x\""],
        _ => ["1"],
    };

    /// <summary>A copy of <paramref name="root"/> with the node at <paramref name="pointer"/> changed, replaced (<paramref name="replacement"/>) or removed (<paramref name="change"/> null), or set to JSON null (<paramref name="toNull"/>).</summary>
    public static string Edit(JsonNode root, string pointer, Action<JsonNode>? change, JsonNode? replacement = null, bool toNull = false)
    {
        var copy = root.DeepClone();
        var segments = pointer.Split('/').Skip(1).Select(s => s.Replace("~1", "/").Replace("~0", "~")).ToArray();
        JsonNode target = copy;
        foreach (var segment in segments.SkipLast(1))
        {
            target = target is JsonArray a ? a[int.Parse(segment)]! : target[segment]!;
        }

        if (segments.Length == 0)
        {
            change!(copy);
            return copy.ToJsonString();
        }

        string last = segments[^1];
        if (change is null)
        {
            if (target is JsonArray list)
            {
                list.RemoveAt(int.Parse(last));
            }
            else
            {
                target.AsObject().Remove(last);
            }
        }
        else if (replacement is not null || toNull)
        {
            if (target is JsonArray list)
            {
                list[int.Parse(last)] = replacement;
            }
            else
            {
                target[last] = replacement;
            }
        }
        else
        {
            change(target is JsonArray list ? list[int.Parse(last)]! : target[last]!);
        }

        return copy.ToJsonString();
    }
}
