using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using KlDivergence.Tensors;

namespace KlDivergence.Distributions;

/// <summary>
/// Moments and sampling helpers shared by <see cref="MixtureSameFamily"/> and <see cref="Mixture"/>. Component
/// quantities carry the component axis k just before the event axes: [...batch, K, ...event].
/// </summary>
internal static class MixtureMath
{
    /// <summary>E[X] = Σₖ wₖ μₖ; weights [..., K, 1 (× event rank)].</summary>
    public static Tensor Mean(Tensor weights, Tensor means, int eventRank) =>
        (weights * means).Sum(-(eventRank + 1));

    /// <summary>Var[X] = Σₖ wₖ (σₖ² + (μₖ - E[X])²), element-wise (law of total variance).</summary>
    public static Tensor Variance(Tensor weights, Tensor means, Tensor variances, int eventRank)
    {
        int axis = -(eventRank + 1);
        var mean = Mean(weights, means, eventRank);
        var centred = means - mean.Unsqueeze(axis);
        return (weights * (variances + centred.Square())).Sum(axis);
    }

    /// <summary>Cov[X] = Σₖ wₖ (Σₖ + (μₖ - E[X])(μₖ - E[X])ᵀ); weights [..., K], means [..., K, d], covariances [..., K, d, d].</summary>
    public static Tensor Covariance(Tensor weights, Tensor means, Tensor covariances)
    {
        var w = weights.Unsqueeze(-1);
        var mean = (w * means).Sum(-2);
        var centred = means - mean.Unsqueeze(-2);
        var outer = centred.Unsqueeze(-1) * centred.Unsqueeze(-2);
        return (w.Unsqueeze(-1) * (covariances + outer)).Sum(-3);
    }

    /// <summary>
    /// log p(x) = logsumexp_k(aₖ + log wₖ) over the last axis of the component log-densities
    /// <paramref name="componentLogProb"/> [..., K], with one weight vector <paramref name="logWeights"/> [K], as one
    /// recorded op: m + log Σₖ e^(aₖ + log wₖ - m), m the row maximum (what <see cref="TensorOps.LogSumExp"/> computes
    /// on the sum), with the backward pass ∂/∂aₖ = g rₖ and ∂/∂log wₖ = Σ g rₖ through the responsibilities
    /// rₖ = e^(aₖ + log wₖ - log p(x)) kept from the forward pass. Any other weight shape goes the general way.
    /// </summary>
    /// <remarks>
    /// Why: the general form is a broadcast sum and a log-sum-exp, two graph nodes with [..., K] intermediates and
    /// gradients; here the component axis is reduced in one pass and the responsibilities are computed once.
    /// A row whose terms are all -∞ (no component has density there) gives -∞ with zero responsibilities, as the
    /// general form does; a +∞ or NaN maximum is the answer itself.
    /// </remarks>
    public static Tensor WeightedLogSumExp(Tensor componentLogProb, Tensor logWeights)
    {
        ArgumentNullException.ThrowIfNull(componentLogProb);
        ArgumentNullException.ThrowIfNull(logWeights);
        int k = componentLogProb.Rank == 0 ? 0 : componentLogProb.ShapeArray[^1];
        if (k == 0 || logWeights.Length != k || logWeights.Rank > componentLogProb.Rank)
        {
            return (componentLogProb + logWeights).LogSumExp(-1);
        }

        int rows = componentLogProb.Length / k;
        var responsibilities = GC.AllocateUninitializedArray<double>(componentLogProb.Length);
        var y = GC.AllocateUninitializedArray<double>(rows);
        WeightedLogSumExpForward(componentLogProb.Data, logWeights.Data, k, responsibilities, y);
        var result = new Tensor(y, componentLogProb.ShapeArray[..^1]);
        if (!Tensor.Tracks(componentLogProb) && !Tensor.Tracks(logWeights))
        {
            return result;
        }

        return Tensor.Record(result, [componentLogProb, logWeights], g =>
        {
            double[]? ga = componentLogProb.RequiresGrad ? GC.AllocateUninitializedArray<double>(responsibilities.Length) : null;
            double[]? gw = logWeights.RequiresGrad ? new double[k] : null;
            WeightedLogSumExpBackward(g.Data, responsibilities, k, ga, gw);
            return [
                ga is null ? null : new Tensor(ga, componentLogProb.ShapeArray),
                gw is null ? null : new Tensor(gw, logWeights.ShapeArray)];
        });
    }

    /// <summary>
    /// The backward pass of <see cref="WeightedLogSumExp"/>: ∂/∂aₖ = g rₖ per row into <paramref name="ga"/> (when
    /// given) and ∂/∂log wₖ = Σ g rₖ added into <paramref name="gw"/> (when given, zeroed by the caller).
    /// </summary>
    internal static void WeightedLogSumExpBackward(double[] g, double[] responsibilities, int k, double[]? ga, double[]? gw)
    {
        int rows = responsibilities.Length / k;
        for (int i = 0; i < rows; i++)
        {
            double gi = g[i];
            for (int j = 0; j < k; j++)
            {
                double v = gi * responsibilities[(i * k) + j];
                if (ga is not null)
                {
                    ga[(i * k) + j] = v;
                }

                if (gw is not null)
                {
                    gw[j] += v;
                }
            }
        }
    }

    /// <summary>
    /// The forward pass of <see cref="WeightedLogSumExp"/>: y per row, and each row's responsibilities into
    /// <paramref name="responsibilities"/> (the shifted terms first, then one vectorised Exp over all of them).
    /// </summary>
    internal static void WeightedLogSumExpForward(double[] a, double[] logWeights, int k, double[] responsibilities, double[] y)
    {
        int rows = y.Length;
        for (int i = 0; i < rows; i++)
        {
            // The maximum of the weighted terms (NaN wins, as in the general kernel).
            int o = i * k;
            double m = a[o] + logWeights[0];
            for (int j = 1; j < k && !double.IsNaN(m); j++)
            {
                double s = a[o + j] + logWeights[j];
                m = s > m || double.IsNaN(s) ? s : m;
            }

            // A -∞ row (no component has density) keeps no responsibility; a +∞ or NaN one gets e^(sₖ - m) as the
            // general kernel's gradient does (0 for the finite terms, NaN for the infinite ones).
            y[i] = m;
            for (int j = 0; j < k; j++)
            {
                responsibilities[o + j] = double.IsNegativeInfinity(m) ? double.NegativeInfinity : a[o + j] + logWeights[j] - m;
            }
        }

        TensorPrimitives.Exp(responsibilities, responsibilities);
        var sums = System.Buffers.ArrayPool<double>.Shared.Rent(rows);
        try
        {
            for (int i = 0; i < rows; i++)
            {
                int o = i * k;
                if (!double.IsFinite(y[i]))
                {
                    // The maximum is the answer itself; the responsibilities stay as the exponentials left them.
                    sums[i] = 1;
                    continue;
                }

                double sum = 0;
                for (int j = 0; j < k; j++)
                {
                    sum += responsibilities[o + j];
                }

                sums[i] = sum;
                double inverse = 1 / sum;
                for (int j = 0; j < k; j++)
                {
                    responsibilities[o + j] *= inverse;
                }
            }

            // The logarithms by the same vectorised kernel as the general log-sum-exp, then m + log Σ (m alone when not finite).
            var logs = sums.AsSpan(0, rows);
            TensorPrimitives.Log(logs, logs);
            for (int i = 0; i < rows; i++)
            {
                y[i] = double.IsFinite(y[i]) ? y[i] + logs[i] : y[i];
            }
        }
        finally
        {
            System.Buffers.ArrayPool<double>.Shared.Return(sums);
        }
    }

    /// <summary>
    /// From samples of every component, [count, ...batch, K, ...event] (as a flat layout), keeps the one chosen by
    /// <paramref name="indices"/> [count, ...batch] for each draw.
    /// </summary>
    public static Tensor Pick(Tensor all, Tensor indices, int componentCount, int eventSize, int[] resultShape)
    {
        var source = all.Values;
        var chosen = indices.Values;
        var result = new double[chosen.Length * eventSize];
        for (int i = 0; i < chosen.Length; i++)
        {
            int k = (int)chosen[i];
            source.Slice(((i * componentCount) + k) * eventSize, eventSize).CopyTo(result.AsSpan(i * eventSize, eventSize));
        }

        return new Tensor(result, resultShape);
    }

    /// <summary>The union of the components' supports: the least lower and greatest upper bound over the component axis.</summary>
    public static Support MergeSupport(Support support, int[] componentBatchShape)
    {
        if (support.Lower.Rank == 0 && support.Upper.Rank == 0)
        {
            return support;
        }

        using var scope = Tensor.NoGrad();
        var lower = -(-support.Lower.BroadcastTo(componentBatchShape)).Max(-1);
        var upper = support.Upper.BroadcastTo(componentBatchShape).Max(-1);
        return new Support(support.IsDiscrete, lower, upper, support.Name);
    }

    /// <summary>
    /// A mixture's profile from its components', counting only components with positive weight in each batch element
    /// (a zero-weight component puts no mass anywhere): the least lower and greatest upper bound, and on each side the
    /// smallest decay exponent (log Σ wₖ qₖ ≤ maxₖ log qₖ, so the slowest decay bounds the mixture's) and the smallest
    /// moment index (E_p|X|^r = Σ wₖ E_pₖ|X|^r diverges as soon as one term does). The measure is kept when all
    /// components share it, else unknown. Entropy stays finite: H(Σ wₖ pₖ) lies between Σ wₖ H(pₖ) and that plus H(w).
    /// </summary>
    /// <param name="parts">The component profiles (none null).</param>
    /// <param name="batchShape">The mixture's batch shape.</param>
    /// <param name="count">The number of components K.</param>
    /// <param name="weights">The weights per element and component, index i·K + k.</param>
    /// <param name="gather">Gathers a field of the components into an array indexed i·K + k, or null when a component lacks it.</param>
    public static TailProfile Profile(IReadOnlyList<TailProfile> parts, int[] batchShape, int count, double[] weights, Func<Func<TailProfile, Tensor?>, double[]?> gather)
    {
        var measure = parts.All(p => p.Measure == parts[0].Measure) ? parts[0].Measure : ReferenceMeasure.Unknown;
        int n = Shapes.Size(batchShape);

        Tensor? Reduce(Func<TailProfile, Tensor?> field, bool max)
        {
            var values = gather(field);
            if (values is null)
            {
                return null;
            }

            var result = new double[n];
            for (int i = 0; i < n; i++)
            {
                double best = max ? double.NegativeInfinity : double.PositiveInfinity;
                for (int k = 0; k < count; k++)
                {
                    if (weights[(i * count) + k] > 0)
                    {
                        double v = values[(i * count) + k];
                        best = max ? Math.Max(best, v) : Math.Min(best, v);
                    }
                }

                result[i] = best;
            }

            return new Tensor(result, batchShape);
        }

        Tail? Side(Func<TailProfile, Tail?> side)
        {
            if (parts.Any(p => side(p) is null))
            {
                return null;
            }

            var decay = Reduce(p => side(p)!.DecayExponent, max: false)!;
            var moments = Reduce(p => side(p)!.MomentIndex, max: false)!;
            return new Tail(decay, moments, "mixture of: " + string.Join("; ", parts.Select(p => side(p)!.Description).Distinct()));
        }

        using var scope = Tensor.NoGrad();
        return new TailProfile(
            measure,
            Reduce(p => p.Lower, max: false),
            Reduce(p => p.Upper, max: true),
            Side(p => p.Left),
            Side(p => p.Right),
            parts.All(p => p.IsDensityBounded));
    }
}
