using System.Text.Json;
using KlDivergence.Distributions;
using KlDivergence.Tensors;

namespace KlDivergence.Cli;

/// <summary>The parameters of one SPEC, checked against its family's entry; each accessor parses on demand and names the field on failure.</summary>
internal sealed class SpecArguments
{
    private readonly Dictionary<string, JsonElement> values;

    public SpecArguments(FamilyEntry family, Dictionary<string, JsonElement> values, string path)
    {
        Family = family;
        this.values = values;
        Path = path;
        foreach (string name in values.Keys)
        {
            if (!family.Parameters.Contains(name, StringComparer.Ordinal))
            {
                throw new RequestException(
                    $"{path}: unknown parameter '{name}' for {family.Name} (parameters: {string.Join(", ", family.Parameters)})");
            }
        }

        foreach (string name in family.Required)
        {
            if (!values.ContainsKey(name))
            {
                throw new RequestException($"{path}: missing parameter '{name}' for {family.Name}");
            }
        }

        foreach (string[] group in family.Groups)
        {
            int given = group.Count(values.ContainsKey);
            if (given != 1)
            {
                throw new RequestException(
                    $"{path}: {family.Name} needs exactly one of {string.Join(", ", group)}; got {(given == 0 ? "none" : string.Join(", ", group.Where(values.ContainsKey)))}");
            }
        }
    }

    public FamilyEntry Family { get; }

    /// <summary>Where this SPEC is in the request, for example <c>p.components</c>.</summary>
    public string Path { get; }

    public bool Has(string name) => values.ContainsKey(name);

    public Tensor Tensor(string name) => JsonValues.ReadTensor(Get(name), Field(name));

    public int Integer(string name)
    {
        var element = Get(name);
        if (element.ValueKind != JsonValueKind.Number || !element.TryGetInt32(out int value))
        {
            throw new RequestException($"{Field(name)}: expected an integer, got {JsonValues.Describe(element)}");
        }

        return value;
    }

    public Distribution Spec(string name) => SpecFactory.Build(Get(name), Field(name));

    public IReadOnlyList<Distribution> Specs(string name)
    {
        var element = Get(name);
        if (element.ValueKind != JsonValueKind.Array || element.GetArrayLength() == 0)
        {
            throw new RequestException($"{Field(name)}: expected a non-empty array of SPECs, got {JsonValues.Describe(element)}");
        }

        return [.. element.EnumerateArray().Select((item, i) => SpecFactory.Build(item, $"{Field(name)}[{i}]"))];
    }

    private string Field(string name) => $"{Path}.{name}";

    private JsonElement Get(string name) =>
        values.TryGetValue(name, out var element) ? element : throw new RequestException($"{Path}: missing parameter '{name}' for {Family.Name}");
}
