using KlDivergence.Constraints;
using KlDivergence.Tensors;

namespace KlDivergence.Distributions;

/// <summary>The default <see cref="Distribution.SupportConstraint"/>: the constraint that a <see cref="Support"/> describes.</summary>
internal static class SupportConstraints
{
    /// <summary>
    /// Discrete → the integers from lower to upper; continuous → the real line, [lower, ∞), (-∞, upper] or
    /// [lower, upper] by which bounds are finite (closed, as <see cref="Support"/> bounds the closure of the mass). The
    /// bound tensors are used as they are. Reinterpreted as events of rank <paramref name="eventRank"/>.
    /// </summary>
    /// <exception cref="NotSupportedException">A bound is finite for some elements and infinite for others.</exception>
    public static Constraint FromSupport(Support support, int eventRank, string family)
    {
        ArgumentNullException.ThrowIfNull(support);
        Constraint element;
        if (support.IsDiscrete)
        {
            element = Constraint.IntegerInterval(support.Lower, support.Upper);
        }
        else
        {
            bool lowerFinite = AllFinite(support.Lower, family, "lower"), upperFinite = AllFinite(support.Upper, family, "upper");
            element = (lowerFinite, upperFinite) switch
            {
                (false, false) => Constraint.Real,
                (true, false) => Constraint.GreaterThanOrEqual(support.Lower),
                (false, true) => Constraint.LessThanOrEqual(support.Upper),
                (true, true) => Constraint.Interval(support.Lower, support.Upper),
            };
        }

        return Constraint.Independent(element, eventRank);
    }

    /// <summary>True when every entry is finite, false when every entry is infinite; mixed bounds are not one constraint.</summary>
    private static bool AllFinite(Tensor bound, string family, string side)
    {
        var v = bound.Values;
        int finite = 0;
        foreach (double x in v)
        {
            finite += double.IsFinite(x) ? 1 : 0;
        }

        if (finite != 0 && finite != v.Length)
        {
            throw new NotSupportedException($"The support of {family} has a {side} bound that is finite for some elements and infinite for others; no single constraint describes it.");
        }

        return finite == v.Length && v.Length > 0;
    }
}
