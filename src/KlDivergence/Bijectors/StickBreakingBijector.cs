using KlDivergence.Tensors;

namespace KlDivergence.Bijectors;

/// <summary>
/// Maps x ∈ ℝ^{K-1} onto the open probability simplex in ℝ^K (batched: [..., K-1] → [..., K]) by Stan's
/// stick-breaking transform (Stan reference manual, "Unit simplex", inverse transform):
/// <code>
/// z_k = σ(x_k - log(K - k))                     k = 1, …, K-1
/// y_k = (1 - Σ_{j&lt;k} y_j) · z_k,   y_K = 1 - Σ_{j&lt;K} y_j
/// </code>
/// The offset log(K - k) makes x = 0 map to the uniform simplex (1/K, …, 1/K).
/// </summary>
/// <remarks>
/// The log-determinant is that of the map from x to the free coordinates y_1, …, y_{K-1} (y_K is fixed by them):
/// the Jacobian is lower triangular with diagonal z_k (1 - z_k)(1 - Σ_{j&lt;k} y_j), so
/// log |det J| = Σ_k [log z_k + log(1 - z_k) + log(1 - Σ_{j&lt;k} y_j)], one value per batch entry.
/// The remaining stick 1 - Σ_{j&lt;k} y_j = Π_{j&lt;k}(1 - z_j) is formed in log space, so nothing underflows to a
/// zero stick for moderate x. The inverse is x_k = log y_k - log(Σ_{j&gt;k} y_j) + log(K - k).
/// </remarks>
public sealed class StickBreakingBijector : Bijector
{
    /// <summary>The tolerance on |Σ y - 1| accepted by <see cref="Inverse"/>.</summary>
    public const double SumTolerance = 1e-6;

    /// <inheritdoc/>
    public override string Name => "StickBreaking";

    /// <summary>1: one input event is a vector of K - 1 unconstrained values.</summary>
    public override int InputEventRank => 1;

    /// <summary>1: one output event is a simplex vector of K entries.</summary>
    public override int OutputEventRank => 1;

    /// <summary>[..., K-1] → [..., K].</summary>
    /// <exception cref="ArgumentException">The shape is a scalar or its last length is 0.</exception>
    public override int[] ForwardShape(int[] unconstrainedShape)
    {
        ArgumentNullException.ThrowIfNull(unconstrainedShape);
        if (unconstrainedShape.Length < 1 || unconstrainedShape[^1] < 1)
        {
            throw new ArgumentException($"{nameof(StickBreakingBijector)} needs vectors of length K - 1 ≥ 1; got shape [{string.Join(", ", unconstrainedShape)}].", nameof(unconstrainedShape));
        }

        return [.. unconstrainedShape[..^1], unconstrainedShape[^1] + 1];
    }

    /// <summary>[..., K] → [..., K-1].</summary>
    /// <exception cref="ArgumentException">The shape is a scalar or its last length is below 2.</exception>
    public override int[] InverseShape(int[] constrainedShape)
    {
        ArgumentNullException.ThrowIfNull(constrainedShape);
        if (constrainedShape.Length < 1 || constrainedShape[^1] < 2)
        {
            throw new ArgumentException($"{nameof(StickBreakingBijector)} needs simplex vectors of length K ≥ 2; got shape [{string.Join(", ", constrainedShape)}].", nameof(constrainedShape));
        }

        return [.. constrainedShape[..^1], constrainedShape[^1] - 1];
    }

    /// <summary>The simplex point y (see the class summary).</summary>
    public override Tensor Forward(Tensor x)
    {
        var (logZ, log1mZ, logStickBefore) = Pieces(x);
        int axis = x.Rank - 1, n = x.ShapeArray[^1];
        var last = (logStickBefore.Narrow(axis, n - 1, 1) + log1mZ.Narrow(axis, n - 1, 1)).Exp();
        return ShapeOps.Concat(axis, (logZ + logStickBefore).Exp(), last);
    }

    /// <summary>x_k = log y_k - log(Σ_{j&gt;k} y_j) + log(K - k).</summary>
    /// <exception cref="ArgumentException">The shape has a last length below 2.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An entry is not positive and finite, or an event does not sum to 1 within <see cref="SumTolerance"/>.</exception>
    public override Tensor Inverse(Tensor y)
    {
        ArgumentNullException.ThrowIfNull(y);
        InverseShape(y.ShapeArray);
        RequireSimplex(y);
        int axis = y.Rank - 1, k = y.ShapeArray[^1];
        var tail = CumulativeSums.AlongLastAxis(y, exclusive: true, reverse: true).Narrow(axis, 0, k - 1);
        return y.Narrow(axis, 0, k - 1).Log() - tail.Log() + Offsets(k - 1);
    }

    /// <summary>Σ_k [log z_k + log(1 - z_k) + log(1 - Σ_{j&lt;k} y_j)], shape [...].</summary>
    public override Tensor ForwardLogDetJacobian(Tensor x)
    {
        var (logZ, log1mZ, logStickBefore) = Pieces(x);
        return (logZ + log1mZ + logStickBefore).Sum(x.Rank - 1);
    }

    /// <summary>
    /// 1 per event of <paramref name="y"/> ([..., K] → [...]) whose entries are finite and non-negative (positive when
    /// <paramref name="strictlyPositive"/>) and sum to 1 within <see cref="SumTolerance"/>, else 0.
    /// </summary>
    internal static double[] SimplexFlags(Tensor y, bool strictlyPositive, out int firstBad)
    {
        int k = y.ShapeArray[^1];
        int events = k == 0 ? 0 : y.Length / k;
        var flags = new double[events];
        firstBad = -1;
        var v = y.Values;
        for (int e = 0; e < events; e++)
        {
            bool ok = k >= 1;
            double sum = 0;
            for (int i = 0; i < k; i++)
            {
                double u = v[(e * k) + i];
                ok &= double.IsFinite(u) && (strictlyPositive ? u > 0 : u >= 0);
                sum += u;
            }

            ok &= Math.Abs(sum - 1) <= SumTolerance;
            flags[e] = ok ? 1 : 0;
            if (!ok && firstBad < 0)
            {
                firstBad = e;
            }
        }

        return flags;
    }

    private static void RequireSimplex(Tensor y)
    {
        SimplexFlags(y, strictlyPositive: true, out int bad);
        if (bad >= 0)
        {
            int k = y.ShapeArray[^1];
            var entries = y.Values.Slice(bad * k, k).ToArray();
            throw new ArgumentOutOfRangeException(
                nameof(y),
                $"{nameof(StickBreakingBijector)}.Inverse needs positive finite entries summing to 1 (within {BijectorChecks.Format(SumTolerance)}); event {bad} of shape {BijectorChecks.FormatShape(y)} is [{string.Join(", ", entries.Select(BijectorChecks.Format))}] with sum {BijectorChecks.Format(entries.Sum())}.");
        }
    }

    /// <summary>log(K - k) for k = 1, …, K - 1, given n = K - 1.</summary>
    private static Tensor Offsets(int n)
    {
        var o = new double[n];
        for (int i = 0; i < n; i++)
        {
            o[i] = Math.Log(n + 1 - (i + 1));
        }

        return new Tensor(o, [n]);
    }

    /// <summary>log z, log(1 - z) and the log of the stick left before each break, Σ_{j&lt;k} log(1 - z_j).</summary>
    private (Tensor LogZ, Tensor Log1mZ, Tensor LogStickBefore) Pieces(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        ForwardShape(x.ShapeArray);
        var u = x - Offsets(x.ShapeArray[^1]);
        var logZ = -(-u).Softplus();
        var log1mZ = -u.Softplus();
        return (logZ, log1mZ, CumulativeSums.AlongLastAxis(log1mZ, exclusive: true, reverse: false));
    }
}
