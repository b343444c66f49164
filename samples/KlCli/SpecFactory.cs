using System.Text.Json;
using KlDivergence.Distributions;

namespace KlDivergence.Cli;

/// <summary>Turns a SPEC (a JSON object with <c>family</c> and that family's parameters) into a distribution through <see cref="FamilyTable"/>.</summary>
internal static class SpecFactory
{
    private static readonly Dictionary<string, FamilyEntry> ByName =
        FamilyTable.All.ToDictionary(f => f.Name, StringComparer.OrdinalIgnoreCase);

    public static Distribution Build(JsonElement spec, string path)
    {
        if (spec.ValueKind != JsonValueKind.Object)
        {
            throw new RequestException($"{path}: expected a distribution SPEC (an object with \"family\"), got {JsonValues.Describe(spec)}");
        }

        string? familyName = null;
        var parameters = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var property in spec.EnumerateObject())
        {
            if (property.NameEquals("family"))
            {
                if (familyName is not null)
                {
                    throw new RequestException($"{path}: duplicate field 'family'");
                }

                familyName = property.Value.ValueKind == JsonValueKind.String
                    ? property.Value.GetString()!
                    : throw new RequestException($"{path}.family: expected a string, got {JsonValues.Describe(property.Value)}");
            }
            else if (!parameters.TryAdd(property.Name, property.Value))
            {
                throw new RequestException($"{path}: duplicate parameter '{property.Name}'");
            }
        }

        if (familyName is null)
        {
            throw new RequestException($"{path}: missing field 'family'");
        }

        if (!ByName.TryGetValue(familyName, out var family))
        {
            throw new RequestException($"unknown family '{familyName}'; see kl families");
        }

        return family.Build(new SpecArguments(family, parameters, path));
    }
}
