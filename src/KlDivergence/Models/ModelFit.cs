using KlDivergence.Distributions;
using KlDivergence.Inference;
using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Models;

/// <summary>A fitted model: the posterior over the unconstrained space, its diagnostics or ELBO trace, and draws by name.</summary>
public sealed class ModelFit
{
    internal ModelFit(Model model, VariationalFit fit, SurrogatePosterior surrogate)
    {
        Model = model;
        VariationalFit = fit;
        Surrogate = surrogate;
        Posterior = fit.Posterior;
        ElboTrace = fit.Trace.Losses.Select(l => -l).ToArray();
    }

    internal ModelFit(Model model, Distribution posterior, FitDiagnostics diagnostics)
    {
        Model = model;
        Posterior = posterior;
        Diagnostics = diagnostics;
        ElboTrace = [];
    }

    /// <summary>The model that was fitted.</summary>
    public Model Model { get; }

    /// <summary>The underlying ELBO fit (loss trace of -ELBO, posterior, estimator); null for the automatic, Pathfinder and Laplace fits.</summary>
    public VariationalFit? VariationalFit { get; }

    /// <summary>The fitted surrogate (its parameters hold the final values); null for the automatic, Pathfinder and Laplace fits.</summary>
    public SurrogatePosterior? Surrogate { get; }

    /// <summary>The fitted posterior over the packed unconstrained vector [d] (no graph).</summary>
    public Distribution Posterior { get; }

    /// <summary>
    /// Pareto k-hat, ELBO ± standard error and the gradient and density evaluations spent, for the fits that provide
    /// them (<see cref="SurrogateFamily.Automatic"/>, <see cref="SurrogateFamily.Pathfinder"/>,
    /// <see cref="SurrogateFamily.Laplace"/>); null for an ELBO fit, whose record is <see cref="ElboTrace"/>.
    /// </summary>
    public FitDiagnostics? Diagnostics { get; }

    /// <summary>The ELBO estimate of every step (a mini-batch estimate when the model subsamples); empty for the fits that are not step-by-step ELBO fits.</summary>
    public IReadOnlyList<double> ElboTrace { get; }

    /// <summary>Draws <paramref name="count"/> samples of the posterior, in the constrained space by name.</summary>
    /// <param name="count">The number of draws.</param>
    /// <param name="random">The stream the draws come from.</param>
    public PosteriorDraws Sample(int count, RandomStream random)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        ArgumentNullException.ThrowIfNull(random);
        using var scope = Tensor.NoGrad();
        var z = Posterior.Sample(count, random);
        return new PosteriorDraws(Model, Model.Constrain(z));
    }

    /// <summary>Draws <paramref name="count"/> samples of the posterior by name: <see cref="Sample(int, RandomStream)"/> with a new stream of <paramref name="seed"/>.</summary>
    /// <param name="count">The number of draws.</param>
    /// <param name="seed">The seed of the stream.</param>
    public PosteriorDraws Sample(int count, ulong seed = 0) => Sample(count, new RandomStream(seed));

    /// <summary>
    /// Posterior predictive draws of every observed variable (one replicate of the data per posterior draw), by name:
    /// shape [count, ...dataShape]. The posterior draws and then the replicates come from <paramref name="random"/>.
    /// </summary>
    /// <param name="count">The number of replicates.</param>
    /// <param name="random">The stream the draws come from.</param>
    public IReadOnlyDictionary<string, Tensor> PosteriorPredictive(int count, RandomStream random)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        ArgumentNullException.ThrowIfNull(random);
        Tensor z;
        using (Tensor.NoGrad())
        {
            z = Posterior.Sample(count, random);
        }

        return Model.PredictiveDraws(z, random);
    }

    /// <summary>Posterior predictive draws by name: <see cref="PosteriorPredictive(int, RandomStream)"/> with a new stream of <paramref name="seed"/>.</summary>
    /// <param name="count">The number of replicates.</param>
    /// <param name="seed">The seed of the stream.</param>
    public IReadOnlyDictionary<string, Tensor> PosteriorPredictive(int count, ulong seed = 0) => PosteriorPredictive(count, new RandomStream(seed));

    /// <summary>Mean, standard deviation and 5/50/95% quantiles of every scalar element, from <paramref name="count"/> draws.</summary>
    public PosteriorSummary Summary(int count = 4000, ulong seed = 0) => Sample(count, seed).Summary();
}
