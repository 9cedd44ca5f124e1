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

    public static string[] OtherTypes(JsonNode? node) => node?.GetValueKind() switch
    {
        System.Text.Json.JsonValueKind.String => ["1", "{}"],
        System.Text.Json.JsonValueKind.Number => ["\"1\"", "true"],
        System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False => ["\"true\"", "1"],
        System.Text.Json.JsonValueKind.Array => ["{}", "\"x\""],
        System.Text.Json.JsonValueKind.Object => ["[]", "\"x\""],
        _ => ["1"],
    };

    /// <summary>A copy of <paramref name="root"/> with the node at <paramref name="pointer"/> changed, replaced (<paramref name="replacement"/>) or removed (<paramref name="change"/> null).</summary>
    public static string Edit(JsonNode root, string pointer, Action<JsonNode>? change, JsonNode? replacement = null)
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
        else if (replacement is not null)
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
