using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Distributions;

/// <summary>
/// The normal (Gaussian) distribution N(loc, scale²), batched over the broadcast shape of its parameters:
/// log p(x) = -½((x - μ)/σ)² - log σ - ½ log 2π.
/// </summary>
public sealed class Normal : Distribution
{
    /// <summary>Creates N(loc, scale²).</summary>
    /// <param name="loc">The mean μ (finite).</param>
    /// <param name="scale">The standard deviation σ (positive, finite).</param>
    /// <exception cref="ArgumentOutOfRangeException">A parameter is out of range; the message names it and its value.</exception>
    public Normal(Tensor loc, Tensor scale)
        : base(ParameterChecks.BroadcastParameters(nameof(Normal), loc, nameof(loc), scale, nameof(scale)), [])
    {
        Loc = ParameterChecks.Finite(loc, nameof(Normal), nameof(loc));
        Scale = ParameterChecks.Positive(scale, nameof(Normal), nameof(scale));
    }

    /// <summary>The mean μ as given (broadcastable to the batch shape).</summary>
    public Tensor Loc { get; }

    /// <summary>The standard deviation σ as given (broadcastable to the batch shape).</summary>
    public Tensor Scale { get; }

    /// <inheritdoc/>
    public override bool HasReparameterizedSample => true;

    /// <inheritdoc/>
    public override Tensor Mean => Loc.BroadcastTo(BatchShapeArray);

    /// <inheritdoc/>
    public override Tensor Variance => Scale.Square().BroadcastTo(BatchShapeArray);

    /// <inheritdoc/>
    public override Tensor LogProb(Tensor value) => TensorOps.NormalLogDensity(value, Loc, Scale);

    /// <summary>Differential entropy ½ + ½ log 2π + log σ.</summary>
    public override Tensor Entropy() => (Scale.Log() + (0.5 + ScalarMath.LogSqrtTwoPi)).BroadcastTo(BatchShapeArray);

    /// <summary>Φ((x - μ)/σ).</summary>
    public override Tensor Cdf(Tensor value) => ((value - Loc) / Scale).NormalCdf();

    /// <summary>Reparameterised: μ + σ ε with ε ~ N(0, 1).</summary>
    protected override Tensor SampleCore(int count, RandomStream random) =>
        Loc + (Scale * StandardNoise.Normal(random, SampleShape(count)));
}
