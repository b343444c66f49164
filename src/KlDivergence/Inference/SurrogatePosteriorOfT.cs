using KlDivergence.Distributions;
using KlDivergence.Optimization;
using KlDivergence.Tensors;

namespace KlDivergence.Inference;

/// <summary>
/// A surrogate posterior that builds a known distribution type, so a fit returns its posterior with that type
/// (<c>VariationalInference.Fit</c> on a <see cref="FullRankNormal"/> gives a <see cref="VariationalFit{TDistribution}"/>
/// whose <c>Posterior</c> is a <see cref="MultivariateNormal"/>, its mean and covariance readable without a cast).
/// </summary>
/// <typeparam name="TDistribution">The distribution type the surrogate builds.</typeparam>
public abstract class SurrogatePosterior<TDistribution> : SurrogatePosterior
    where TDistribution : Distribution
{
    /// <summary>Creates a surrogate over the given parameters.</summary>
    protected SurrogatePosterior(IReadOnlyList<Parameter> parameters)
        : base(parameters)
    {
    }

    /// <summary>The distribution at the current parameter values, differentiable in them.</summary>
    public new TDistribution Distribution => BuildDistribution(p => p.Value);

    /// <summary>The distribution at the current values with the parameters cut from the graph (a stop-gradient copy).</summary>
    public new TDistribution DetachedDistribution
    {
        get
        {
            using var scope = Tensor.NoGrad();
            return BuildDistribution(p => p.Value.Detach());
        }
    }

    /// <summary>Builds the distribution from a value for each parameter.</summary>
    protected abstract TDistribution BuildDistribution(Func<Parameter, Tensor> valueOf);

    /// <inheritdoc/>
    protected sealed override Distribution Build(Func<Parameter, Tensor> valueOf) => BuildDistribution(valueOf);
}
