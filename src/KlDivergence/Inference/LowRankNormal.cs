using KlDivergence.Bijectors;
using KlDivergence.Distributions;
using KlDivergence.Optimization;
using KlDivergence.Tensors;

namespace KlDivergence.Inference;

/// <summary>
/// The low-rank plus diagonal Gaussian surrogate q(z) = N(z; μ, WWᵀ + diag(D)): a
/// <see cref="LowRankMultivariateNormal"/> with a factor W of shape [d, r] and a diagonal D kept positive by a
/// Softplus bijector; between <see cref="MeanFieldNormal"/> (r = 0) and <see cref="FullRankNormal"/> in cost.
/// </summary>
public sealed class LowRankNormal : SurrogatePosterior
{
    /// <summary>Creates the surrogate over <paramref name="dimension"/> variables with a rank-<paramref name="rank"/> factor.</summary>
    /// <param name="dimension">The number of latent variables d.</param>
    /// <param name="rank">The number of columns r of the factor W (at least 1, at most d).</param>
    /// <param name="initialLoc">The initial mean of every variable.</param>
    /// <param name="initialScale">The initial standard deviation of every variable (positive): D starts at its square, W at zero.</param>
    public LowRankNormal(int dimension, int rank, double initialLoc = 0, double initialScale = 1)
        : this(Create(dimension, rank, initialLoc, initialScale))
    {
    }

    private LowRankNormal((Parameter Loc, Parameter Factor, Parameter Diagonal) p)
        : base([p.Loc, p.Factor, p.Diagonal])
    {
        Loc = p.Loc;
        CovFactor = p.Factor;
        CovDiag = p.Diagonal;
    }

    /// <summary>The mean μ.</summary>
    public Parameter Loc { get; }

    /// <summary>The factor W, shape [d, r].</summary>
    public Parameter CovFactor { get; }

    /// <summary>The diagonal D (through Softplus).</summary>
    public Parameter CovDiag { get; }

    /// <inheritdoc/>
    protected override Distribution Build(Func<Parameter, Tensor> valueOf) =>
        new LowRankMultivariateNormal(valueOf(Loc), valueOf(CovFactor), valueOf(CovDiag));

    private static (Parameter, Parameter, Parameter) Create(int dimension, int rank, double initialLoc, double initialScale)
    {
        CheckInitialValues(dimension, initialScale);
        if (rank < 1 || rank > dimension)
        {
            throw new ArgumentOutOfRangeException(nameof(rank), rank, $"The rank must be between 1 and the dimension {dimension}.");
        }

        return (
            new Parameter(Tensor.Full(initialLoc, dimension), name: "loc"),
            new Parameter(Tensor.Zeros(dimension, rank), name: "covFactor"),
            new Parameter(Tensor.Full(initialScale * initialScale, dimension), new SoftplusBijector(), "covDiag"));
    }
}
