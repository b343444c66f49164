using System.Globalization;
using System.Text;

namespace KlDivergence.Models;

/// <summary>The summary of a model's posterior draws: one row per scalar element; <see cref="ToString"/> prints a table.</summary>
public sealed class PosteriorSummary
{
    internal PosteriorSummary(IReadOnlyList<VariableSummary> rows) => Rows = rows;

    /// <summary>The rows, in column order (declaration order, elements row-major).</summary>
    public IReadOnlyList<VariableSummary> Rows { get; }

    /// <summary>The row of the column <paramref name="name"/> (e.g. <c>mu</c> or <c>theta[1]</c>).</summary>
    /// <exception cref="KeyNotFoundException">No column has that name.</exception>
    public VariableSummary this[string name] =>
        Rows.FirstOrDefault(r => r.Name == name) ?? throw new KeyNotFoundException($"No column '{name}' in the summary; columns are {string.Join(", ", Rows.Select(r => r.Name))}.");

    /// <summary>A fixed-width table: name, mean, sd, 5%, 50%, 95%.</summary>
    public override string ToString()
    {
        int width = Math.Max(8, Rows.Max(r => r.Name.Length) + 2);
        var text = new StringBuilder();
        text.Append("name".PadRight(width));
        foreach (var head in new[] { "mean", "sd", "5%", "50%", "95%" })
        {
            text.Append(head.PadLeft(12));
        }

        text.Append('\n');
        foreach (var r in Rows)
        {
            text.Append(r.Name.PadRight(width));
            foreach (double v in new[] { r.Mean, r.StandardDeviation, r.Q05, r.Q50, r.Q95 })
            {
                text.Append(v.ToString("G5", CultureInfo.InvariantCulture).PadLeft(12));
            }

            text.Append('\n');
        }

        return text.ToString();
    }
}
