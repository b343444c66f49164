using KlDivergence.Distributions;
using KlDivergence.Tensors;

namespace KlDivergence.Divergences;

/// <summary>
/// An unbatched Gaussian mixture f(x) = Σₐ πₐ N(x; μₐ, Lₐ Lₐᵀ) in a uniform form: log-weights [K], weights [K],
/// means [K, d] and Cholesky factors [K, d, d]. Built from a <see cref="MixtureSameFamily"/> of <see cref="Normal"/>,
/// <see cref="MultivariateNormal"/> or <see cref="MultivariateNormalDiag"/> components, or from one such Gaussian
/// (a one-component mixture). Components of weight zero are dropped: they contribute nothing to the density.
/// All tensors keep their graph, so values built from them are differentiable in the parameters.
/// </summary>
internal sealed class GaussianMixtureParts
{
    private GaussianMixtureParts(Tensor logWeights, Tensor weights, Tensor loc, Tensor scaleTril)
    {
        LogWeights = logWeights;
        Weights = weights;
        Loc = loc;
        ScaleTril = scaleTril;
    }

    /// <summary>log πₐ, shape [K] (all finite).</summary>
    public Tensor LogWeights { get; }

    /// <summary>πₐ, shape [K] (all positive).</summary>
    public Tensor Weights { get; }

    /// <summary>μₐ, shape [K, d].</summary>
    public Tensor Loc { get; }

    /// <summary>Lₐ with Σₐ = Lₐ Lₐᵀ, shape [K, d, d].</summary>
    public Tensor ScaleTril { get; }

    /// <summary>The number of components K (of positive weight).</summary>
    public int Count => Loc.ShapeArray[0];

    /// <summary>The dimension d (1 for univariate normals).</summary>
    public int Dimension => Loc.ShapeArray[1];

    /// <summary>Decomposes <paramref name="distribution"/>; <paramref name="parameterName"/> names it in errors.</summary>
    /// <exception cref="ArgumentException">Not an unbatched Gaussian or Gaussian mixture.</exception>
    public static GaussianMixtureParts From(Distribution distribution, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(distribution, parameterName);
        if (distribution.BatchShapeArray.Length != 0)
        {
            throw new ArgumentException(
                $"{nameof(MixtureKl)} needs an unbatched distribution; {parameterName} ({distribution.FamilyName}) has batch shape {Shapes.Format(distribution.BatchShapeArray)}.",
                parameterName);
        }

        if (distribution is MixtureSameFamily mixture)
        {
            var (loc, tril) = Components(mixture.Components, mixture.ComponentCount, parameterName);
            var probs = mixture.MixtureDistribution.Probs;
            int[] keep = PositiveIndices(probs.Values);
            if (keep.Length == probs.Length)
            {
                return new GaussianMixtureParts(mixture.MixtureDistribution.Logits, probs, loc, tril);
            }

            return new GaussianMixtureParts(
                mixture.MixtureDistribution.Logits.IndexSelect(0, keep), probs.IndexSelect(0, keep), loc.IndexSelect(0, keep), tril.IndexSelect(0, keep));
        }

        var (l, s) = Single(distribution, parameterName);
        return new GaussianMixtureParts(Tensor.Vector(0.0), Tensor.Vector(1.0), l, s);
    }

    private static (Tensor Loc, Tensor ScaleTril) Components(Distribution components, int count, string parameterName)
    {
        switch (components)
        {
            case Normal normal:
                return (normal.Loc.BroadcastTo(count).Reshape(count, 1), normal.Scale.BroadcastTo(count).Reshape(count, 1, 1));
            case MultivariateNormal mvn:
                return (mvn.Loc.BroadcastTo(count, mvn.Dimension), mvn.ScaleTril.BroadcastTo(count, mvn.Dimension, mvn.Dimension));
            case MultivariateNormalDiag diag:
                return (diag.Loc.BroadcastTo(count, diag.Dimension), diag.ScaleTril);
            default:
                throw new ArgumentException(
                    $"{nameof(MixtureKl)} needs Normal, MultivariateNormal or MultivariateNormalDiag components; {parameterName} has {components.FamilyName} components.",
                    parameterName);
        }
    }

    private static (Tensor Loc, Tensor ScaleTril) Single(Distribution distribution, string parameterName) => distribution switch
    {
        Normal normal => (normal.Loc.Reshape(1, 1), normal.Scale.Reshape(1, 1, 1)),
        MultivariateNormal mvn => (mvn.Loc.Reshape(1, mvn.Dimension), mvn.ScaleTril.Reshape(1, mvn.Dimension, mvn.Dimension)),
        MultivariateNormalDiag diag => (diag.Loc.Reshape(1, diag.Dimension), diag.ScaleTril.Reshape(1, diag.Dimension, diag.Dimension)),
        _ => throw new ArgumentException(
            $"{nameof(MixtureKl)} needs a Gaussian (Normal, MultivariateNormal, MultivariateNormalDiag) or a MixtureSameFamily of them; {parameterName} is {distribution.FamilyName}.",
            parameterName),
    };

    private static int[] PositiveIndices(ReadOnlySpan<double> weights)
    {
        var keep = new List<int>(weights.Length);
        for (int i = 0; i < weights.Length; i++)
        {
            if (weights[i] > 0)
            {
                keep.Add(i);
            }
        }

        return [.. keep];
    }
}
