using System.Globalization;
using KlDivergence.Tensors;

namespace KlDivergence.Divergences;

/// <summary>
/// KL divergence and its symmetrised relatives between probability vectors and between densities tabulated
/// on a grid. Semantics: 0 log(0/q) = 0; p &gt; 0 where q = 0 gives +∞; no silent renormalisation (pass
/// <c>renormalize: true</c> to ask for it). The first argument is the distribution the expectation is under.
/// </summary>
public static class DiscreteKl
{
    /// <summary>Tolerance on |Σp - 1| for a probability vector that is not renormalised.</summary>
    public const double SumTolerance = 1e-9;

    /// <summary>KL(p ‖ q) = Σᵢ pᵢ log(pᵢ / qᵢ) between two probability vectors of one length.</summary>
    /// <exception cref="ArgumentException">Lengths differ, an entry is negative or not finite, or a vector does not sum to 1 (unless renormalised).</exception>
    public static double Divergence(ReadOnlySpan<double> p, ReadOnlySpan<double> q, bool renormalize = false)
    {
        double pSum = CheckVector(p, nameof(p), renormalize);
        double qSum = CheckVector(q, nameof(q), renormalize);
        RequireSameLength(p.Length, q.Length);
        return Sum(p, q, pSum, qSum);
    }

    /// <summary>
    /// KL(p ‖ q) over the last axis of two probability tensors (broadcast), differentiable in both:
    /// the terms with pᵢ = 0 contribute 0 and carry no gradient. Each row is validated as the array overload
    /// validates its vectors (non-negative, finite, summing to 1).
    /// </summary>
    /// <exception cref="ArgumentException">A tensor is a scalar, the row lengths differ, or a row has a negative or non-finite entry or does not sum to 1; the message names the parameter.</exception>
    public static Tensor Divergence(Tensor p, Tensor q)
    {
        ArgumentNullException.ThrowIfNull(p);
        ArgumentNullException.ThrowIfNull(q);
        CheckRows(p, nameof(p));
        CheckRows(q, nameof(q));
        if (p.Shape[^1] != q.Shape[^1] && p.Shape[^1] != 1 && q.Shape[^1] != 1)
        {
            RequireSameLength(p.Shape[^1], q.Shape[^1]);
        }

        return TermSum(p, q);
    }

    /// <summary>
    /// The tensor form of <see cref="Tabulated(ReadOnlySpan{double}, ReadOnlySpan{double}, double)"/> over the last axis
    /// (broadcast), differentiable in both densities, validated as the array overload validates (non-negative,
    /// finite entries; not renormalised).
    /// </summary>
    /// <exception cref="ArgumentException">An entry is negative or not finite, or a tensor is a scalar; the message names the parameter.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The spacing is not positive and finite.</exception>
    public static Tensor Tabulated(Tensor pDensity, Tensor qDensity, double spacing)
    {
        ArgumentNullException.ThrowIfNull(pDensity);
        ArgumentNullException.ThrowIfNull(qDensity);
        CheckSpacing(spacing);
        CheckRows(pDensity, nameof(pDensity), requireUnitSum: false);
        CheckRows(qDensity, nameof(qDensity), requireUnitSum: false);
        return TermSum(pDensity, qDensity) * spacing;
    }

    /// <summary>Σ over the last axis of p log(p/q); the terms with p = 0 contribute 0 and carry no gradient.</summary>
    private static Tensor TermSum(Tensor p, Tensor q)
    {
        var zero = TensorOps.EqualTo(p, 0.0);
        var safeP = TensorOps.Where(zero, 1.0, p);
        var safeQ = TensorOps.Where(zero, 1.0, q);
        var terms = TensorOps.Where(zero, 0.0, safeP * (safeP.Log() - safeQ.Log()));
        return terms.Sum(-1);
    }

    /// <summary>
    /// KL between two densities tabulated on one evenly spaced grid, Σᵢ p(xᵢ) log(p(xᵢ)/q(xᵢ)) Δx (the
    /// Riemann sum of the integral), with the same zero semantics as for vectors. The densities are not
    /// renormalised on the grid.
    /// </summary>
    public static double Tabulated(ReadOnlySpan<double> pDensity, ReadOnlySpan<double> qDensity, double spacing)
    {
        CheckSpacing(spacing);
        CheckEntries(pDensity, nameof(pDensity));
        CheckEntries(qDensity, nameof(qDensity));
        RequireSameLength(pDensity.Length, qDensity.Length);
        return Sum(pDensity, qDensity, 1, 1) * spacing;
    }

    /// <summary>The symmetric (Jeffreys) divergence KL(p ‖ q) + KL(q ‖ p).</summary>
    public static double Jeffreys(ReadOnlySpan<double> p, ReadOnlySpan<double> q, bool renormalize = false) =>
        Divergence(p, q, renormalize) + Divergence(q, p, renormalize);

    /// <summary>
    /// The Jensen–Shannon divergence ½ KL(p ‖ m) + ½ KL(q ‖ m) with m = ½(p + q): symmetric, always finite,
    /// at most log 2 (Lin 1991).
    /// </summary>
    public static double JensenShannon(ReadOnlySpan<double> p, ReadOnlySpan<double> q, bool renormalize = false)
    {
        double pSum = CheckVector(p, nameof(p), renormalize);
        double qSum = CheckVector(q, nameof(q), renormalize);
        RequireSameLength(p.Length, q.Length);
        double total = 0;
        for (int i = 0; i < p.Length; i++)
        {
            double pi = p[i] / pSum, qi = q[i] / qSum, mi = 0.5 * (pi + qi);
            if (pi > 0)
            {
                total += 0.5 * pi * Math.Log(pi / mi);
            }

            if (qi > 0)
            {
                total += 0.5 * qi * Math.Log(qi / mi);
            }
        }

        return Math.Max(total, 0);
    }

    private static double Sum(ReadOnlySpan<double> p, ReadOnlySpan<double> q, double pSum, double qSum)
    {
        double total = 0;
        for (int i = 0; i < p.Length; i++)
        {
            double pi = p[i] / pSum;
            if (pi == 0)
            {
                continue;
            }

            double qi = q[i] / qSum;
            if (qi == 0)
            {
                return double.PositiveInfinity;
            }

            total += pi * Math.Log(pi / qi);
        }

        return total;
    }

    private static void CheckSpacing(double spacing)
    {
        if (!(spacing > 0) || !double.IsFinite(spacing))
        {
            throw new ArgumentOutOfRangeException(nameof(spacing), spacing, $"The grid spacing must be positive and finite, got {spacing.ToString(CultureInfo.InvariantCulture)}.");
        }
    }

    /// <summary>Every row (last axis) of a tensor checked as the array overloads check a vector.</summary>
    private static void CheckRows(Tensor t, string name, bool requireUnitSum = true)
    {
        if (t.Rank == 0)
        {
            throw new ArgumentException($"{name} must have a category axis (rank at least 1), got a scalar.", name);
        }

        int k = t.Shape[^1];
        var values = t.Values;
        for (int start = 0; start < values.Length; start += k)
        {
            if (requireUnitSum)
            {
                CheckVector(values.Slice(start, k), name, renormalize: false, offset: start, rows: true);
            }
            else
            {
                CheckEntries(values.Slice(start, k), name, start);
            }
        }
    }

    private static double CheckVector(ReadOnlySpan<double> v, string name, bool renormalize, int offset = 0, bool rows = false)
    {
        double sum = CheckEntries(v, name, offset);
        if (renormalize)
        {
            if (!(sum > 0))
            {
                throw new ArgumentException($"{name} sums to {sum.ToString(CultureInfo.InvariantCulture)}; it cannot be renormalised.", name);
            }

            return sum;
        }

        if (Math.Abs(sum - 1) > SumTolerance)
        {
            string row = rows ? $" (the row of entries {offset}..{offset + v.Length - 1})" : string.Empty;
            throw new ArgumentException(
                $"{name}{row} must sum to 1 (got {sum.ToString("R", CultureInfo.InvariantCulture)}); pass renormalize: true to normalise it.", name);
        }

        return 1;
    }

    private static double CheckEntries(ReadOnlySpan<double> v, string name, int offset = 0)
    {
        if (v.IsEmpty)
        {
            throw new ArgumentException($"{name} is empty.", name);
        }

        double sum = 0;
        for (int i = 0; i < v.Length; i++)
        {
            if (!(v[i] >= 0) || double.IsPositiveInfinity(v[i]))
            {
                throw new ArgumentException($"{name}[{offset + i}] must be non-negative and finite, got {v[i].ToString(CultureInfo.InvariantCulture)}.", name);
            }

            sum += v[i];
        }

        return sum;
    }

    private static void RequireSameLength(int p, int q)
    {
        if (p != q)
        {
            throw new ArgumentException($"p and q must have the same length, got {p} and {q}.", nameof(q));
        }
    }
}
