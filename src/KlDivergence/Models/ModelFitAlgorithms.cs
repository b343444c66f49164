using KlDivergence.Inference;
using KlDivergence.Optimization;
using KlDivergence.Tensors;

namespace KlDivergence.Models;

/// <summary>The fits of a model that are not step-by-step ELBO maximisation: automatic, Pathfinder and Laplace, over the full-data unconstrained log-density.</summary>
internal static class ModelFitAlgorithms
{
    /// <summary>The fit when <paramref name="options"/> asks for the automatic, Pathfinder or Laplace algorithm; null otherwise.</summary>
    internal static ModelFit? TryFitWithoutSteps(Model model, ModelFitOptions options, Tensor initialPoint)
    {
        // Deterministic algorithms (L-BFGS line searches) need the exact log-density: every datum, no mini-batch.
        Tensor LogDensity(Tensor z) => model.UnconstrainedLogDensity(z);
        switch (options.Surrogate)
        {
            case SurrogateFamily.Automatic:
                var automatic = AutomaticFit.Fit(LogDensity, model.Dimension, new AutomaticFitOptions { Seed = options.Seed, ReuseIntermediates = options.ReuseIntermediates });
                return new ModelFit(model, automatic.Approximation, automatic.Diagnostics);
            case SurrogateFamily.Pathfinder:
                var pathfinder = Pathfinder.MultiPath(LogDensity, model.Dimension, new PathfinderOptions { Seed = options.Seed, Lbfgs = new LbfgsOptions { ReuseIntermediates = options.ReuseIntermediates } });
                return new ModelFit(model, pathfinder.Approximation, pathfinder.Diagnostics);
            case SurrogateFamily.Laplace:
                var laplace = LaplaceApproximation.Fit(LogDensity, initialPoint.ToArray(), new LbfgsOptions { ReuseIntermediates = options.ReuseIntermediates }, seed: options.Seed);
                return new ModelFit(model, laplace.Approximation, laplace.Diagnostics);
            default:
                return null;
        }
    }

    /// <summary>The custom surrogate, checked to be over ℝ^dimension (its draws have shape [n, dimension]).</summary>
    internal static SurrogatePosterior RequireDimension(SurrogatePosterior surrogate, int dimension, string paramName)
    {
        int[] shape;
        using (Tensor.NoGrad())
        {
            shape = surrogate.DetachedDistribution.Sample(1, new Random.RandomStream(0)).Shape.ToArray();
        }

        if (shape.Length != 2 || shape[1] != dimension)
        {
            throw new ArgumentException(
                $"{nameof(ModelFitOptions.CustomSurrogate)} draws have shape {Shapes.Format(shape)} per sample batch; the model's packed vector needs [n, {dimension}].",
                paramName);
        }

        return surrogate;
    }
}
