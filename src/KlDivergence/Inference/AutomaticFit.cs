using KlDivergence.Distributions;
using KlDivergence.Optimization;
using KlDivergence.Tensors;

namespace KlDivergence.Inference;

/// <summary>
/// A full-rank Gaussian fit of a flat unconstrained posterior that needs no tuning, with the same defaults for every
/// model (<see cref="AutomaticFitOptions"/>):
/// <list type="number">
/// <item>Initialise: multi-path <see cref="Pathfinder"/>; the initial N(m₀, L₀L₀ᵀ) has the mean and covariance of its
/// importance-resampled draws when their k-hat is below 0.7, else Pathfinder's best normal; when Pathfinder produces
/// nothing, the Laplace approximation at the mode found from 0.</item>
/// <item>Refine in whitened coordinates x = m₀ + L₀w (where the initial approximation is N(0, I), so one step size
/// suits every model however its scales and correlations differ): maximise the ELBO over a full-rank N(μ, LLᵀ) in w,
/// starting at N(0, I), with "sticking the landing" gradients (Roeder, Wu &amp; Duvenaud 2017; their variance vanishes as
/// q approaches the posterior) and Adam.</item>
/// <item>Adapt the step size and stop: every <see cref="AutomaticFitOptions.Window"/> steps the ELBO is estimated
/// from <see cref="AutomaticFitOptions.CheckDraws"/> draws made from the same standard normal draws each time (common
/// random numbers), so its change since the last check is a mean of paired differences with a small standard error.
/// When it rose by no more than max(relative tolerance · |ELBO|, 2 standard errors) (or fell), the step size is halved
/// (smaller steps, smaller stationary noise); after <see cref="AutomaticFitOptions.MaxHalvings"/> halvings a further
/// such check stops the fit, and <see cref="AutomaticFitOptions.MaxSteps"/> caps it.</item>
/// </list>
/// Every fit carries <see cref="FitDiagnostics"/>: trust it where k-hat is below 0.7.
/// </summary>
public static class AutomaticFit
{
    /// <summary>Fits a full-rank Gaussian to the posterior with density proportional to exp(log p).</summary>
    /// <param name="logDensity">log p(x) for a batch of points [n, d], returning [n]; differentiable and safe to call from several threads at once (Pathfinder's paths run in parallel).</param>
    /// <param name="dimension">d.</param>
    /// <param name="options">Options; the defaults when null.</param>
    /// <exception cref="InvalidOperationException">Neither Pathfinder nor the Laplace approximation could start the fit.</exception>
    public static PosteriorFit Fit(Func<Tensor, Tensor> logDensity, int dimension, AutomaticFitOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(logDensity);
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        options ??= new AutomaticFitOptions();
        options.Validate();
        var (initial, initialization, gradients, densities) = Initialize(logDensity, dimension, options);
        var loc0 = initial.Loc;
        var scale0 = initial.ScaleTril;

        // The posterior seen from the initial approximation: w ↦ log p(m₀ + L₀w) (the constant log|L₀| is left out).
        int refinementGradients = 0;
        Tensor Whitened(Tensor w)
        {
            if (w.RequiresGrad)
            {
                refinementGradients += w.Shape[0];
            }

            return logDensity(w.MatMul(scale0.Transpose()) + loc0);
        }

        var surrogate = new FullRankNormal(dimension);
        double learningRate = options.InitialLearningRate;
        var windows = new List<double>();
        double[]? previousTerms = null;
        int halvings = 0, steps = 0, checkDensities = 0;
        bool converged = false;

        // The checks reuse one set of standard normal draws ε (common random numbers): the change of the ELBO between
        // two checks is then estimated from paired terms, whose noise shrinks as q settles, instead of being buried in
        // the noise of two independent estimates.
        var checkNoise = Tensor.FromArray(NormalDraws(options.CheckDraws * dimension, Pathfinder.PathStream(options.Seed, -2)), [options.CheckDraws, dimension]);
        double logDetScale0;
        using (Tensor.NoGrad())
        {
            logDetScale0 = scale0.LogDetFromCholesky().ToScalar() / 2;
        }

        using var stop = new CancellationTokenSource();
        void AfterStep(MinimizeProgress progress)
        {
            steps = progress.Step + 1;
            if (steps % options.Window != 0)
            {
                return;
            }

            double[] terms;
            using (Tensor.NoGrad())
            {
                var q = (MultivariateNormal)surrogate.DetachedDistribution;
                var w = checkNoise.MatMul(q.ScaleTril.Transpose()) + q.Loc;
                terms = (Whitened(w) - q.LogProb(w)).ToArray();
                checkDensities += options.CheckDraws;
            }

            for (int i = 0; i < terms.Length; i++)
            {
                terms[i] = double.IsNaN(terms[i]) ? double.NegativeInfinity : terms[i] + logDetScale0;
            }

            double mean = terms.Average();
            windows.Add(mean);
            if (previousTerms is not null && double.IsFinite(mean))
            {
                var differences = terms.Zip(previousTerms, (a, b) => a - b).ToArray();
                double change = differences.Average();
                double se = Math.Sqrt(differences.Sum(v => (v - change) * (v - change)) / (differences.Length - 1) / differences.Length);
                if (!(change > Math.Max(options.RelativeTolerance * Math.Abs(mean), 2 * se)))
                {
                    // No gain beyond noise (or a loss): the steps are too large to settle; halve them, or stop.
                    if (halvings == options.MaxHalvings)
                    {
                        converged = true;
                        stop.Cancel();
                    }

                    halvings++;
                    learningRate /= 2;
                }
            }

            previousTerms = terms;
        }

        var minimize = new MinimizeOptions(Optimizers.Adam(new FunctionSchedule(_ => learningRate)))
        {
            MaxSteps = options.MaxSteps,
            TraceEvery = 0,
            Callback = AfterStep,
            CancellationToken = stop.Token,
            ReuseIntermediates = options.ReuseIntermediates,
        };
        try
        {
            VariationalInference.Fit(Whitened, surrogate, minimize, options.SampleCount, options.Seed, ElboGradient.StickingTheLanding);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The ELBO criterion held; the surrogate keeps its last values.
        }

        MultivariateNormal q;
        using (Tensor.NoGrad())
        {
            var fitted = (MultivariateNormal)surrogate.DetachedDistribution;
            q = MultivariateNormal.FromScaleTril(
                scale0.MatMul(fitted.Loc.Unsqueeze(1)).Squeeze(1) + loc0, scale0.MatMul(fitted.ScaleTril));
        }

        var target = new FlatTarget(logDensity, dimension, options.ReuseIntermediates && options.Pathfinder.Lbfgs.ReuseIntermediates);
        var (draws, diagnostics) = LaplaceApproximation.Diagnose(
            target, q, options.DrawCount, Pathfinder.PathStream(options.Seed, -1), gradients + refinementGradients, densities + checkDensities);
        return new PosteriorFit(q, draws, diagnostics, initialization, steps, converged, windows);
    }

    private static double[] NormalDraws(int count, Random.RandomStream random)
    {
        var values = new double[count];
        random.FillStandardNormal(values);
        return values;
    }

    /// <summary>The initial Gaussian and where it came from, with the evaluations spent on it.</summary>
    private static (MultivariateNormal Initial, AutomaticFitInitialization From, int Gradients, int Densities) Initialize(
        Func<Tensor, Tensor> logDensity, int dimension, AutomaticFitOptions options)
    {
        PathfinderResult pathfinder;
        try
        {
            var lbfgs = options.Pathfinder.Lbfgs with { ReuseIntermediates = options.ReuseIntermediates && options.Pathfinder.Lbfgs.ReuseIntermediates };
            pathfinder = Pathfinder.MultiPath(logDensity, dimension, options.Pathfinder with { Seed = options.Seed, Lbfgs = lbfgs });
        }
        catch (InvalidOperationException)
        {
            var laplace = LaplaceApproximation.Fit(logDensity, new double[dimension], new LbfgsOptions { ReuseIntermediates = options.ReuseIntermediates }, drawCount: 2, seed: options.Seed);
            return (laplace.Approximation, AutomaticFitInitialization.Laplace, laplace.Diagnostics.GradientEvaluations, laplace.Diagnostics.DensityEvaluations);
        }

        int gradients = pathfinder.Diagnostics.GradientEvaluations, densities = pathfinder.Diagnostics.DensityEvaluations;
        if (pathfinder.Diagnostics.IsReliable)
        {
            using var scope = Tensor.NoGrad();
            var draws = pathfinder.Draws;
            var mean = draws.Mean(0);
            var centred = draws - mean;
            var covariance = centred.Transpose().MatMul(centred) / (draws.Shape[0] - 1);
            covariance = (covariance + covariance.Transpose()) * 0.5;
            try
            {
                return (MultivariateNormal.FromCovariance(mean, covariance), AutomaticFitInitialization.PathfinderDraws, gradients, densities);
            }
            catch (NotPositiveDefiniteException)
            {
                // Too few distinct resampled draws to span every direction: fall back to the best normal.
            }
        }

        return (pathfinder.Approximation, AutomaticFitInitialization.PathfinderApproximation, gradients, densities);
    }
}
