using KlDivergence.Tensors;

namespace KlDivergence.Distributions;

/// <summary>
/// Validation and support masks shared by the univariate families (beyond <see cref="ParameterChecks"/>):
/// probabilities, counts, ordered bounds, and log-densities that are -∞ outside the support without NaN gradients.
/// </summary>
internal static class FamilyHelpers
{
    /// <summary>The Euler–Mascheroni constant γ.</summary>
    public const double EulerGamma = 0.57721566490153286060651209008240243;

    /// <summary>log 2.</summary>
    public const double Log2 = 0.69314718055994530941723212145817657;

    /// <summary>The shape of a parameter, throwing <see cref="ArgumentNullException"/> naming it when null.</summary>
    public static int[] ShapeOf(Tensor? value, string paramName)
    {
        ArgumentNullException.ThrowIfNull(value, paramName);
        return value.ShapeArray;
    }

    /// <summary>Every element in [0, 1] (or the open ends excluded as asked).</summary>
    public static Tensor Probability(Tensor? value, string family, string paramName, bool allowZero, bool allowOne)
    {
        ArgumentNullException.ThrowIfNull(value, paramName);
        foreach (double v in value.Values)
        {
            bool ok = (allowZero ? v >= 0 : v > 0) && (allowOne ? v <= 1 : v < 1);
            if (!ok)
            {
                string range = $"{(allowZero ? "[" : "(")}0, 1{(allowOne ? "]" : ")")}";
                throw ParameterChecks.Invalid(family, paramName, $"must be in {range}", v);
            }
        }

        return value;
    }

    /// <summary>Every element a non-negative whole number.</summary>
    public static Tensor Count(Tensor? value, string family, string paramName)
    {
        ArgumentNullException.ThrowIfNull(value, paramName);
        foreach (double v in value.Values)
        {
            if (!(v >= 0) || !double.IsFinite(v) || v != Math.Floor(v))
            {
                throw ParameterChecks.Invalid(family, paramName, "must be a non-negative whole number", v);
            }
        }

        return value;
    }

    /// <summary>
    /// <paramref name="formula"/> at the value where <paramref name="inside"/> is non-zero, -∞ elsewhere. The formula
    /// sees <paramref name="fill"/> in place of outside values, so neither its value nor its gradient can be NaN there.
    /// </summary>
    public static Tensor Masked(Tensor value, Tensor inside, double fill, Func<Tensor, Tensor> formula)
    {
        if (AllSet(inside))
        {
            // Every value in the support (the usual case): the formula at the values themselves is what both selects
            // would give, without their two passes and two backward passes (one select remains only to broadcast).
            var direct = formula(value);
            return direct.ShapeArray.AsSpan().SequenceEqual(Shapes.Broadcast(inside.ShapeArray, direct.ShapeArray))
                ? direct
                : TensorOps.Where(inside, direct, double.NegativeInfinity);
        }

        var safe = TensorOps.Where(inside, value, fill);
        return TensorOps.Where(inside, formula(safe), double.NegativeInfinity);
    }

    /// <summary>
    /// <see cref="Masked(Tensor, Tensor, double, Func{Tensor, Tensor})"/> for a support given as bounds: when every value
    /// is inside (two read-only passes) the formula runs on the values with no mask built, else as the mask overload.
    /// </summary>
    public static Tensor Masked(Tensor value, DensityInterval inside, double fill, Func<Tensor, Tensor> formula)
    {
        if (inside.ContainsAll(value.Values))
        {
            var direct = formula(value);
            return direct.ShapeArray.AsSpan().SequenceEqual(Shapes.Broadcast(value.ShapeArray, direct.ShapeArray))
                ? direct
                : TensorOps.Where(inside.Mask(value), direct, double.NegativeInfinity);
        }

        return Masked(value, inside.Mask(value), fill, formula);
    }

    /// <summary>True when no element of the 0/1 mask is 0.</summary>
    public static bool AllSet(Tensor mask) => mask.Data.AsSpan().IndexOf(0.0) < 0;

    /// <summary>True when no element of the 0/1 mask is 1.</summary>
    public static bool NoneSet(Tensor mask) => mask.Data.AsSpan().IndexOf(1.0) < 0;

    /// <summary>
    /// 1 where the value is finite, else 0 (no gradient): a density formula whose terms meet as ∞ - ∞ at ±∞
    /// (Gamma's (α - 1) log x - βx, Gumbel's z + e^{-z}) is masked to its limit -∞ there instead of NaN.
    /// </summary>
    public static Tensor Finite(Tensor value)
    {
        var finite = new double[value.Length];
        Comparisons.Finite(value.Data, finite);
        return new Tensor(finite, value.ShapeArray);
    }

    /// <summary>1 where lower ≤ value ≤ upper, else 0 (no gradient).</summary>
    public static Tensor Between(Tensor value, Tensor lower, Tensor upper) =>
        TensorOps.GreaterOrEqual(value, lower) * TensorOps.GreaterOrEqual(upper, value);

    /// <summary>
    /// A value computed element by element over <paramref name="sum"/>'s shape, with no graph: the operands broadcast to
    /// that shape, and <paramref name="value"/> given their columns, the element's index and the sum's value there (to
    /// keep it where the element-wise form does not apply). For a family's log-probability reported by an accurate
    /// scalar form while its gradient comes from the tensor sum (through <see cref="StraightThrough"/>).
    /// </summary>
    public static Tensor ByElement(Tensor sum, Tensor[] operands, Func<double[][], int, double, double> value)
    {
        var shape = sum.ShapeArray;
        var columns = new double[operands.Length][];
        using (Tensor.NoGrad())
        {
            for (int j = 0; j < operands.Length; j++)
            {
                columns[j] = operands[j].BroadcastTo(shape).Values.ToArray();
            }
        }

        var direct = sum.Values;
        var result = new double[direct.Length];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = value(columns, i, direct[i]);
        }

        return new Tensor(result, shape);
    }

    /// <summary>1 where the value is a whole number in [0, upper] (upper broadcastable; +∞ for no bound), else 0.</summary>
    public static Tensor WholeNumberMask(Tensor value, Tensor upper)
    {
        var whole = new double[value.Length];
        for (int i = 0; i < whole.Length; i++)
        {
            whole[i] = IsCount(value.Data[i]) ? 1 : 0;
        }

        return new Tensor(whole, value.ShapeArray) * TensorOps.GreaterOrEqual(upper, value);
    }

    /// <summary>
    /// Whether every value is a whole number ≥ 0 (finite): where <see cref="WholeNumberMask"/> with an infinite upper
    /// bound would be all ones, found without building it.
    /// </summary>
    public static bool AllCounts(ReadOnlySpan<double> values)
    {
        foreach (double v in values)
        {
            if (!IsCount(v))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A whole number ≥ 0, finite (NaN is not).</summary>
    private static bool IsCount(double v) => v >= 0 && double.IsFinite(v) && v == Math.Floor(v);

    /// <summary>x log x with 0 log 0 = 0 (value and gradient finite at 0).</summary>
    public static Tensor XLogX(Tensor x)
    {
        var zero = TensorOps.EqualTo(x, 0.0);
        var safe = TensorOps.Where(zero, 1.0, x);
        return TensorOps.Where(zero, 0.0, safe * safe.Log());
    }

    /// <summary>x log y with 0 log y = 0 whatever y (value and gradient finite where x = 0).</summary>
    public static Tensor XLogY(Tensor x, Tensor y)
    {
        var zero = TensorOps.EqualTo(x, 0.0);
        var safeY = TensorOps.Where(zero, 1.0, y);
        return TensorOps.Where(zero, 0.0, x * safeY.Log());
    }

    /// <summary>x y with 0 y = 0 whatever y (even ±∞): value and gradient finite where x = 0.</summary>
    public static Tensor XTimesY(Tensor x, Tensor y)
    {
        var zero = TensorOps.EqualTo(x, 0.0);
        return TensorOps.Where(zero, 0.0, x * TensorOps.Where(zero, 0.0, y));
    }

    /// <summary>log x with log 0 = -∞ and a zero (not NaN) gradient there.</summary>
    public static Tensor SafeLog(Tensor x)
    {
        var zero = TensorOps.EqualTo(x, 0.0);
        return TensorOps.Where(zero, double.NegativeInfinity, TensorOps.Where(zero, 1.0, x).Log());
    }

    /// <summary>A tensor of the given value and shape.</summary>
    public static Tensor Full(double value, int[] shape) => Tensor.Full(value, shape);

    /// <summary>
    /// -Σₖ p(k) log p(k) over k = 0..<paramref name="maxCount"/> for a discrete family (0 log 0 = 0), batch-shaped and
    /// differentiable in the parameters. Exact when the support lies in that range; else the tail must be negligible.
    /// </summary>
    public static Tensor EntropyBySum(Distribution d, int maxCount) =>
        EntropyBySum(d, new double[Shapes.Size(d.BatchShapeArray)], maxCount + 1);

    /// <summary>
    /// -Σₖ p(k) log p(k) over the window k = lower[b] .. lower[b] + count - 1 of each batch element b (0 log 0 = 0; values
    /// outside the support contribute nothing), batch-shaped and differentiable in the parameters: the mass outside
    /// the windows must be negligible. Windows around the mean keep the cost at the spread, not the location.
    /// </summary>
    public static Tensor EntropyBySum(Distribution d, double[] lower, int count)
    {
        int[] batch = d.BatchShapeArray;
        int lanes = Shapes.Size(batch);
        var ks = new double[count * lanes];
        for (int j = 0; j < count; j++)
        {
            for (int b = 0; b < lanes; b++)
            {
                ks[(j * lanes) + b] = lower[b] + j;
            }
        }

        var logP = d.LogProb(Tensor.FromArray(ks, [count, .. batch])).BroadcastTo([count, .. batch]);
        var dead = TensorOps.EqualTo(logP, double.NegativeInfinity);
        var safe = TensorOps.Where(dead, 0.0, logP);
        return -TensorOps.Where(dead, 0.0, safe.Exp() * safe).Sum(0);
    }

    /// <summary>True when every element of <paramref name="value"/> is at least <paramref name="threshold"/> (for tail profiles).</summary>
    public static bool AllAtLeast(Tensor value, double threshold)
    {
        foreach (double v in value.Values)
        {
            if (!(v >= threshold))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// A support bound tightened where a probability parameter is degenerate: <paramref name="whenEqual"/> where
    /// <paramref name="probs"/> equals <paramref name="degenerate"/>, else <paramref name="otherwise"/> (no gradient).
    /// </summary>
    public static Tensor TightBound(Tensor probs, double degenerate, Tensor whenEqual, Tensor otherwise)
    {
        using var scope = Tensor.NoGrad();
        return TensorOps.Where(TensorOps.EqualTo(probs.Detach(), degenerate), whenEqual.Detach(), otherwise.Detach());
    }
}
