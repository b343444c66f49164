using KlDivergence.Distributions;
using KlDivergence.Optimization;
using KlDivergence.Tensors;

namespace KlDivergence.Inference;

/// <summary>
/// The point-mass surrogate q = δ(z - μ): maximising its ELBO, E_q[log p̃(z)] - E_q[log q(z)] = log p̃(μ), is
/// maximum a posteriori estimation of μ (in the space the target is written in).
/// </summary>
public sealed class PointMassSurrogate : SurrogatePosterior
{
    /// <summary>Creates the surrogate over <paramref name="dimension"/> variables, at <paramref name="initialLoc"/> in every coordinate.</summary>
    public PointMassSurrogate(int dimension, double initialLoc = 0)
        : this(Create(dimension, initialLoc))
    {
    }

    private PointMassSurrogate(Parameter loc)
        : base([loc]) => Loc = loc;

    /// <summary>The location μ.</summary>
    public Parameter Loc { get; }

    /// <inheritdoc/>
    protected override Distribution Build(Func<Parameter, Tensor> valueOf) => new PointMass(valueOf(Loc));

    private static Parameter Create(int dimension, double initialLoc)
    {
        CheckInitialValues(dimension, 1.0);
        return new Parameter(Tensor.Full(initialLoc, dimension), name: "loc");
    }
}
