using KlDivergence.Inference;
using KlDivergence.Optimization;
using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Models;

/// <summary>
/// A probabilistic model written once as a body run against a <see cref="ModelContext"/> (as in Pyro and NumPyro):
/// named latent variables with priors, observed variables bound to data, extra log-density factors. The library
/// packs the latent variables into one unconstrained vector, maps each onto its support with a bijector and adds
/// the Jacobians, so a surrogate posterior can be fitted over ℝᵈ and its draws read back by name.
/// </summary>
/// <example>
/// <code>
/// var model = Model.Define(m =>
/// {
///     var mu = m.Latent("mu", new Normal(0, 5));
///     var tau = m.Latent("tau", new HalfCauchy(5));
///     var theta = m.Latent("theta_trans", new Normal(0, 1), shape: [8]);
///     m.Observe("y", new Normal(mu + (tau * theta), sigma), y);
/// });
/// var fit = model.Fit(new ModelFitOptions { Surrogate = SurrogateFamily.FullRank });
/// Console.WriteLine(fit.Summary());
/// </code>
/// </example>
public sealed class Model
{
    private readonly Action<ModelContext> body;

    private Model(Action<ModelContext> body, ModelContext discovered)
    {
        this.body = body;
        Latents = discovered.DiscoveredLatents.ToArray();
        Observed = discovered.DiscoveredObserved.ToArray();
        Factors = discovered.DiscoveredFactors.ToArray();
        ObservedHasDraws = discovered.ObservedHasDraws.ToArray();
        HasMiniBatches = discovered.HasMiniBatches;
        Dimension = Latents.Sum(l => l.UnconstrainedSize);
    }

    /// <summary>The latent variables in declaration order (their order in the packed vector).</summary>
    public IReadOnlyList<LatentVariable> Latents { get; }

    /// <summary>The observed variables in declaration order.</summary>
    public IReadOnlyList<ObservedVariable> Observed { get; }

    /// <summary>The names of the extra log-density factors.</summary>
    public IReadOnlyList<string> Factors { get; }

    /// <summary>The dimension d of the packed unconstrained vector.</summary>
    public int Dimension { get; }

    /// <summary>True when a subsample visits its data in mini-batches smaller than the data set.</summary>
    public bool HasMiniBatches { get; }

    internal IReadOnlyList<bool> ObservedHasDraws { get; }

    /// <summary>
    /// Defines a model: runs <paramref name="body"/> once with one draw to discover its variables (names, shapes,
    /// supports) in declaration order, checking names, shapes and data supports.
    /// </summary>
    /// <param name="body">The model, run once now and once per evaluation later; it must declare the same variables each time.</param>
    /// <exception cref="ModelException">A variable is declared twice, data are outside a likelihood's support, or shapes do not fit.</exception>
    public static Model Define(Action<ModelContext> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var context = new ModelContext(null, ModelRunMode.Discover, 1, null, null, null);
        body(context);
        if (context.DiscoveredLatents.Count == 0)
        {
            throw new ArgumentException("The model declares no latent variable: there is nothing to infer.", nameof(body));
        }

        return new Model(body, context);
    }

    /// <summary>The latent variable called <paramref name="name"/>.</summary>
    /// <exception cref="ModelException">No latent variable has that name.</exception>
    public LatentVariable GetLatent(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return Latents.FirstOrDefault(l => l.Name == name)
            ?? throw new ModelException(name, $"the model has no latent variable of that name; it has {string.Join(", ", Latents.Select(l => l.Name))}.");
    }

    /// <summary>
    /// The joint log-density in the unconstrained space, log p(data, T(z)) + log |det ∂T/∂z|, for packed draws z of
    /// shape [n, d], returning shape [n]; differentiable in z. A draw where the log-density is -∞ (or NaN) gets -∞
    /// with no gradient, so it never turns the ELBO's gradient into NaN.
    /// </summary>
    /// <param name="z">The packed unconstrained draws, [n, <see cref="Dimension"/>].</param>
    /// <param name="subsampleRandom">When given, subsamples draw random mini-batches from it (a stochastic estimate); when null, all data are used.</param>
    public Tensor UnconstrainedLogDensity(Tensor z, RandomStream? subsampleRandom = null)
    {
        RequirePacked(z, nameof(z));
        var logDensity = Run(ModelRunMode.Unconstrained, z.Shape[0], z, null, subsampleRandom).Total();
        return ExcludeNonFinite(logDensity, z, subsampleRandom);
    }

    /// <summary>
    /// The joint log-density in the constrained space, log p(data, x), for values of every latent variable given by
    /// name, each of shape [n, ...shape] (a scalar as [n] or [n, 1]); returns shape [n].
    /// </summary>
    /// <exception cref="ModelException">A value is missing, has the wrong shape, or names no latent variable.</exception>
    public Tensor LogDensity(IReadOnlyDictionary<string, Tensor> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        RequireKnownNames(values);
        int n = DrawCountOf(values);
        return Run(ModelRunMode.Constrained, n, null, values, null).Total();
    }

    /// <summary>The constrained value of each latent variable at packed unconstrained draws z [n, d]: name → [n, ...shape].</summary>
    public IReadOnlyDictionary<string, Tensor> Constrain(Tensor z)
    {
        RequirePacked(z, nameof(z));
        return Run(ModelRunMode.Capture, z.Shape[0], z, null, null).LatentValues;
    }

    /// <summary>
    /// The packed unconstrained point [d] where a fit starts: the given constrained values (by name, each of the
    /// variable's shape) mapped through the inverse bijectors, and the image of 0 for the others.
    /// </summary>
    /// <exception cref="ModelException">A name is unknown, a value has the wrong shape or is outside its variable's support.</exception>
    public Tensor InitialPoint(IReadOnlyDictionary<string, Tensor>? initialValues = null)
    {
        if (initialValues is not null)
        {
            RequireKnownNames(initialValues);
        }

        using var scope = Tensor.NoGrad();
        var context = Run(ModelRunMode.Initialize, 1, null, initialValues, null);
        return ShapeOps.Concat(0, [.. context.UnconstrainedValues.Select(u => u.Reshape(u.Length))]);
    }

    /// <summary>Draws of every observed variable at packed unconstrained draws z [n, d] of the latent ones: name → [n, ...dataShape].</summary>
    public IReadOnlyDictionary<string, Tensor> PredictiveDraws(Tensor z, RandomStream random)
    {
        RequirePacked(z, nameof(z));
        ArgumentNullException.ThrowIfNull(random);
        using var scope = Tensor.NoGrad();
        return Run(ModelRunMode.Predict, z.Shape[0], z, null, random).Predictions;
    }

    /// <summary>
    /// Fits a posterior over the packed unconstrained vector: by default with <see cref="AutomaticFit.Fit"/>; with
    /// Pathfinder or the Laplace approximation; or by maximising the ELBO (<see cref="VariationalInference"/>.Fit) over a
    /// normal family, a point mass or a custom surrogate, starting at <see cref="InitialPoint"/> (see <see cref="SurrogateFamily"/>).
    /// </summary>
    /// <param name="options">Surrogate family, optimiser, steps, samples, seed and initial values (defaults when null).</param>
    /// <exception cref="InvalidOperationException">The automatic, Pathfinder or Laplace fit could not produce an approximation (the message says why).</exception>
    public ModelFit Fit(ModelFitOptions? options = null)
    {
        options ??= new ModelFitOptions();
        options.Validate(nameof(options));
        var init = InitialPoint(options.InitialValues);
        if (ModelFitAlgorithms.TryFitWithoutSteps(this, options, init) is { } direct)
        {
            return direct;
        }

        SurrogatePosterior surrogate;
        switch (options.Surrogate)
        {
            case SurrogateFamily.Custom:
                surrogate = ModelFitAlgorithms.RequireDimension(options.CustomSurrogate!, Dimension, nameof(options));
                break;
            case SurrogateFamily.MeanField:
                var meanField = new MeanFieldNormal(Dimension, 0, options.InitialScale);
                meanField.Loc.Assign(init);
                surrogate = meanField;
                break;
            case SurrogateFamily.FullRank:
                var fullRank = new FullRankNormal(Dimension, 0, options.InitialScale);
                fullRank.Loc.Assign(init);
                surrogate = fullRank;
                break;
            case SurrogateFamily.LowRank:
                var lowRank = new LowRankNormal(Dimension, Math.Min(options.Rank, Dimension), 0, options.InitialScale);
                lowRank.Loc.Assign(init);
                surrogate = lowRank;
                break;
            default:
                var point = new PointMassSurrogate(Dimension);
                point.Loc.Assign(init);
                surrogate = point;
                break;
        }

        // Mini-batches come from their own stream, so the surrogate's samples are those of a full-data fit with the same seed.
        var subsampleRandom = HasMiniBatches ? new RandomStream(unchecked(options.Seed + 0x9E3779B97F4A7C15UL)) : null;
        var minimize = new MinimizeOptions(options.Optimizer ?? Optimizers.Adam(options.LearningRate))
        {
            MaxSteps = options.Steps,
            TraceEvery = 0,
            Callback = options.Callback,
            ReuseIntermediates = options.ReuseIntermediates,
        };
        int samples = options.Surrogate == SurrogateFamily.PointMass ? 1 : options.SampleCount;
        var fit = VariationalInference.Fit(
            z => UnconstrainedLogDensity(z, subsampleRandom), surrogate, minimize, samples, options.Seed, options.Gradient, options.MaxGradientNorm);
        return new ModelFit(this, fit, surrogate);
    }

    private ModelContext Run(ModelRunMode mode, int n, Tensor? z, IReadOnlyDictionary<string, Tensor>? values, RandomStream? random)
    {
        var context = new ModelContext(this, mode, n, z, values, random);
        body(context);
        context.RequireComplete();
        return context;
    }

    /// <summary>
    /// Gives -∞ and no gradient to the draws whose log-density is -∞ or NaN: their graph may hold ∞ · 0 = NaN in its
    /// backward pass, so the finite draws are evaluated again on their own and the others are joined as constants.
    /// </summary>
    private Tensor ExcludeNonFinite(Tensor logDensity, Tensor z, RandomStream? subsampleRandom)
    {
        foreach (double x in logDensity.Values)
        {
            if (double.IsNaN(x) || double.IsNegativeInfinity(x))
            {
                return WithoutNonFinite(logDensity, z, subsampleRandom);
            }
        }

        return logDensity;
    }

    private Tensor WithoutNonFinite(Tensor logDensity, Tensor z, RandomStream? subsampleRandom)
    {
        var v = logDensity.ToArray();

        var finite = Enumerable.Range(0, v.Length).Where(i => !double.IsNaN(v[i]) && !double.IsNegativeInfinity(v[i])).ToArray();
        var minusInfinity = Tensor.Full(double.NegativeInfinity, 1);
        if (!logDensity.RequiresGrad)
        {
            return Tensor.FromArray(v.Select(x => double.IsNaN(x) ? double.NegativeInfinity : x).ToArray(), [v.Length]);
        }

        if (finite.Length == 0)
        {
            // Still a function of z (with a zero gradient), so a caller may differentiate it.
            return (z.Sum(1) * 0.0) + Tensor.Full(double.NegativeInfinity, v.Length);
        }

        var kept = Run(ModelRunMode.Unconstrained, finite.Length, z.IndexSelect(0, finite), null, subsampleRandom).Total();
        var map = new int[v.Length];
        int next = 0;
        for (int i = 0; i < v.Length; i++)
        {
            map[i] = next < finite.Length && finite[next] == i ? next++ : finite.Length;
        }

        return ShapeOps.Concat(0, kept, minusInfinity).IndexSelect(0, map);
    }

    private void RequirePacked(Tensor z, string paramName)
    {
        ArgumentNullException.ThrowIfNull(z, paramName);
        if (z.Rank != 2 || z.Shape[1] != Dimension)
        {
            throw new ArgumentException($"Packed unconstrained draws must have shape [n, {Dimension}], got {Shapes.Format(z.Shape.AsSpan())}.", paramName);
        }
    }

    private void RequireKnownNames(IReadOnlyDictionary<string, Tensor> values)
    {
        foreach (var name in values.Keys)
        {
            _ = GetLatent(name);
        }
    }

    private int DrawCountOf(IReadOnlyDictionary<string, Tensor> values)
    {
        var first = Latents[0];
        if (!values.TryGetValue(first.Name, out var value))
        {
            throw new ModelException(first.Name, "no value was given for it.");
        }

        bool hasDraws = first.Shape.Length == 0 ? value.Rank >= 1 : value.Rank == first.Shape.Length + 1;
        return hasDraws ? value.Shape[0] : 1;
    }
}
