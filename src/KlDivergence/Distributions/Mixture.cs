using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Distributions;

/// <summary>
/// A finite mixture of components of possibly different families that share one batch shape and one event shape:
/// p(x) = Σₖ wₖ pₖ(x), evaluated as log p(x) = logsumexp_k(log wₖ + log pₖ(x)) (finite in the tails, exact for
/// zero weights).
/// </summary>
/// <remarks>Moments by the laws of total expectation and variance (Frühwirth-Schnatter 2006, §1.2.4).</remarks>
public sealed class Mixture : Distribution, IConditionalCovariance
{
    private readonly Distribution[] components;

    /// <summary>Creates the mixture Σₖ wₖ pₖ.</summary>
    /// <param name="weights">Mixing weights, shape [K] (shared by the batch) or [...BatchShape, K]: non-negative, finite, summing to 1 within 1e-10.</param>
    /// <param name="components">K ≥ 1 components with equal batch and event shapes.</param>
    /// <param name="renormalize">When true, weights with a positive sum are divided by it instead of rejected.</param>
    /// <exception cref="ArgumentOutOfRangeException">A weight is negative or not finite.</exception>
    /// <exception cref="ArgumentException">The weights do not sum to 1, or the shapes or counts disagree.</exception>
    public Mixture(Tensor weights, IReadOnlyList<Distribution> components, bool renormalize = false)
        : base(CheckComponents(components, weights), components[0].EventShapeArray)
    {
        this.components = [.. components];
        Weights = ProbabilityChecks.NormalizedProbs(weights, nameof(Mixture), nameof(weights), renormalize);
        LogWeights = ProbabilityChecks.SafeLog(Weights);
    }

    /// <summary>The normalised weights wₖ, shape [K] or [...BatchShape, K].</summary>
    public Tensor Weights { get; }

    /// <summary>log wₖ (-∞ for a zero weight).</summary>
    public Tensor LogWeights { get; }

    /// <summary>The components.</summary>
    public IReadOnlyList<Distribution> Components => components;

    /// <inheritdoc/>
    public override string FamilyName => $"Mixture({string.Join(", ", components.Select(c => c.FamilyName))})";

    /// <summary>The support: discrete only if all components are, with the least lower and greatest upper bound.</summary>
    public override Support Support
    {
        get
        {
            using var scope = Tensor.NoGrad();
            var first = components[0].Support;
            Tensor lower = first.Lower, upper = first.Upper;
            bool discrete = first.IsDiscrete;
            foreach (var c in components.Skip(1))
            {
                lower = TensorOps.Minimum(lower, c.Support.Lower);
                upper = TensorOps.Maximum(upper, c.Support.Upper);
                discrete &= c.Support.IsDiscrete;
            }

            return new Support(discrete, lower, upper, discrete ? "discrete union of the components' supports" : "union of the components' supports");
        }
    }

    /// <summary>Derived from the components' profiles, counting only components with positive weight (null when one is unknown).</summary>
    public override TailProfile? Tails
    {
        get
        {
            var parts = components.Select(c => c.Tails).ToArray();
            if (parts.Any(p => p is null))
            {
                return null;
            }

            int k = components.Length, n = Shapes.Size(BatchShapeArray);
            double[] weights = TensorOps.Expand(Weights.Detach(), [.. BatchShapeArray, k]);
            return MixtureMath.Profile(parts!, BatchShapeArray, k, weights, pick =>
            {
                var gathered = new double[n * k];
                for (int j = 0; j < k; j++)
                {
                    var t = pick(parts[j]!);
                    if (t is null)
                    {
                        return null;
                    }

                    var values = TensorOps.Expand(t.Detach(), BatchShapeArray);
                    for (int i = 0; i < n; i++)
                    {
                        gathered[(i * k) + j] = values[i];
                    }
                }

                return gathered;
            });
        }
    }

    /// <summary>E[X] = Σₖ wₖ μₖ.</summary>
    public override Tensor Mean => MixtureMath.Mean(WeightsForEvent(), Stacked(c => c.Mean), EventRank);

    /// <summary>Var[X] = Σₖ wₖ σₖ² + Σₖ wₖ (μₖ - E[X])² (law of total variance, element-wise).</summary>
    public override Tensor Variance => MixtureMath.Variance(WeightsForEvent(), Stacked(c => c.Mean), Stacked(c => c.Variance), EventRank);

    /// <summary>True when the events are vectors and every component has a covariance matrix (so <see cref="Covariance"/> exists).</summary>
    public bool HasCovariance => EventRank == 1 && components.All(CovarianceOf.Exists);

    /// <summary>
    /// Cov[X] = Σₖ wₖ Σₖ + Σₖ wₖ (μₖ - E[X])(μₖ - E[X])ᵀ, when <see cref="HasCovariance"/> (a mixture is not an
    /// <see cref="IHasCovariance"/>: whether the covariance exists depends on its components).
    /// </summary>
    /// <exception cref="NotSupportedException">A component has no covariance matrix.</exception>
    public Tensor Covariance => HasCovariance
        ? MixtureMath.Covariance(Weights, Stacked(c => c.Mean), Stacked(CovarianceOf.Get))
        : throw new NotSupportedException($"{FamilyName}: not every component has a covariance matrix.");

    private int EventRank => EventShapeArray.Length;

    /// <summary>log p(x) = logsumexp_k(log wₖ + log pₖ(x)).</summary>
    public override Tensor LogProb(Tensor value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var logProbs = ShapeOps.Stack(-1, [.. components.Select(c => c.LogProb(value))]);
        return (logProbs + LogWeights).LogSumExp(-1);
    }

    /// <summary>P(X ≤ x) = Σₖ wₖ Fₖ(x) (univariate components).</summary>
    public override Tensor Cdf(Tensor value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var cdfs = ShapeOps.Stack(-1, [.. components.Select(c => c.Cdf(value))]);
        return (cdfs * Weights).Sum(-1);
    }

    /// <summary>Every component's places, side by side (recursively for nested mixtures).</summary>
    /// <exception cref="NotSupportedException">The mixture is not univariate.</exception>
    public override MassLocations GetMassLocations()
    {
        using var scope = Tensor.NoGrad();
        return MassLocations.Combine([.. components.Select(c => c.GetMassLocations())]);
    }

    /// <summary>No closed form for the entropy of a mixture.</summary>
    /// <exception cref="NotSupportedException">Always; use <see cref="Distribution.EstimateEntropy"/>.</exception>
    public override Tensor Entropy() =>
        throw new NotSupportedException($"{FamilyName} has no closed-form entropy; use EstimateEntropy(sampleCount, random) for a Monte Carlo estimate with its standard error.");

    /// <summary>Ancestral sampling: k ~ Categorical(w), then x ~ pₖ (not reparameterisable).</summary>
    protected override Tensor SampleCore(int count, RandomStream random)
    {
        var weights = Weights.BroadcastTo([.. BatchShapeArray, components.Length]);
        var indices = new Categorical(weights, renormalize: true).Sample(count, random);
        var all = ShapeOps.Stack(BatchShapeArray.Length + 1, [.. components.Select(c => c.Sample(count, random))]);
        return MixtureMath.Pick(all, indices, components.Length, Shapes.Size(EventShapeArray), SampleShape(count));
    }

    private Tensor Stacked(Func<Distribution, Tensor> quantity) =>
        ShapeOps.Stack(BatchShapeArray.Length, [.. components.Select(quantity)]);

    private Tensor WeightsForEvent()
    {
        var w = Weights;
        for (int i = 0; i < EventRank; i++)
        {
            w = w.Unsqueeze(-1);
        }

        return w;
    }

    private static int[] CheckComponents(IReadOnlyList<Distribution> components, Tensor weights)
    {
        ArgumentNullException.ThrowIfNull(components);
        ArgumentNullException.ThrowIfNull(weights);
        if (components.Count == 0)
        {
            throw new ArgumentException($"{nameof(Mixture)}: needs at least one component.", nameof(components));
        }

        var first = components[0] ?? throw new ArgumentNullException(nameof(components), $"{nameof(Mixture)}: component 0 is null.");
        for (int k = 1; k < components.Count; k++)
        {
            var c = components[k] ?? throw new ArgumentNullException(nameof(components), $"{nameof(Mixture)}: component {k} is null.");
            if (!Shapes.Equal(c.BatchShapeArray, first.BatchShapeArray) || !Shapes.Equal(c.EventShapeArray, first.EventShapeArray))
            {
                throw new ArgumentException(
                    $"{nameof(Mixture)}: component {k} ({c.FamilyName}) has batch {Shapes.Format(c.BatchShapeArray)} and event {Shapes.Format(c.EventShapeArray)}, " +
                    $"component 0 ({first.FamilyName}) has batch {Shapes.Format(first.BatchShapeArray)} and event {Shapes.Format(first.EventShapeArray)}.", nameof(components));
            }
        }

        int[] batch = first.BatchShapeArray;
        if (weights.Rank == 0 || weights.ShapeArray[^1] != components.Count ||
            (weights.Rank > 1 && !Shapes.Equal(weights.ShapeArray.AsSpan(0, weights.Rank - 1), batch)))
        {
            throw new ArgumentException(
                $"{nameof(Mixture)}: weights of shape {Shapes.Format(weights.ShapeArray)} must be [{components.Count}] or {Shapes.Format([.. batch, components.Count])} for {components.Count} components of batch shape {Shapes.Format(batch)}.", nameof(weights));
        }

        return batch;
    }
}
