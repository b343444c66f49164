using KlDivergence.Bijectors;
using KlDivergence.Distributions;
using KlDivergence.Optimization;
using KlDivergence.Tensors;

namespace KlDivergence.Inference;

/// <summary>
/// The full-rank Gaussian surrogate q(z) = N(z; μ, LLᵀ): a <see cref="MultivariateNormal"/> whose Cholesky
/// factor L is optimised as an unconstrained vector through the FillScaleTriL bijector.
/// </summary>
public sealed class FullRankNormal : SurrogatePosterior<MultivariateNormal>
{
    /// <summary>Creates the surrogate over <paramref name="dimension"/> variables, starting at N(initialLoc, initialScale² I).</summary>
    public FullRankNormal(int dimension, double initialLoc = 0, double initialScale = 1)
        : this(Create(dimension, initialLoc, initialScale))
    {
    }

    private FullRankNormal((Parameter Loc, Parameter ScaleTril) p)
        : base([p.Loc, p.ScaleTril])
    {
        Loc = p.Loc;
        ScaleTril = p.ScaleTril;
    }

    /// <summary>The mean μ.</summary>
    public Parameter Loc { get; }

    /// <summary>The lower-triangular Cholesky factor L of the covariance (through FillScaleTriL).</summary>
    public Parameter ScaleTril { get; }

    /// <inheritdoc/>
    protected override MultivariateNormal BuildDistribution(Func<Parameter, Tensor> valueOf) => MultivariateNormal.FromScaleTril(valueOf(Loc), valueOf(ScaleTril));

    private static (Parameter, Parameter) Create(int dimension, double initialLoc, double initialScale)
    {
        CheckInitialValues(dimension, initialScale);
        return (
            new Parameter(Tensor.Full(initialLoc, dimension), name: "loc"),
            new Parameter(Tensor.Full(initialScale, dimension).DiagEmbed(), new FillScaleTriLBijector(), "scaleTril"));
    }
}
