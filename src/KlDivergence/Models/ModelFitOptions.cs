using KlDivergence.Inference;
using KlDivergence.Optimization;
using KlDivergence.Tensors;

namespace KlDivergence.Models;

/// <summary>How <see cref="Model.Fit"/> fits its surrogate.</summary>
public sealed record ModelFitOptions
{
    /// <summary>The surrogate family over the packed unconstrained vector and its algorithm (<see cref="SurrogateFamily.Automatic"/> by default).</summary>
    public SurrogateFamily Surrogate { get; init; } = SurrogateFamily.Automatic;

    /// <summary>The surrogate of a <see cref="SurrogateFamily.Custom"/> fit, over the packed vector of dimension <see cref="Model.Dimension"/>; its parameters are trained in place.</summary>
    public SurrogatePosterior? CustomSurrogate { get; init; }

    /// <summary>The rank of the factor of a <see cref="SurrogateFamily.LowRank"/> surrogate (capped at the dimension).</summary>
    public int Rank { get; init; } = 2;

    /// <summary>The number of optimisation steps.</summary>
    public int Steps { get; init; } = 2000;

    /// <summary>The learning rate of the default optimiser, Adam.</summary>
    public double LearningRate { get; init; } = 0.01;

    /// <summary>An optimiser to use instead of Adam(<see cref="LearningRate"/>).</summary>
    public IGradientTransformation? Optimizer { get; init; }

    /// <summary>Samples of the surrogate per step (a point mass uses 1).</summary>
    public int SampleCount { get; init; } = 10;

    /// <summary>The seed of the surrogate's samples (mini-batches use a stream derived from it).</summary>
    public ulong Seed { get; init; }

    /// <summary>The initial standard deviation of every coordinate of a normal surrogate.</summary>
    public double InitialScale { get; init; } = 0.1;

    /// <summary>Initial values in the constrained space, by latent variable name; the others start at the image of 0.</summary>
    public IReadOnlyDictionary<string, Tensor>? InitialValues { get; init; }

    /// <summary>The ELBO gradient estimator.</summary>
    public ElboGradient Gradient { get; init; } = ElboGradient.Reparameterized;

    /// <summary>Opt-in gradient clipping (see <see cref="VariationalInference"/>.Fit).</summary>
    public double? MaxGradientNorm { get; init; }

    /// <summary>Called after every step with the progress.</summary>
    public Action<MinimizeProgress>? Callback { get; init; }

    /// <summary>
    /// Whether each step's (or evaluation's) intermediates give their memory to the next, whichever fit runs, as
    /// <see cref="MinimizeOptions.ReuseIntermediates"/>; true by default. A tensor the model body keeps past its
    /// evaluation then throws when read: keep a value with <see cref="Tensor.Clone"/>, or set this to false. Results
    /// are the same either way.
    /// </summary>
    public bool ReuseIntermediates { get; init; } = true;

    internal void Validate(string paramName)
    {
        if (!Enum.IsDefined(Surrogate))
        {
            throw new ArgumentOutOfRangeException(paramName, Surrogate, $"{nameof(Surrogate)} is {Surrogate}: Unknown surrogate family.");
        }

        if ((Surrogate == SurrogateFamily.Custom) != (CustomSurrogate is not null))
        {
            throw new ArgumentException(
                $"{nameof(CustomSurrogate)} is {(CustomSurrogate is null ? "null" : CustomSurrogate.GetType().Name)} with {nameof(Surrogate)} {Surrogate}: a custom surrogate is given exactly when {nameof(Surrogate)} is {nameof(SurrogateFamily.Custom)}.",
                paramName);
        }

        if (Steps < 1)
        {
            throw new ArgumentOutOfRangeException(paramName, Steps, $"{nameof(Steps)} is {Steps}: Steps must be positive.");
        }

        if (SampleCount < 1)
        {
            throw new ArgumentOutOfRangeException(paramName, SampleCount, $"{nameof(SampleCount)} is {SampleCount}: SampleCount must be positive.");
        }

        if (Rank < 1)
        {
            throw new ArgumentOutOfRangeException(paramName, Rank, $"{nameof(Rank)} is {Rank}: Rank must be positive.");
        }

        if (!(LearningRate > 0) || !double.IsFinite(LearningRate))
        {
            throw new ArgumentOutOfRangeException(paramName, LearningRate, $"{nameof(LearningRate)} is {LearningRate}: LearningRate must be positive and finite.");
        }

        if (!(InitialScale > 0) || !double.IsFinite(InitialScale))
        {
            throw new ArgumentOutOfRangeException(paramName, InitialScale, $"{nameof(InitialScale)} is {InitialScale}: InitialScale must be positive and finite.");
        }
    }
}
