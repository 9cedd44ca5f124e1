using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text.Json;
using Eligibility.Diagnostics;

namespace Eligibility.Loading;

/// <summary>
/// Tolerant typed access to a JSON object with its pointer. Structure is checked by the JSON Schema first;
/// this reader never throws and simply yields nothing for values of the wrong shape.
/// </summary>
internal readonly struct JsonObjectReader
{
    public JsonObjectReader(JsonElement element, string pointer)
    {
        Element = element;
        Pointer = pointer;
    }

    public JsonElement Element { get; }

    public string Pointer { get; }

    public bool IsObject => Element.ValueKind == JsonValueKind.Object;

    public string Child(string name) => Pointer + "/" + SourceMap.Escape(name);

    public bool Has(string name) => IsObject && Element.TryGetProperty(name, out _);

    public string? String(string name) =>
        IsObject && Element.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    public decimal? Decimal(string name) =>
        IsObject && Element.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetDecimal(out decimal d) ? d : null;

    public int? Int(string name) =>
        IsObject && Element.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out int i) ? i : null;

    public bool? Bool(string name) =>
        IsObject && Element.TryGetProperty(name, out var v) && (v.ValueKind == JsonValueKind.True || v.ValueKind == JsonValueKind.False) ? v.GetBoolean() : null;

    public JsonObjectReader? Object(string name) =>
        IsObject && Element.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Object ? new JsonObjectReader(v, Child(name)) : null;

    public IEnumerable<JsonObjectReader> Array(string name)
    {
        if (IsObject && Element.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array)
        {
            int i = 0;
            foreach (var item in v.EnumerateArray())
            {
                yield return new JsonObjectReader(item, Child(name) + "/" + i.ToString(CultureInfo.InvariantCulture));
                i++;
            }
        }
    }

    /// <summary>A string or an array of strings, as a list (empty when absent or malformed).</summary>
    public IReadOnlyList<string> Strings(string name)
    {
        var list = new List<string>();
        if (!IsObject || !Element.TryGetProperty(name, out var v))
        {
            return list;
        }

        if (v.ValueKind == JsonValueKind.String)
        {
            list.Add(v.GetString()!);
        }
        else if (v.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in v.EnumerateArray())
            {
                if (item.ValueKind == JsonValueKind.String)
                {
                    list.Add(item.GetString()!);
                }
            }
        }

        return list;
    }

    public IEnumerable<(string Name, JsonObjectReader Value)> Properties()
    {
        if (!IsObject)
        {
            yield break;
        }

        foreach (var p in Element.EnumerateObject())
        {
            yield return (p.Name, new JsonObjectReader(p.Value, Child(p.Name)));
        }
    }
}
