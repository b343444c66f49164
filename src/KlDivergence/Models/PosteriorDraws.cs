using System.Globalization;
using System.Text;
using System.Text.Json;
using KlDivergence.Tensors;

namespace KlDivergence.Models;

/// <summary>
/// Draws of a model's latent variables in the constrained space, by name, each of shape [count, ...shape]
/// ([count] for a scalar); exportable as CSV and JSON with one column per scalar element.
/// </summary>
/// <remarks>
/// Column names follow Stan and posteriordb: <c>mu</c> for a scalar, <c>theta[1]</c>, <c>L[2,1]</c> for elements,
/// with 1-based indices in row-major order, so exported draws line up with Stan output and posteriordb reference
/// draws by name. (Tensor indexing in C# stays 0-based: column <c>theta[1]</c> is <c>draws["theta"][.., 0]</c>.)
/// </remarks>
public sealed class PosteriorDraws
{
    private readonly IReadOnlyDictionary<string, Tensor> values;

    internal PosteriorDraws(Model model, IReadOnlyDictionary<string, Tensor> values)
    {
        Model = model;
        this.values = values;
        Count = values[model.Latents[0].Name].Shape[0];
        ColumnNames = model.Latents.SelectMany(ColumnsOf).ToArray();
    }

    /// <summary>The model the draws belong to.</summary>
    public Model Model { get; }

    /// <summary>The number of draws.</summary>
    public int Count { get; }

    /// <summary>The latent variables' names in declaration order.</summary>
    public IEnumerable<string> Names => Model.Latents.Select(l => l.Name);

    /// <summary>One name per scalar element (e.g. <c>theta[1]</c>), in the order of <see cref="ToMatrix"/>'s columns.</summary>
    public IReadOnlyList<string> ColumnNames { get; }

    /// <summary>The draws of the variable <paramref name="name"/>, shape [count, ...shape].</summary>
    /// <exception cref="ModelException">No latent variable has that name.</exception>
    public Tensor this[string name]
    {
        get
        {
            _ = Model.GetLatent(name);
            return values[name];
        }
    }

    /// <summary>The draws as a matrix [count, columns], one column per scalar element (<see cref="ColumnNames"/>).</summary>
    public double[,] ToMatrix()
    {
        var matrix = new double[Count, ColumnNames.Count];
        int column = 0;
        foreach (var latent in Model.Latents)
        {
            var v = values[latent.Name].ToArray();
            int size = latent.Size;
            for (int i = 0; i < Count; i++)
            {
                for (int j = 0; j < size; j++)
                {
                    matrix[i, column + j] = v[(i * size) + j];
                }
            }

            column += size;
        }

        return matrix;
    }

    /// <summary>The draws as CSV (RFC 4180): a header of <see cref="ColumnNames"/>, then one line per draw, invariant culture, round-trip precision.</summary>
    public string ToCsv()
    {
        var matrix = ToMatrix();
        var text = new StringBuilder();
        text.AppendJoin(',', ColumnNames.Select(Quote)).Append('\n');
        for (int i = 0; i < Count; i++)
        {
            for (int j = 0; j < ColumnNames.Count; j++)
            {
                if (j > 0)
                {
                    text.Append(',');
                }

                text.Append(matrix[i, j].ToString("R", CultureInfo.InvariantCulture));
            }

            text.Append('\n');
        }

        return text.ToString();
    }

    /// <summary>
    /// The draws as JSON in posteriordb's layout: <c>{"params": [column names], "draws": [[one row per draw]]}</c>.
    /// Non-finite values are written as the strings "NaN", "Infinity" and "-Infinity".
    /// </summary>
    public string ToJson()
    {
        var matrix = ToMatrix();
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartObject();
            json.WriteStartArray("params");
            foreach (var name in ColumnNames)
            {
                json.WriteStringValue(name);
            }

            json.WriteEndArray();
            json.WriteStartArray("draws");
            for (int i = 0; i < Count; i++)
            {
                json.WriteStartArray();
                for (int j = 0; j < ColumnNames.Count; j++)
                {
                    double v = matrix[i, j];
                    if (double.IsFinite(v))
                    {
                        json.WriteNumberValue(v);
                    }
                    else
                    {
                        json.WriteStringValue(v.ToString(CultureInfo.InvariantCulture) switch { "∞" => "Infinity", "-∞" => "-Infinity", var s => s });
                    }
                }

                json.WriteEndArray();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>Mean, standard deviation and 5/50/95% quantiles of every column.</summary>
    public PosteriorSummary Summary()
    {
        var matrix = ToMatrix();
        var rows = new VariableSummary[ColumnNames.Count];
        var column = new double[Count];
        for (int j = 0; j < rows.Length; j++)
        {
            for (int i = 0; i < Count; i++)
            {
                column[i] = matrix[i, j];
            }

            rows[j] = VariableSummary.Of(ColumnNames[j], column);
        }

        return new PosteriorSummary(rows);
    }

    private static IEnumerable<string> ColumnsOf(LatentVariable latent)
    {
        if (latent.Shape.Length == 0)
        {
            yield return latent.Name;
            yield break;
        }

        var index = new int[latent.Shape.Length];
        for (int flat = 0; flat < latent.Size; flat++)
        {
            int rest = flat;
            for (int d = index.Length - 1; d >= 0; d--)
            {
                index[d] = (rest % latent.Shape[d]) + 1;
                rest /= latent.Shape[d];
            }

            yield return $"{latent.Name}[{string.Join(',', index)}]";
        }
    }

    private static string Quote(string field) =>
        field.AsSpan().IndexOfAny(",\"\n\r") >= 0 ? "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : field;
}
