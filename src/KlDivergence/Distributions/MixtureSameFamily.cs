using KlDivergence.Constraints;
using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Distributions;

/// <summary>
/// A finite mixture whose k components are one batched distribution: the last batch dimension of the components
/// is the mixture dimension. p(x) = Σₖ wₖ pₖ(x), evaluated as log p(x) = logsumexp_k(log wₖ + log pₖ(x)), which stays
/// finite far in the tails and is exact for zero weights (log 0 = -∞ contributes nothing).
/// </summary>
/// <remarks>After TensorFlow Probability's MixtureSameFamily. Moments: law of total expectation and variance
/// (e.g. Frühwirth-Schnatter 2006, Finite Mixture and Markov Switching Models, §1.2.4).</remarks>
public sealed class MixtureSameFamily : Distribution, IConditionalCovariance
{
    /// <summary>Creates the mixture Σₖ wₖ pₖ.</summary>
    /// <param name="mixture">The mixing weights w, batch shape = the components' batch shape without its last dimension, K categories.</param>
    /// <param name="components">The components, batch shape [...BatchShape, K].</param>
    /// <exception cref="ArgumentException">The shapes do not fit together; the message names both.</exception>
    public MixtureSameFamily(Categorical mixture, Distribution components)
        : base(CheckShapes(mixture, components), components.EventShapeArray)
    {
        MixtureDistribution = mixture;
        Components = components;
        tails = new Lazy<TailProfile?>(ComputeTails);
    }

    private readonly Lazy<TailProfile?> tails;

    /// <summary>The distribution of the component index.</summary>
    public Categorical MixtureDistribution { get; }

    /// <summary>The batched components (last batch dimension: the component index).</summary>
    public Distribution Components { get; }

    /// <summary>The number of components K.</summary>
    public int ComponentCount => MixtureDistribution.CategoryCount;

    /// <inheritdoc/>
    public override string FamilyName => $"MixtureSameFamily({Components.FamilyName})";

    /// <summary>The components' support (bounds merged over the components).</summary>
    public override Support Support => MixtureMath.MergeSupport(Components.Support, Components.BatchShapeArray);

    /// <summary>The components' constraint when their events are structured (simplex, ordered, …), else the constraint of the merged support.</summary>
    public override Constraint SupportConstraint => Components.SupportConstraint is { EventRank: > 0 } c and not IndependentConstraint ? c : base.SupportConstraint;

    /// <summary>
    /// Derived from the components' profile, counting only components with positive weight (null when unknown);
    /// computed once (a mixture is immutable), since every Monte Carlo KL against it asks again.
    /// </summary>
    public override TailProfile? Tails => tails.Value;

    private TailProfile? ComputeTails()
    {
        var part = Components.Tails;
        if (part is null)
        {
            return null;
        }

        int[] shape = Components.BatchShapeArray;
        double[] weights = TensorOps.Expand(MixtureDistribution.Probs.Detach(), shape);
        return MixtureMath.Profile([part], BatchShapeArray, ComponentCount, weights, pick =>
            pick(part) is { } t ? TensorOps.Expand(t.Detach(), shape) : null);
    }

    /// <summary>E[X] = Σₖ wₖ μₖ.</summary>
    public override Tensor Mean => MixtureMath.Mean(WeightsForEvent(), Components.Mean, EventRank);

    /// <summary>Var[X] = Σₖ wₖ σₖ² + Σₖ wₖ (μₖ - E[X])² (law of total variance, element-wise).</summary>
    public override Tensor Variance => MixtureMath.Variance(WeightsForEvent(), Components.Mean, Components.Variance, EventRank);

    /// <summary>True when the events are vectors and the components have a covariance matrix (so <see cref="Covariance"/> exists).</summary>
    public bool HasCovariance => EventRank == 1 && CovarianceOf.Exists(Components);

    /// <summary>
    /// Cov[X] = Σₖ wₖ Σₖ + Σₖ wₖ (μₖ - E[X])(μₖ - E[X])ᵀ, when <see cref="HasCovariance"/> (a mixture is not an
    /// <see cref="IHasCovariance"/>: whether the covariance exists depends on its components).
    /// </summary>
    /// <exception cref="NotSupportedException">The components have no covariance matrix.</exception>
    public Tensor Covariance => HasCovariance
        ? MixtureMath.Covariance(MixtureDistribution.Probs, Components.Mean, CovarianceOf.Get(Components))
        : throw new NotSupportedException($"{FamilyName}: the components have no covariance matrix.");

    private int EventRank => EventShapeArray.Length;

    /// <summary>mixture and components, as the constructor takes them.</summary>
    protected override IEnumerable<KeyValuePair<string, object?>> DisplayParameters() =>
        [new("mixture", MixtureDistribution), new("components", Components)];

    /// <summary>
    /// log p(x) = logsumexp_k(log wₖ + log pₖ(x)), by the components' <see cref="Distribution.MixtureLogProb"/> (x broadcast
    /// against them by inserting the component axis; a family may fuse it, as Normal does).
    /// </summary>
    public override Tensor LogProb(Tensor value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return Components.MixtureLogProb(value, MixtureDistribution.Logits);
    }

    /// <summary>An unbatched mixture through its components' span path; a batched one the general way.</summary>
    protected override void LogProbIntoCore(ReadOnlySpan<double> values, Span<double> result)
    {
        if (BatchShapeArray.Length == 0)
        {
            Components.MixtureLogProbInto(values, MixtureDistribution.Logits, result);
            return;
        }

        base.LogProbIntoCore(values, result);
    }

    /// <summary>P(X ≤ x) = Σₖ wₖ Fₖ(x) (univariate components).</summary>
    public override Tensor Cdf(Tensor value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return (Components.Cdf(value.Unsqueeze(-1)) * MixtureDistribution.Probs).Sum(-1);
    }

    /// <summary>Every component's places: the components' [...BatchShape, K, M] places as [...BatchShape, K·M].</summary>
    /// <exception cref="NotSupportedException">The mixture is not univariate.</exception>
    public override MassLocations GetMassLocations()
    {
        using var scope = Tensor.NoGrad();
        var inner = Components.GetMassLocations();
        int[] shape = [.. BatchShapeArray, ComponentCount * inner.Count];
        return new MassLocations(inner.Centre.Reshape(shape), inner.Width.Reshape(shape));
    }

    /// <summary>No closed form for the entropy of a mixture.</summary>
    /// <exception cref="NotSupportedException">Always; use <see cref="Distribution.EstimateEntropy"/>.</exception>
    public override Tensor Entropy() =>
        throw new NotSupportedException($"{FamilyName} has no closed-form entropy; use EstimateEntropy(sampleCount, random) for a Monte Carlo estimate with its standard error.");

    /// <summary>Ancestral sampling: k ~ Categorical(w), then x ~ pₖ (not reparameterisable).</summary>
    protected override Tensor SampleCore(int count, RandomStream random)
    {
        var indices = MixtureDistribution.Sample(count, random);
        var all = Components.Sample(count, random);
        return MixtureMath.Pick(all, indices, ComponentCount, Shapes.Size(EventShapeArray), SampleShape(count));
    }

    private Tensor WeightsForEvent()
    {
        var w = MixtureDistribution.Probs;
        for (int i = 0; i < EventRank; i++)
        {
            w = w.Unsqueeze(-1);
        }

        return w;
    }

    private static int[] CheckShapes(Categorical mixture, Distribution components)
    {
        ArgumentNullException.ThrowIfNull(mixture);
        ArgumentNullException.ThrowIfNull(components);
        int[] cb = components.BatchShapeArray;
        if (cb.Length == 0)
        {
            throw new ArgumentException($"{nameof(MixtureSameFamily)}: components need a batch dimension for the mixture, got batch shape [].", nameof(components));
        }

        if (!Shapes.Equal(mixture.BatchShapeArray, cb.AsSpan(0, cb.Length - 1)) || mixture.CategoryCount != cb[^1])
        {
            throw new ArgumentException(
                $"{nameof(MixtureSameFamily)}: mixture with batch shape {Shapes.Format(mixture.BatchShapeArray)} and {mixture.CategoryCount} categories " +
                $"does not fit components with batch shape {Shapes.Format(cb)} (expected batch {Shapes.Format(cb.AsSpan(0, cb.Length - 1))} and {cb[^1]} categories).", nameof(mixture));
        }

        return cb[..^1];
    }
}
