using KlDivergence.Distributions;
using KlDivergence.Divergences;
using KlDivergence.Optimization;

namespace KlDivergence.Inference;

/// <summary>
/// A <see cref="VariationalFit"/> whose posterior has the surrogate's distribution type (a full-rank fit's posterior is a
/// <see cref="MultivariateNormal"/>, a mean-field fit's a <see cref="MultivariateNormalDiag"/>).
/// </summary>
/// <typeparam name="TDistribution">The type of the fitted posterior.</typeparam>
public sealed record VariationalFit<TDistribution> : VariationalFit
    where TDistribution : Distribution
{
    /// <summary>Creates the outcome of a fit (see <see cref="VariationalFit"/> for each part).</summary>
    public VariationalFit(MinimizeTrace trace, TDistribution posterior, KlGradientEstimator gradientEstimator, ElboGradient elboGradient)
        : base(trace, posterior, gradientEstimator, elboGradient)
    {
    }

    /// <summary>The fitted surrogate at its final values (no graph), with its own type.</summary>
    public new TDistribution Posterior => (TDistribution)base.Posterior;
}
