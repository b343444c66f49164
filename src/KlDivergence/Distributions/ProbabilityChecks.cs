using System.Globalization;
using KlDivergence.Tensors;

namespace KlDivergence.Distributions;

/// <summary>Validation and normalisation of probability vectors (last axis) and logits, shared by the discrete families and mixtures.</summary>
internal static class ProbabilityChecks
{
    /// <summary>The tolerance on |Σₖ pₖ - 1| per batch row.</summary>
    public const double SumTolerance = 1e-10;

    /// <summary>
    /// Checks that every row of <paramref name="probs"/> (last axis) is a probability vector (entries finite and
    /// non-negative, sum 1 within <see cref="SumTolerance"/>), or, with <paramref name="renormalize"/>, only that it
    /// has a positive finite sum; returns p / Σp (differentiable; a no-op up to rounding for valid rows).
    /// </summary>
    public static Tensor NormalizedProbs(Tensor? probs, string family, string paramName, bool renormalize)
    {
        ArgumentNullException.ThrowIfNull(probs, paramName);
        RequireCategories(probs, family, paramName);
        foreach (double v in probs.Values)
        {
            if (!(v >= 0) || !double.IsFinite(v))
            {
                throw ParameterChecks.Invalid(family, paramName, "must be non-negative and finite", v);
            }
        }

        int k = probs.ShapeArray[^1];
        var values = probs.Values;
        for (int row = 0; row < probs.Length / k; row++)
        {
            double sum = 0;
            foreach (double v in values.Slice(row * k, k))
            {
                sum += v;
            }

            bool ok = renormalize ? sum > 0 && double.IsFinite(sum) : Math.Abs(sum - 1) <= SumTolerance;
            if (!ok)
            {
                string requirement = renormalize ? "must have a positive sum in each row" : $"must sum to 1 (within {SumTolerance:G}) in each row";
                throw new ArgumentException(
                    $"{family}: {paramName} {requirement}, got a sum of {sum.ToString("R", CultureInfo.InvariantCulture)} in row {row}.", paramName);
            }
        }

        return probs / probs.Sum(-1, keepDims: true);
    }

    /// <summary>
    /// Checks logits (no NaN, no +∞, at least one finite entry per row; -∞ means probability 0) and returns the
    /// normalised log-probabilities logits - logsumexp(logits).
    /// </summary>
    public static Tensor NormalizedLogits(Tensor? logits, string family, string paramName)
    {
        ArgumentNullException.ThrowIfNull(logits, paramName);
        RequireCategories(logits, family, paramName);
        var values = logits.Values;

        // One vector scan each for the usual case (the maximum is NaN when any entry is, and +∞ only when one is; a row
        // can be all -∞ only when the minimum is); the entries are walked only to name a bad one.
        if (!values.IsEmpty && !(System.Numerics.Tensors.TensorPrimitives.Max(values) < double.PositiveInfinity))
        {
            foreach (double v in values)
            {
                if (double.IsNaN(v) || double.IsPositiveInfinity(v))
                {
                    throw ParameterChecks.Invalid(family, paramName, "must not be NaN or +infinity", v);
                }
            }
        }

        int k = logits.ShapeArray[^1];
        int rows = !values.IsEmpty && double.IsNegativeInfinity(System.Numerics.Tensors.TensorPrimitives.Min(values)) ? logits.Length / k : 0;
        for (int row = 0; row < rows; row++)
        {
            bool any = false;
            foreach (double v in values.Slice(row * k, k))
            {
                any |= double.IsFinite(v);
            }

            if (!any)
            {
                throw new ArgumentException($"{family}: {paramName} must have a finite entry in each row, row {row} is all -infinity.", paramName);
            }
        }

        return logits.LogSoftmax(-1);
    }

    /// <summary>log p with log 0 = -∞ and a zero (not NaN) gradient at p = 0.</summary>
    public static Tensor SafeLog(Tensor probs)
    {
        var positive = TensorOps.GreaterThan(probs, 0.0);
        return TensorOps.Where(positive, TensorOps.Where(positive, probs, 1.0).Log(), double.NegativeInfinity);
    }

    private static void RequireCategories(Tensor t, string family, string paramName)
    {
        if (t.Rank == 0 || t.ShapeArray[^1] == 0)
        {
            throw new ArgumentException($"{family}: {paramName} needs a last axis of at least one category, got shape {Shapes.Format(t.ShapeArray)}.", paramName);
        }
    }
}
