using System.Globalization;
using KlDivergence.Distributions;
using KlDivergence.Tensors;

namespace KlDivergence.Divergences;

/// <summary>
/// Decides, before any estimation, where KL(p ‖ q) is +∞ from what the families state about themselves
/// (<see cref="Distribution.Tails"/>). It says +∞ only when certain and otherwise nothing, per batch element:
/// <list type="bullet">
/// <item>Measures: KL(P ‖ Q) = +∞ unless P ≪ Q (Kullback 1959; Polyanskiy &amp; Wu 2024, Def. 2.1). A discrete P puts
/// mass on a countable set that a continuous Q gives probability 0; a continuous P gives probability 1 to the
/// complement of a discrete Q's countable support, which Q gives probability 0.</item>
/// <item>Supports: if p puts mass below q's lowest or above q's highest point of mass, that set has q-probability 0.</item>
/// <item>Tails: KL = E_p[log p] + E_p[-log q]. If log q(x) ≤ C - c|x|^a far out on one side while E_p[|X|^a] diverges
/// there (p's moment index m ≤ a), then E_p[-log q] = +∞; with q's density bounded (E_p[max(log q, 0)] finite) and
/// p's entropy finite (vouched by a stated profile), KL = +∞. Example: the Cauchy (m = 1) against Laplace (a = 1)
/// or the normal (a = 2).</item>
/// </list>
/// </summary>
internal static class KlFiniteness
{
    /// <summary>The elements that are +∞ by a rule, or null when the rule decides none.</summary>
    public static KlVerdict? Check(Distribution p, Distribution q)
    {
        var pt = p.Tails;
        var qt = q.Tails;
        if (pt is null || qt is null)
        {
            return null;
        }

        int[] batchShape = Shapes.Broadcast(p.BatchShapeArray, q.BatchShapeArray);
        int n = Shapes.Size(batchShape);
        if (pt.Measure != qt.Measure && pt.Measure != ReferenceMeasure.Unknown && qt.Measure != ReferenceMeasure.Unknown)
        {
            string why = pt.Measure == ReferenceMeasure.Counting
                ? $"{p.FamilyName} is discrete (atoms) and {q.FamilyName} continuous, so q gives p's atoms probability 0"
                : $"{p.FamilyName} is continuous and {q.FamilyName} discrete, so p gives probability 1 to the complement of q's countable support";
            return new KlVerdict(Filled(n, true), batchShape, $"{Pair(p, q)} by rule: p is not absolutely continuous with respect to q ({why}).");
        }

        if (p.EventShapeArray.Length != 0)
        {
            return null;
        }

        var infinite = new bool[n];
        string? first = null;
        using (Tensor.NoGrad())
        {
            if (pt.Lower is not null && pt.Upper is not null && qt.Lower is not null && qt.Upper is not null)
            {
                double[] pl = TensorOps.Expand(pt.Lower, batchShape), pu = TensorOps.Expand(pt.Upper, batchShape);
                double[] ql = TensorOps.Expand(qt.Lower, batchShape), qu = TensorOps.Expand(qt.Upper, batchShape);
                for (int i = 0; i < n; i++)
                {
                    if (pl[i] < ql[i] || pu[i] > qu[i])
                    {
                        infinite[i] = true;
                        first ??= $"{Pair(p, q)} by rule: p puts mass on [{F(pl[i])}, {F(pu[i])}] but q only on [{F(ql[i])}, {F(qu[i])}] (p is not absolutely continuous with respect to q).";
                    }
                }
            }

            if (qt.IsDensityBounded)
            {
                string? left = Tails(pt.Left, qt.Left, "left", batchShape, infinite, p, q);
                string? right = Tails(pt.Right, qt.Right, "right", batchShape, infinite, p, q);
                first ??= left ?? right;
            }
        }

        if (first is null)
        {
            return null;
        }

        int count = infinite.Count(b => b);
        string reason = count == n ? first : $"{count} of {n} batch elements are +∞ by rule, e.g. {first}";
        return new KlVerdict(infinite, batchShape, reason);
    }

    /// <summary>Marks the elements where p's moment index on one side is at most q's decay exponent there; returns the first reason.</summary>
    private static string? Tails(Tail? pSide, Tail? qSide, string side, int[] batchShape, bool[] infinite, Distribution p, Distribution q)
    {
        if (pSide is null || qSide is null)
        {
            return null;
        }

        double[] m = TensorOps.Expand(pSide.MomentIndex, batchShape), a = TensorOps.Expand(qSide.DecayExponent, batchShape);
        string? reason = null;
        for (int i = 0; i < infinite.Length; i++)
        {
            if (double.IsFinite(m[i]) && a[i] > 0 && m[i] <= a[i])
            {
                reason ??= $"{Pair(p, q)} by rule: on the {side}, E|X|^r under {p.FamilyName} diverges for r ≥ {F(m[i])} ({pSide.Description}) while log q falls at least like -|x|^{F(a[i])} ({q.FamilyName}: {qSide.Description}), so E_p[-log q] = +∞ while p's entropy is finite.";
                infinite[i] = true;
            }
        }

        return reason;
    }

    /// <summary>The head of every reason; made only when a rule decides, since the check runs at every estimate of a fit.</summary>
    private static string Pair(Distribution p, Distribution q) => $"KL({p.FamilyName} ‖ {q.FamilyName}) = +∞";

    private static bool[] Filled(int n, bool value)
    {
        var result = new bool[n];
        Array.Fill(result, value);
        return result;
    }

    private static string F(double x) => double.IsPositiveInfinity(x) ? "∞" : double.IsNegativeInfinity(x) ? "-∞" : x.ToString("G6", CultureInfo.InvariantCulture);
}
