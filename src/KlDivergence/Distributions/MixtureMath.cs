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
}
