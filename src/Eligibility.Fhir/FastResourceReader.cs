using System;
using System.Collections;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Frozen;
using System.Linq;
using System.Text.Json;
using System.Threading;
using Hl7.Fhir.Introspection;
using Hl7.Fhir.Model;

namespace Eligibility.Fhir;

/// <summary>How <see cref="BundleMapper"/> parses each resource it uses.</summary>
internal enum ResourceParsing
{
    /// <summary><see cref="FastResourceReader"/> first; a resource it does not take gets <see cref="Firely"/>. What every read does.</summary>
    Fast,

    /// <summary>Firely without a validator, then, when that parse or <see cref="LiteralValidator.WouldPass"/> finds
    /// anything, Firely with the validator (which reports). Tests force it to compare with <see cref="Fast"/>.</summary>
    Firely,

    /// <summary>Firely with the validator for every resource. Tests force it to compare with the cheaper parses.</summary>
    Validating,
}

/// <summary>How the used resources of one read were parsed (tests and benchmarks count them).</summary>
internal sealed class ParseCounts
{
    /// <summary>Resources <see cref="FastResourceReader"/> took.</summary>
    public int Fast { get; private set; }

    /// <summary>Resources it left to Firely.</summary>
    public int Fallback { get; private set; }

    /// <summary>Counts one resource; <paramref name="fast"/> when the fast reader took it.</summary>
    public void Count(bool fast)
    {
        if (fast)
        {
            Fast++;
        }
        else
        {
            Fallback++;
        }
    }
}

/// <summary>
/// Builds a resource's Firely POCO straight from its JSON with <see cref="Utf8JsonReader"/>, for the common case: every
/// member an element of the R4 model spelt exactly (a choice element only with a type it allows), every value of the
/// right JSON kind and list/single shape, no empty object, array or string, no <c>null</c>, no primitive extension
/// (<c>_name</c>), no repeated member, numbers that read as a <see cref="decimal"/> or <see cref="int"/> (positive or
/// unsigned where the type says so), coded statuses from their value set. The POCO is the one Firely's parse without a
/// validator builds from the same JSON (values set the way it sets them), so <see cref="BundleMapper"/> maps it unchanged.
/// For anything else the answer is <c>null</c> and the reader parses the resource with Firely as before, which gives the
/// diagnostics; so a resource taken here is one Firely's parse would have taken without a word, and records and
/// diagnostics are the same either way (tests/Eligibility.Fhir.Tests/FastReadTests.cs). A read for mapping (what a bundle
/// read does) checks the members <see cref="BundleMapper"/> never reads (<see cref="Unread"/>) as strictly but does not
/// build them, and shares one primitive per thread for a repeating value, so it takes exactly the same resources and
/// its POCO is the whole one less those members (FastReadForMappingTests.cs). Thread-safe: the tables it fills as it
/// meets element names are bounded by the model.
/// </summary>
internal static class FastResourceReader
{
    private static ModelInspector Inspector => FhirModel.Inspector;

    /// <summary>The tables of the resource types read so far, by exact type name (only names of R4 resources are kept).</summary>
    private static readonly ConcurrentDictionary<string, FastType> Resources = new(StringComparer.Ordinal);

    /// <summary>The tables of every class met so far.</summary>
    private static readonly ConcurrentDictionary<ClassMapping, FastType> Types = new(ReferenceEqualityComparer.Instance);

    /// <summary>What kind of value an element holds.</summary>
    private enum ValueKind
    {
        Complex,
        Resource,
        String,
        Code,
        Decimal,
        Integer,
        PositiveInt,
        UnsignedInt,
        Boolean,
    }

    /// <summary>The resource, or <c>null</c> when anything in it is outside the common case (then Firely parses it).</summary>
    /// <param name="json">The resource object's bytes.</param>
    /// <param name="resourceType">Its <c>resourceType</c>, as the bundle's layout scan read it.</param>
    /// <param name="forMapping">Whether the POCO is only for <see cref="BundleMapper"/>: then the members it never reads
    /// (<see cref="Unread"/>) are checked as strictly as the others, so the same resources are taken, but not built.</param>
    /// <returns>The POCO, or <c>null</c>.</returns>
    public static Resource? TryRead(ReadOnlySpan<byte> json, string resourceType, bool forMapping = false)
    {
        if (ResourceTable(resourceType) is not { } type)
        {
            return null;
        }

        var reader = new Utf8JsonReader(json, BundleLayout.ReaderOptions);
        try
        {
            return reader.Read() ? Read(ref reader, type, resourceType, forMapping) : null;
        }
        catch (JsonException)
        {
            return null; // malformed: Firely's parse reports it
        }
    }

    /// <summary>As <see cref="TryRead(ReadOnlySpan{byte}, string, bool)"/>, for the resource object the reader is on (its
    /// <c>{</c>); the reader is left on its <c>}</c> when the answer is a resource, anywhere inside it when it is <c>null</c>
    /// (the caller goes back). Throws the reader's <see cref="JsonException"/> for text that is not well-formed.</summary>
    /// <param name="reader">A reader on the resource's <c>{</c>.</param>
    /// <param name="resourceType">Its <c>resourceType</c>.</param>
    /// <param name="forMapping">Whether the POCO is only for <see cref="BundleMapper"/> (unread members not built).</param>
    /// <returns>The POCO, or <c>null</c>.</returns>
    public static Resource? TryRead(ref Utf8JsonReader reader, string resourceType, bool forMapping = false) =>
        ResourceTable(resourceType) is { } type ? Read(ref reader, type, resourceType, forMapping) : null;

    /// <summary>Whether the fast reader would take the resource object the reader is on (its <c>{</c>), building nothing:
    /// every member checked as strictly as a read for mapping checks it, no POCO made; the reader is left on its <c>}</c>
    /// when the answer is <c>true</c>. The least any reader that sends the same resources to Firely must do: the benchmarks
    /// time it as the floor of a read that would map straight from the JSON. Throws the reader's
    /// <see cref="JsonException"/> for text that is not well-formed.</summary>
    /// <param name="reader">A reader on the resource's <c>{</c>.</param>
    /// <param name="resourceType">Its <c>resourceType</c>.</param>
    /// <returns><c>true</c> when the fast reader takes it (an element past the 64th of its class, which a read takes only
    /// when it was not set before, counts as not taken).</returns>
    internal static bool Check(ref Utf8JsonReader reader, string resourceType)
    {
        if (ResourceTable(resourceType) is not { } type || reader.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }

        try
        {
            return ReadObject(ref reader, null, type, resourceType, forMapping: true);
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException or OverflowException or ArgumentException or InvalidCastException)
        {
            return false;
        }
    }

    private static Resource? Read(ref Utf8JsonReader reader, FastType type, string resourceType, bool forMapping)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return null;
        }

        var items = Items ??= new List<Base>();
        int depth = items.Count;
        try
        {
            var resource = type.Mapping.CreateInstance();
            return ReadObject(ref reader, resource, type, resourceType, forMapping) ? resource as Resource : null;
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException or OverflowException or ArgumentException or InvalidCastException)
        {
            // Unusual content (a string that is not valid UTF-8, say), or a corner of the model the reader does not know:
            // Firely's parse reads it.
            return null;
        }
        finally
        {
            if (items.Count > depth)
            {
                items.RemoveRange(depth, items.Count - depth); // a read given up inside a list
            }
        }
    }

    /// <summary>The table of a resource type spelt exactly as R4 spells it, else <c>null</c>.</summary>
    private static FastType? ResourceTable(string name)
    {
        if (Resources.TryGetValue(name, out var known))
        {
            return known;
        }

        if (Inspector.FindClassMapping(name) is not { IsResource: true, IsAbstract: not true } mapping || !string.Equals(mapping.Name, name, StringComparison.Ordinal))
        {
            return null;
        }

        var table = Table(mapping);
        Resources.TryAdd(name, table);
        return table;
    }

    private static FastType Table(ClassMapping mapping) => Types.GetOrAdd(mapping, m => new FastType(m));

    /// <summary>The items of the lists being read on this thread, innermost last: a list is built once its length is known,
    /// at that length (a list grown item by item holds room for four).</summary>
    [ThreadStatic]
    private static List<Base>? Items;

    /// <summary>Reads the members of the object the reader is on into <paramref name="target"/>, or only checks them when it
    /// is <c>null</c> (an unread member's value); <paramref name="resourceType"/> is the type of a resource (whose
    /// <c>resourceType</c> members are skipped, as Firely does), <c>null</c> for a data type.</summary>
    private static bool ReadObject(ref Utf8JsonReader reader, Base? target, FastType type, string? resourceType, bool forMapping)
    {
        bool empty = true;
        ulong seen = 0; // the elements set so far, by slot (a repeated member, or a second type of one choice element, is an issue for Firely)
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.EndObject)
            {
                return !empty; // an empty object is an issue for Firely
            }

            if (resourceType is not null && reader.ValueTextEquals("resourceType"u8))
            {
                if (!reader.Read() || reader.TokenType != JsonTokenType.String || !reader.ValueTextEquals(resourceType))
                {
                    return false;
                }

                continue;
            }

            empty = false;
            if (type.Find(ref reader) is not { } element || (seen & element.Bit) != 0 || !reader.Read()
                || !ReadElement(ref reader, forMapping && element.Unread ? null : target, element, forMapping))
            {
                return false;
            }

            seen |= element.Bit;
        }

        return false;
    }

    /// <summary>Reads one member's value (the reader is on it) and sets the element, or only checks the value when
    /// <paramref name="target"/> is <c>null</c>; <c>false</c> when it is outside the common case.</summary>
    private static bool ReadElement(ref Utf8JsonReader reader, Base? target, Element element, bool forMapping)
    {
        if (element.Bit == 0 && (target is null || (target.TryGetValue(element.Name, out object? existing) && existing is not (null or IList { Count: 0 }))))
        {
            return false; // an element past the 64th of its class, set before (or, unbuilt, not known not to be)
        }

        if (!element.IsCollection)
        {
            if (!ReadValue(ref reader, element, target is not null, forMapping, out var single))
            {
                return false;
            }

            if (target is not null)
            {
                element.Set(target, single!);
            }

            return true;
        }

        if (reader.TokenType != JsonTokenType.StartArray)
        {
            return false;
        }

        var items = Items!;
        int first = items.Count, count = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (!ReadValue(ref reader, element, target is not null, forMapping, out var item))
            {
                return false; // Read clears the items
            }

            count++;
            if (target is not null)
            {
                items.Add(item!);
            }
        }

        if (count == 0)
        {
            return false;
        }

        if (target is not null)
        {
            var list = element.NewList(count);
            for (int i = first; i < items.Count; i++)
            {
                list.Add(items[i]);
            }

            items.RemoveRange(first, count);
            element.Set(target, list);
        }

        return true;
    }

    /// <summary>One value (an array's item, or the member's value), the reader on its first token and left on its last;
    /// built when <paramref name="build"/>, else only checked (<paramref name="value"/> <c>null</c>).</summary>
    private static bool ReadValue(ref Utf8JsonReader reader, Element element, bool build, bool forMapping, out Base? value)
    {
        value = null;
        switch (element.Kind)
        {
            case ValueKind.Complex:
            {
                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    return false;
                }

                var instance = build ? element.Mapping.CreateInstance() : null;
                value = instance;
                return ReadObject(ref reader, instance, element.Type!, null, forMapping);
            }

            case ValueKind.Resource:
                return ReadContained(ref reader, build, forMapping, out value);
            default:
                return ReadPrimitive(ref reader, element, build, forMapping, out value);
        }
    }

    /// <summary>A resource inside a resource (<c>contained</c>): its <c>resourceType</c> must be its first member.</summary>
    private static bool ReadContained(ref Utf8JsonReader reader, bool build, bool forMapping, out Base? value)
    {
        value = null;
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }

        var ahead = reader;
        if (!ahead.Read() || ahead.TokenType != JsonTokenType.PropertyName || !ahead.ValueTextEquals("resourceType"u8)
            || !ahead.Read() || ahead.TokenType != JsonTokenType.String
            || ResourceTable(ahead.GetString()!) is not { } type)
        {
            return false;
        }

        var resource = build ? type.Mapping.CreateInstance() : null;
        value = resource;
        return ReadObject(ref reader, resource, type, type.Mapping.Name, forMapping);
    }

    private static readonly object True = true;
    private static readonly object False = false;

    private static bool ReadPrimitive(ref Utf8JsonReader reader, Element element, bool build, bool forMapping, out Base? built)
    {
        built = null;
        object value;
        int slot = -1; // the value's place in Utf8StringCache, where its primitive can be kept
        switch (element.Kind)
        {
            case ValueKind.String when !build:
                return reader.TokenType == JsonTokenType.String && NotBlank(ref reader);
            case ValueKind.String or ValueKind.Code:
                if (reader.TokenType != JsonTokenType.String
                    || (element.Repeats ? Utf8StringCache.Current.Get(ref reader, out slot) : reader.GetString()) is not { } text
                    || string.IsNullOrWhiteSpace(text))
                {
                    return false; // a blank string is an issue for Firely
                }

                value = text;
                break;
            case ValueKind.Decimal:
                if (reader.TokenType != JsonTokenType.Number || reader.ValueSpan.IndexOfAny("eE"u8) >= 0 || !reader.TryGetDecimal(out decimal number))
                {
                    return false;
                }

                if (!build)
                {
                    return true;
                }

                value = number;
                break;
            case ValueKind.Integer or ValueKind.PositiveInt or ValueKind.UnsignedInt:
                if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out int whole)
                    || (element.Kind == ValueKind.PositiveInt && whole < 1) || (element.Kind == ValueKind.UnsignedInt && whole < 0))
                {
                    return false;
                }

                if (!build)
                {
                    return true;
                }

                value = whole;
                break;
            case ValueKind.Boolean when reader.TokenType is JsonTokenType.True or JsonTokenType.False:
                if (!build)
                {
                    return true;
                }

                value = reader.TokenType == JsonTokenType.True ? True : False; // one box of each, not one per value
                break;
            default:
                return false;
        }

        // Read for mapping, a repeating value (a string from the cache, or a boolean) is one primitive per thread: the
        // mapper only reads them, and they never leave the read.
        bool shared = forMapping && (slot >= 0 || element.Kind == ValueKind.Boolean);
        if (shared && SharedPrimitive(slot, value, element.Mapping) is { } known)
        {
            built = known; // the same value of the same type, built and checked before
            return true;
        }

        var primitive = (PrimitiveType)element.Mapping.CreateInstance();
        primitive.JsonValue = value;

        // A coded value is checked against its value set, unless it is the very string (from Utf8StringCache) this
        // element last found valid.
        if (element.Kind == ValueKind.Code && !ReferenceEquals(value, element.LastValid))
        {
            if (!LiteralValidator.LiteralValid(primitive))
            {
                return false;
            }

            element.LastValid = value as string;
        }

        if (shared)
        {
            KeepShared(slot, value, element.Mapping, primitive);
        }

        built = primitive; // an unbuilt value is checked the same way, and dropped
        return true;
    }

    /// <summary>The two booleans' primitives built for mapping on this thread.</summary>
    [ThreadStatic]
    private static PrimitiveType? SharedTrue;

    [ThreadStatic]
    private static PrimitiveType? SharedFalse;

    /// <summary>
    /// The primitive built for mapping on this thread for the same value and class, if any: a bundle's forty
    /// <c>"final"</c> statuses, LOINC systems and subject references are forty uses of one object rather than forty
    /// objects. A string's is kept with it in <see cref="Utf8StringCache"/> (its <paramref name="slot"/>), so a miss only
    /// costs the primitive it would have cost anyway. Only <see cref="BundleMapper"/>'s POCOs share them: it reads values
    /// and never changes them, and its POCOs never leave the read.
    /// </summary>
    private static PrimitiveType? SharedPrimitive(int slot, object value, ClassMapping type) =>
        slot >= 0 ? Utf8StringCache.Current.Primitive(slot, type)
        : ReferenceEquals(value, True) ? SharedTrue
        : SharedFalse;

    private static void KeepShared(int slot, object value, ClassMapping type, PrimitiveType primitive)
    {
        if (slot >= 0)
        {
            Utf8StringCache.Current.Keep(slot, type, primitive);
        }
        else if (ReferenceEquals(value, True))
        {
            SharedTrue = primitive;
        }
        else
        {
            SharedFalse = primitive;
        }
    }

    /// <summary>Whether the string token the reader is on is one <see cref="Utf8JsonReader.GetString"/> decodes (it throws
    /// for text that is not valid UTF-8) to a string that is not blank, without decoding it when it has a visible ASCII
    /// character (which no blank string has).</summary>
    private static bool NotBlank(ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped && !reader.HasValueSequence && reader.ValueSpan.IndexOfAnyInRange((byte)0x21, (byte)0x7E) >= 0)
        {
            return System.Text.Unicode.Utf8.IsValid(reader.ValueSpan); // where GetString would throw, and the read give up
        }

        return !string.IsNullOrWhiteSpace(reader.GetString());
    }

    /// <summary>One element of a class as it is named in JSON: <c>status</c>, <c>valueQuantity</c>.</summary>
    /// <param name="Name">The element's name in the model (<c>value</c> for <c>valueQuantity</c>).</param>
    /// <param name="IsCollection">Whether it is a list.</param>
    /// <param name="Kind">What its values are.</param>
    /// <param name="Mapping">The class of its values (a choice element: of the type the JSON name gives).</param>
    /// <param name="Type">The table of that class, for a complex value.</param>
    /// <param name="Slot">The element's bit, setter and list maker (shared by the JSON names of a choice element).</param>
    /// <param name="Unread">Whether <see cref="BundleMapper"/> never reads the element (<see cref="Unread"/>).</param>
    private sealed record Element(string Name, bool IsCollection, ValueKind Kind, ClassMapping Mapping, FastType? Type, ElementSlot Slot, bool Unread)
    {
        /// <summary>Whether the element's values repeat across resources and patients (a coded status, a code system, a
        /// code, a unit, a display text, a reference: every resource of a bundle names its subject), so
        /// <see cref="Utf8StringCache"/> decodes each distinct one once per thread; ids, dates and free text are decoded
        /// every time.</summary>
        public bool Repeats { get; } = Kind == ValueKind.Code || Name is "system" or "code" or "unit" or "display" or "version" or "reference";

        /// <summary>The element's bit among its class's elements (all types of a choice element share one); 0 past the 64th.</summary>
        public ulong Bit => Slot.Bit;

        /// <summary>For a coded element, the last value <see cref="LiteralValidator.LiteralValid"/> accepted for it: the same
        /// string instance again (the cache gives the same instance for the same bytes) needs no look-up. Shared by every
        /// thread; a stale or racing write only costs a look-up.</summary>
        public string? LastValid { get; set; }

        /// <summary>Sets the element on an instance of the class.</summary>
        public void Set(Base target, object value) => Slot.Set(target, value);

        /// <summary>An empty list of the element's type with room for <paramref name="count"/> items.</summary>
        public IList NewList(int count) => Slot.NewList is { } make ? make(count) : Mapping.CreateList();
    }

    /// <summary>What one element of a class shares across its JSON names: its bit, its setter (the POCO property, compiled
    /// once) and, for a list, a maker of the property's list type at a given capacity (<c>null</c>: Firely's own).</summary>
    private sealed record ElementSlot(ulong Bit, Action<Base, object> Set, Func<int, IList>? NewList);

    /// <summary>The elements <see cref="BundleMapper"/> never reads, as <c>Class.element</c>: their values are checked but not
    /// built when the POCO is read for mapping (<see cref="TryRead(ReadOnlySpan{byte}, string, bool)"/>). A resource with
    /// such a member is taken or left exactly as when it is built; one the mapper starts to read must leave this list
    /// (tests/Eligibility.Fhir.Tests/FastReadTests.cs reads every test bundle both ways).</summary>
    internal static readonly System.Collections.Frozen.FrozenSet<string> Unread = new[]
    {
        "meta", "text", "implicitRules", "language", "identifier", "extension", "modifierExtension",
    }.SelectMany(element => BundleMapper.UsedTypes.Select(type => type + "." + element))
    .Concat([
        "Observation.category", "Observation.basedOn", "Observation.partOf", "Observation.focus", "Observation.encounter",
        "Observation.issued", "Observation.note", "Observation.bodySite", "Observation.method", "Observation.specimen",
        "Observation.device", "Observation.hasMember", "Observation.derivedFrom",
        "Condition.category", "Condition.severity", "Condition.bodySite", "Condition.encounter", "Condition.recordedDate",
        "Condition.recorder", "Condition.asserter", "Condition.stage", "Condition.evidence", "Condition.note",
        "Patient.active", "Patient.name", "Patient.telecom", "Patient.address", "Patient.maritalStatus", "Patient.photo",
        "Patient.contact", "Patient.communication", "Patient.generalPractitioner", "Patient.managingOrganization", "Patient.link",
        "Procedure.category", "Procedure.performer", "Procedure.location", "Procedure.reasonCode", "Procedure.reasonReference",
        "Procedure.bodySite", "Procedure.outcome", "Procedure.note", "Procedure.encounter", "Procedure.recorder", "Procedure.asserter",
        "Immunization.encounter", "Immunization.location", "Immunization.manufacturer", "Immunization.lotNumber",
        "Immunization.site", "Immunization.route", "Immunization.performer", "Immunization.note", "Immunization.reasonCode",
        "MedicationStatement.category", "MedicationStatement.note", "MedicationStatement.reasonCode", "MedicationStatement.informationSource",
        "MedicationRequest.category", "MedicationRequest.note", "MedicationRequest.reasonCode", "MedicationRequest.requester",
        "MedicationRequest.encounter", "MedicationRequest.recorder", "MedicationRequest.insurance",
        "MedicationAdministration.note", "MedicationAdministration.reasonCode", "MedicationAdministration.performer",
        "MedicationAdministration.context", "MedicationAdministration.category",
        "MedicationDispense.performer", "MedicationDispense.note", "MedicationDispense.location", "MedicationDispense.receiver",
    ]).ToFrozenSet(StringComparer.Ordinal);

    /// <summary>The elements of one class by their JSON names, filled as names are met.</summary>
    private sealed class FastType
    {
        /// <summary>The elements met so far with their JSON names as UTF-8, searched in order (a class has a few dozen
        /// elements at most, and a resource uses a handful); replaced, never changed, when a name is added.</summary>
        private (byte[] Name, Element Element)[] known = [];

        /// <summary>Each element's bit and setter, by element name (shared by the JSON names of a choice element).</summary>
        private readonly Dictionary<string, ElementSlot> slots = new(StringComparer.Ordinal);

        public FastType(ClassMapping mapping) => Mapping = mapping;

        public ClassMapping Mapping { get; }

        /// <summary>The element the property name the reader is on names exactly, or <c>null</c>.</summary>
        public Element? Find(ref Utf8JsonReader reader)
        {
            var names = Volatile.Read(ref known);
            if (!reader.ValueIsEscaped)
            {
                var utf8 = reader.ValueSpan;
                foreach (var (name, element) in names)
                {
                    if (name.Length == utf8.Length && utf8.SequenceEqual(name))
                    {
                        return element;
                    }
                }
            }

            string text = reader.GetString()!;
            foreach (var (name, element) in names)
            {
                if (reader.ValueTextEquals(name))
                {
                    return element;
                }
            }

            return Add(text);
        }

        /// <summary>Resolves a name met for the first time and remembers it when it names an element (only names of the
        /// model are kept, so hostile input cannot grow the table); <c>null</c> when it names none.</summary>
        private Element? Add(string text)
        {
            if (Resolve(text) is not { } resolved)
            {
                return null;
            }

            byte[] utf8Name = System.Text.Encoding.UTF8.GetBytes(text);
            lock (slots)
            {
                if (!Array.Exists(known, k => k.Name.AsSpan().SequenceEqual(utf8Name)))
                {
                    Volatile.Write(ref known, [.. known, (utf8Name, resolved)]);
                }
            }

            return resolved;
        }

        /// <summary>The element <paramref name="name"/> names in Firely's model, spelt exactly (Firely's own look-ups
        /// ignore letter case), or <c>null</c>.</summary>
        private Element? Resolve(string name)
        {
            if (name.Length == 0 || name[0] == '_')
            {
                return null;
            }

            var property = Mapping.FindMappedElementByName(name);
            if (property is not null && string.Equals(property.Name, name, StringComparison.Ordinal))
            {
                return property.Choice switch
                {
                    ChoiceType.None => Make(property, Inspector.FindOrImportClassMapping(property.ImplementingType)),
                    ChoiceType.ResourceChoice when Inspector.FindOrImportClassMapping(property.ImplementingType) is { } resource =>
                        Make(property, resource, ValueKind.Resource),
                    _ => null, // a choice element without its type suffix
                };
            }

            property = Mapping.FindMappedElementByChoiceName(name);
            if (property is not { Choice: ChoiceType.DatatypeChoice } || !name.StartsWith(property.Name, StringComparison.Ordinal) || name.Length == property.Name.Length)
            {
                return null;
            }

            string suffix = name[property.Name.Length..];
            var type = Inspector.FindClassMapping(suffix);
            return type is not null && string.Equals(char.ToUpperInvariant(type.Name[0]) + type.Name[1..], suffix, StringComparison.Ordinal)
                && Array.IndexOf(property.FhirType, type.NativeType) >= 0
                ? Make(property, type)
                : null;
        }

        private Element? Make(PropertyMapping property, ClassMapping type, ValueKind kind) =>
            Slot(property) is { } slot ? new Element(property.Name, property.IsCollection, kind, type, null, slot, IsUnread(property)) : null;

        private bool IsUnread(PropertyMapping property) => Unread.Contains(Mapping.Name + "." + property.Name);

        private Element? Make(PropertyMapping property, ClassMapping? type)
        {
            if (type is null || type.IsAbstract == true || type.IsResource)
            {
                return null;
            }

            ValueKind? kind = !type.IsFhirPrimitive ? ValueKind.Complex
                : type.IsCodeOfT ? ValueKind.Code
                : type.NativeType == typeof(FhirDecimal) ? ValueKind.Decimal
                : type.NativeType == typeof(Integer) ? ValueKind.Integer
                : type.NativeType == typeof(PositiveInt) ? ValueKind.PositiveInt
                : type.NativeType == typeof(UnsignedInt) ? ValueKind.UnsignedInt
                : type.NativeType == typeof(FhirBoolean) ? ValueKind.Boolean
                : type.NativeType == typeof(Integer64) ? null
                : ValueKind.String;
            return kind is { } k && Slot(property) is { } slot
                ? new Element(property.Name, property.IsCollection, k, type, k == ValueKind.Complex ? Table(type) : null, slot, IsUnread(property))
                : null;
        }

        /// <summary>The element's bit, compiled setter and list maker; <c>null</c> when the model's property cannot be set.</summary>
        private ElementSlot? Slot(PropertyMapping property)
        {
            lock (slots)
            {
                if (slots.TryGetValue(property.Name, out var slot))
                {
                    return slot;
                }

                var native = property.NativeProperty;
                if (native is null || !native.CanWrite || native.SetMethod is not { IsPublic: true } || !native.DeclaringType!.IsAssignableTo(typeof(Base)))
                {
                    return null;
                }

                var instance = System.Linq.Expressions.Expression.Parameter(typeof(Base), "instance");
                var value = System.Linq.Expressions.Expression.Parameter(typeof(object), "value");
                var set = System.Linq.Expressions.Expression.Lambda<Action<Base, object>>(
                    System.Linq.Expressions.Expression.Assign(
                        System.Linq.Expressions.Expression.Property(System.Linq.Expressions.Expression.Convert(instance, native.DeclaringType), native),
                        System.Linq.Expressions.Expression.Convert(value, native.PropertyType)),
                    instance,
                    value).Compile();
                Func<int, IList>? newList = null;
                if (native.PropertyType.IsGenericType && native.PropertyType.GetGenericTypeDefinition() == typeof(List<>))
                {
                    var capacity = System.Linq.Expressions.Expression.Parameter(typeof(int), "capacity");
                    newList = System.Linq.Expressions.Expression.Lambda<Func<int, IList>>(
                        System.Linq.Expressions.Expression.New(native.PropertyType.GetConstructor([typeof(int)])!, capacity),
                        capacity).Compile();
                }

                int index = slots.Count;
                slot = new ElementSlot(index < 64 ? 1UL << index : 0, set, newList);
                slots.Add(property.Name, slot);
                return slot;
            }
        }
    }
}
