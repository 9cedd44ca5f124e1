using Hl7.Fhir.Introspection;
using Hl7.Fhir.Model;

namespace Eligibility.Fhir.Tests;

/// <summary>
/// The fast reader looks elements up in <see cref="FhirModel.Inspector"/>, a model of the resource types eligibility reads
/// and the R4 data types, instead of Firely's whole <c>ModelInfo.ModelInspector</c> (half a second to build, and
/// ModelInfo's static constructor another half). It must resolve every element exactly as the whole model does: the same
/// classes, the same elements with the same choice kind, cardinality and allowed types, down through every class the
/// used resources reach.
/// </summary>
public class FhirModelTests
{
    [Test]
    public void The_open_types_are_Firelys_list_in_its_order()
    {
        FhirModel.OpenTypes.Should().Equal(ModelInfo.OpenTypes);
    }

    /// <summary>Every data type is found by name (a choice element's suffix names one). A coded element's own class
    /// (<c>Code&lt;T&gt;</c>) is not looked up by name: it is imported with its element, which the next test covers.</summary>
    [Test]
    public void Every_data_type_of_the_whole_model_is_in_the_partial_one()
    {
        var partial = FhirModel.Inspector;
        var missing = ModelInfo.ModelInspector.ClassMappings
            .Where(m => m.NativeType.IsSubclassOf(typeof(DataType)) && !m.NativeType.IsAbstract && !m.NativeType.IsGenericType)
            .Where(m => partial.FindClassMapping(m.Name) is null)
            .Select(m => m.Name)
            .ToList();
        missing.Should().BeEmpty();
    }

    [Test]
    public void Every_element_the_used_resources_reach_resolves_as_in_the_whole_model()
    {
        var partial = FhirModel.Inspector;
        var whole = ModelInfo.ModelInspector;
        var seen = new HashSet<Type>();
        var pending = new Queue<Type>(BundleMapper.UsedTypes.Select(name => whole.FindClassMapping(name)!.NativeType));
        int elements = 0;
        while (pending.Count > 0)
        {
            var type = pending.Dequeue();
            if (!seen.Add(type))
            {
                continue;
            }

            var mine = partial.FindOrImportClassMapping(type)!;
            var theirs = whole.FindOrImportClassMapping(type)!;
            mine.Name.Should().Be(theirs.Name);
            partial.FindClassMapping(theirs.Name).Should().NotBeNull($"{theirs.Name} is found by name");
            mine.PropertyMappings.Select(p => p.Name).Should().Equal(theirs.PropertyMappings.Select(p => p.Name), $"the elements of {theirs.Name}");
            foreach (var property in theirs.PropertyMappings)
            {
                var own = mine.FindMappedElementByName(property.Name)!;
                string what = theirs.Name + "." + property.Name;
                own.Choice.Should().Be(property.Choice, what);
                own.IsCollection.Should().Be(property.IsCollection, what);
                own.ImplementingType.Should().Be(property.ImplementingType, what);
                own.FhirType.Should().Equal(property.FhirType, what);
                elements++;
                foreach (var reached in property.FhirType.Append(property.ImplementingType))
                {
                    if (typeof(Base).IsAssignableFrom(reached) && !reached.IsAbstract)
                    {
                        pending.Enqueue(reached);
                    }
                }
            }
        }

        TestContext.Out.WriteLine($"{seen.Count} classes, {elements} elements compared");
        seen.Count.Should().BeGreaterThan(100);
    }
}
