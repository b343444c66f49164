using System.Text.Json;

namespace KlDivergence.Samples.PosteriorDb;

/// <summary>The data of one posteriordb posterior (its <c>data.json</c>): named numbers and vectors.</summary>
public sealed class PosteriorDbData
{
    private readonly Dictionary<string, double[]> values;

    private PosteriorDbData(Dictionary<string, double[]> values) => this.values = values;

    /// <summary>Reads <c>&lt;dataDirectory&gt;/&lt;folder&gt;/data.json</c>.</summary>
    /// <param name="folder">The posterior's folder, e.g. <c>kidiq-kidscore_momiq</c>.</param>
    /// <param name="dataDirectory">The directory holding the posteriors' folders.</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static PosteriorDbData Load(string folder, string dataDirectory)
    {
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(dataDirectory);
        string path = Path.Combine(dataDirectory, folder, "data.json");
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"No data.json for the posterior '{folder}' under '{dataDirectory}'.", path);
        }

        using var document = JsonDocument.Parse(File.ReadAllText(path));
        var values = new Dictionary<string, double[]>(StringComparer.Ordinal);
        foreach (var property in document.RootElement.EnumerateObject())
        {
            values[property.Name] = property.Value.ValueKind == JsonValueKind.Array
                ? property.Value.EnumerateArray().Select(e => e.GetDouble()).ToArray()
                : [property.Value.GetDouble()];
        }

        return new PosteriorDbData(values);
    }

    /// <summary>The vector called <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">The data have no entry of that name.</exception>
    public double[] Vector(string name) =>
        values.TryGetValue(name, out var v) ? v : throw new KeyNotFoundException($"The data have no entry '{name}'; they have {string.Join(", ", values.Keys)}.");

    /// <summary>The integer called <paramref name="name"/> (e.g. N).</summary>
    public int Integer(string name) => checked((int)Vector(name).Single());
}
