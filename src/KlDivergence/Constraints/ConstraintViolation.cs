using System.Collections.Immutable;
using System.Globalization;

namespace KlDivergence.Constraints;

/// <summary>The first event of a value found outside a <see cref="Constraint"/>: where it is, what it holds and what it fails.</summary>
public sealed class ConstraintViolation
{
    /// <summary>Creates a violation record.</summary>
    /// <param name="eventIndex">The multi-index of the event within the value's batch dimensions.</param>
    /// <param name="eventValues">The event's entries (one for element-wise constraints).</param>
    /// <param name="requirement">What the event fails, e.g. "must be greater than 0".</param>
    public ConstraintViolation(int[] eventIndex, double[] eventValues, string requirement)
    {
        ArgumentNullException.ThrowIfNull(eventIndex);
        ArgumentNullException.ThrowIfNull(eventValues);
        EventIndex = [.. eventIndex];
        EventValues = [.. eventValues];
        Requirement = requirement;
    }

    /// <summary>The multi-index of the offending event within the value's batch dimensions (empty for a single event).</summary>
    public ImmutableArray<int> EventIndex { get; }

    /// <summary>The offending event's entries in row-major order (one entry for element-wise constraints).</summary>
    public ImmutableArray<double> EventValues { get; }

    /// <summary>What the event fails.</summary>
    public string Requirement { get; }

    /// <summary>A message naming the parameter, the index, the value(s) and the requirement, e.g. "sigma[2] = -0.5 must be greater than 0".</summary>
    /// <param name="paramName">The name of the checked parameter or variable.</param>
    public string Describe(string paramName)
    {
        string index = EventIndex.Length == 0 ? string.Empty : "[" + string.Join(", ", EventIndex) + "]";
        const int Shown = 10;
        string values = EventValues.Length == 1
            ? Format(EventValues[0])
            : "[" + string.Join(", ", EventValues.Take(Shown).Select(Format)) + (EventValues.Length > Shown ? $", … ({EventValues.Length} entries)" : string.Empty) + "]";
        return $"{paramName}{index} = {values} {Requirement}.";
    }

    /// <inheritdoc/>
    public override string ToString() => Describe("value");

    private static string Format(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
