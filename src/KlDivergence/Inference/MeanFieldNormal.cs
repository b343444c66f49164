using KlDivergence.Bijectors;
using KlDivergence.Distributions;
using KlDivergence.Optimization;
using KlDivergence.Tensors;

namespace KlDivergence.Inference;

/// <summary>
/// The mean-field Gaussian surrogate q(z) = Πᵢ N(zᵢ; μᵢ, σᵢ²): a <see cref="MultivariateNormalDiag"/> whose scales
/// are kept positive by a Softplus bijector (as TFP's mean-field surrogate does).
/// </summary>
public sealed class MeanFieldNormal : SurrogatePosterior<MultivariateNormalDiag>
{
    /// <summary>Creates the surrogate over <paramref name="dimension"/> variables.</summary>
    /// <param name="dimension">The number of latent variables d.</param>
    /// <param name="initialLoc">The initial mean of every variable.</param>
    /// <param name="initialScale">The initial standard deviation of every variable (positive).</param>
    public MeanFieldNormal(int dimension, double initialLoc = 0, double initialScale = 1)
        : this(Create(dimension, initialLoc, initialScale))
    {
    }

    private MeanFieldNormal((Parameter Loc, Parameter Scale) p)
        : base([p.Loc, p.Scale])
    {
        Loc = p.Loc;
        Scale = p.Scale;
    }

    /// <summary>The means μ.</summary>
    public Parameter Loc { get; }

    /// <summary>The standard deviations σ (through Softplus).</summary>
    public Parameter Scale { get; }

    /// <inheritdoc/>
    protected override MultivariateNormalDiag BuildDistribution(Func<Parameter, Tensor> valueOf) => new MultivariateNormalDiag(valueOf(Loc), valueOf(Scale));

    private static (Parameter, Parameter) Create(int dimension, double initialLoc, double initialScale)
    {
        CheckInitialValues(dimension, initialScale);
        return (
            new Parameter(Tensor.Full(initialLoc, dimension), name: "loc"),
            new Parameter(Tensor.Full(initialScale, dimension), new SoftplusBijector(), "scale"));
    }
}
