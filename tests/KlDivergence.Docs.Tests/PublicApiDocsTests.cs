using System.Reflection;
using System.Xml.Linq;
using KlDivergence.Divergences;

namespace KlDivergence.Docs.Tests;

/// <summary>
/// Every public type and member of the KlDivergence assembly has an XML documentation comment with a non-empty summary
/// (or an inheritdoc), looked up by its exact documentation ID in the XML file the compiler wrote next to the assembly.
/// The build's CS1591 catches a missing comment; this also catches empty ones and a switched-off warning.
/// </summary>
public class PublicApiDocsTests
{
    private static readonly Assembly Library = typeof(Kl).Assembly;

    [Fact]
    public void EveryPublicTypeAndMemberIsDocumented()
    {
        var docs = LoadDocs();
        var missing = new List<string>();
        var empty = new List<string>();
        int checkedCount = 0;
        foreach (var (id, owner) in PublicIds())
        {
            checkedCount++;
            if (!docs.TryGetValue(id, out var member))
            {
                // A positional record property is documented by the record's <param>.
                if (owner is not null && docs.TryGetValue(XmlDocs.TypeId(owner), out var typeDoc)
                    && typeDoc.Elements("param").Any(p => id.EndsWith("." + (string?)p.Attribute("name"), StringComparison.Ordinal)))
                {
                    continue;
                }

                missing.Add(id);
            }
            else if (!HasText(member))
            {
                empty.Add(id);
            }
        }

        checkedCount.Should().BeGreaterThan(500, "the whole public surface is enumerated");
        if (missing.Count + empty.Count > 0)
        {
            Assert.Fail($"{missing.Count} public members have no XML doc comment and {empty.Count} have an empty <summary> "
                + $"(of {checkedCount} checked).\nMissing:\n  {string.Join("\n  ", missing)}\nEmpty:\n  {string.Join("\n  ", empty)}");
        }
    }

    [Fact]
    public void DocumentationIdsAreComputedTheCompilersWay()
    {
        // A few IDs written out by hand, so the reflection-based ID builder is itself checked.
        var docs = LoadDocs();
        var ids = PublicIds().Select(x => x.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var id in new[]
                 {
                     "T:KlDivergence.Divergences.Kl",
                     "M:KlDivergence.Distributions.Normal.#ctor(KlDivergence.Tensors.Tensor,KlDivergence.Tensors.Tensor)",
                     "M:KlDivergence.Divergences.Kl.Divergence(KlDivergence.Distributions.Distribution,KlDivergence.Distributions.Distribution,KlDivergence.Divergences.KlOptions)",
                     "M:KlDivergence.Optimization.Parameter.op_Implicit(KlDivergence.Optimization.Parameter)~KlDivergence.Tensors.Tensor",
                 })
        {
            ids.Contains(id).Should().BeTrue($"the builder should produce {id.Replace("{", "{{", StringComparison.Ordinal).Replace("}", "}}", StringComparison.Ordinal)}");
            docs.ContainsKey(id).Should().BeTrue("the compiler wrote that ID");
        }
    }

    private static bool HasText(XElement member) =>
        member.Element("inheritdoc") is not null
        || !string.IsNullOrWhiteSpace(member.Element("summary")?.Value)
        || member.Element("summary")?.Elements().Any() == true;

    private static Dictionary<string, XElement> LoadDocs()
    {
        string path = Path.ChangeExtension(Library.Location, ".xml");
        File.Exists(path).Should().BeTrue($"the library's XML documentation file should be next to it ({path})");
        return XDocument.Load(path).Descendants("member")
            .GroupBy(m => (string)m.Attribute("name")!)
            .ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
    }

    /// <summary>The doc IDs of the public surface, each with its declaring type (null for a type itself).</summary>
    private static IEnumerable<(string Id, Type? Owner)> PublicIds()
    {
        const BindingFlags declared = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        foreach (var type in Library.GetExportedTypes().OrderBy(t => t.FullName, StringComparer.Ordinal))
        {
            yield return (XmlDocs.TypeId(type), null);
            if (typeof(Delegate).IsAssignableFrom(type))
            {
                continue;
            }

            var ctors = type.GetConstructors(declared).Where(c => XmlDocs.IsVisible(c) && !c.IsStatic).ToList();
            // A class with no constructor written gets the compiler's parameterless one, which has no comment to give.
            bool implicitDefault = ctors.Count == 1 && ctors[0].GetParameters().Length == 0 && !type.IsValueType;
            foreach (var c in ctors.Where(c => !implicitDefault && !XmlDocs.IsCompilerGenerated(c)))
            {
                yield return (XmlDocs.MethodId(c), type);
            }

            foreach (var m in type.GetMethods(declared).Where(m => XmlDocs.IsVisible(m) && !m.IsSpecialName || m.Name.StartsWith("op_", StringComparison.Ordinal) && XmlDocs.IsVisible(m)))
            {
                if (!XmlDocs.IsCompilerGenerated(m) && !m.Name.Contains('<', StringComparison.Ordinal))
                {
                    yield return (XmlDocs.MethodId(m), type);
                }
            }

            foreach (var p in type.GetProperties(declared).Where(p => XmlDocs.IsVisible(p.GetMethod) || XmlDocs.IsVisible(p.SetMethod)))
            {
                if (!XmlDocs.IsCompilerGenerated(p))
                {
                    yield return (XmlDocs.PropertyId(p), type);
                }
            }

            foreach (var f in type.GetFields(declared).Where(f => (f.IsPublic || f.IsFamily || f.IsFamilyOrAssembly) && !f.IsSpecialName))
            {
                if (!XmlDocs.IsCompilerGenerated(f))
                {
                    yield return (XmlDocs.FieldId(f), type);
                }
            }

            foreach (var e in type.GetEvents(declared).Where(e => XmlDocs.IsVisible(e.AddMethod)))
            {
                yield return (XmlDocs.EventId(e), type);
            }
        }
    }
}
