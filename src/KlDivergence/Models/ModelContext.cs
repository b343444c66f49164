using System.Collections.Immutable;
using System.Globalization;
using KlDivergence.Bijectors;
using KlDivergence.Constraints;
using KlDivergence.Distributions;
using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Models;

/// <summary>
/// What a model's body is run against (see <see cref="Model.Define"/>): it declares latent variables, binds observed
/// variables to data and adds log-density factors. The first run discovers the variables in declaration order;
/// each later run evaluates a batch of <see cref="DrawCount"/> draws.
/// </summary>
/// <remarks>
/// Shapes: the value of a latent variable of shape s is a tensor of shape [n, ...s] with the draw dimension first;
/// a scalar latent variable is [n, 1], so it broadcasts against a data vector of length N to [n, N]. Every
/// log-density term is summed over everything but the draw dimension.
/// </remarks>
public sealed class ModelContext
{
    private readonly Model? model;
    private readonly ModelRunMode mode;
    private readonly Tensor? packed;
    private readonly IReadOnlyDictionary<string, Tensor>? values;
    private readonly RandomStream? random;
    private readonly HashSet<string>? names;
    private Tensor? total;
    private int latentIndex;
    private int observedIndex;
    private int offset;

    internal ModelContext(Model? model, ModelRunMode mode, int drawCount, Tensor? packed, IReadOnlyDictionary<string, Tensor>? values, RandomStream? random)
    {
        this.model = model;
        this.mode = mode;
        DrawCount = drawCount;
        this.packed = packed;
        this.values = values;
        this.random = random;
        if (mode == ModelRunMode.Discover)
        {
            names = new HashSet<string>(StringComparer.Ordinal);
        }
    }

    /// <summary>The number of draws n evaluated by this run (the leading dimension of every latent value).</summary>
    public int DrawCount { get; }

    internal List<LatentVariable> DiscoveredLatents => field ??= [];

    internal List<ObservedVariable> DiscoveredObserved => field ??= [];

    internal List<bool> ObservedHasDraws => field ??= [];

    internal List<string> DiscoveredFactors => field ??= [];

    internal bool HasMiniBatches { get; private set; }

    /// <summary>True when this run adds up the log-density.</summary>
    private bool Evaluates => mode is ModelRunMode.Unconstrained or ModelRunMode.Constrained;

    /// <summary>The constrained value of each latent variable, [n, ...shape] (filled when capturing).</summary>
    internal Dictionary<string, Tensor> LatentValues => field ??= new(StringComparer.Ordinal);

    /// <summary>The unconstrained value of each latent variable, [n, ...unconstrainedShape] (filled when initialising).</summary>
    internal List<Tensor> UnconstrainedValues => field ??= [];

    /// <summary>A draw of each observed variable, [n, ...dataShape] (filled when predicting).</summary>
    internal Dictionary<string, Tensor> Predictions => field ??= new(StringComparer.Ordinal);

    /// <summary>
    /// Declares a latent variable with a prior and returns its value, shape [n, ...shape] ([n, 1] for a scalar),
    /// in the prior's support. The prior may be built from variables declared before it.
    /// </summary>
    /// <param name="name">The variable's name, unique in the model.</param>
    /// <param name="prior">The prior, of any family; its support decides the bijector from the unconstrained space.</param>
    /// <param name="shape">
    /// The shape of one draw. Null: the prior's batch and event shape (without the draw dimension when the prior is
    /// built from other latent variables). Given: the prior broadcasts to it (e.g. <c>new Normal(0, 1)</c> with shape [8]).
    /// </param>
    /// <param name="support">
    /// Restricts the variable to a subset of the prior's support, as a Stan declaration such as <c>ordered[2]</c>
    /// does (the prior's density is then used unnormalised on that set). Null: the prior's support.
    /// </param>
    /// <param name="bijector">Overrides the default bijector of the support (it must map ℝᵏ onto that support).</param>
    /// <exception cref="ModelException">The name is taken, the prior does not fit the shape, or the prior is discrete.</exception>
    public Tensor Latent(string name, Distribution prior, int[]? shape = null, Constraint? support = null, Bijector? bijector = null)
    {
        ArgumentNullException.ThrowIfNull(prior);
        return LatentCore(name, prior, support ?? prior.SupportConstraint, shape, bijector);
    }

    /// <summary>
    /// Declares a latent variable with an improper flat prior on <paramref name="support"/> (a Stan parameter with no
    /// sampling statement): it adds no prior term, only the Jacobian in the unconstrained space. Returns its value,
    /// shape [n, ...shape] ([n, 1] for a scalar).
    /// </summary>
    /// <param name="name">The variable's name, unique in the model.</param>
    /// <param name="support">The set the variable lives in, e.g. <see cref="Constraint.Real"/> or <see cref="Constraint.Positive"/>.</param>
    /// <param name="shape">The shape of one draw (a scalar when null).</param>
    /// <param name="bijector">Overrides the default bijector of the support.</param>
    /// <exception cref="ModelException">The name is taken or the support is discrete.</exception>
    public Tensor Flat(string name, Constraint support, int[]? shape = null, Bijector? bijector = null)
    {
        ArgumentNullException.ThrowIfNull(support);
        return LatentCore(name, null, support, shape ?? [], bijector);
    }

    private Tensor LatentCore(string name, Distribution? prior, Constraint support, int[]? shape, Bijector? bijector)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (mode == ModelRunMode.Discover)
        {
            return DiscoverLatent(name, prior, support, shape, bijector);
        }

        var latent = NextLatent(name);
        var b = bijector ?? ModelSupport.DefaultBijector(support, name);
        Tensor value;
        switch (mode)
        {
            case ModelRunMode.Initialize:
                value = InitialValue(latent, support, b);
                break;
            case ModelRunMode.Constrained:
                value = GivenValue(latent);
                break;
            default:
                var u = packed!.Shape[1] == latent.UnconstrainedSize ? packed : packed.Narrow(1, latent.Offset, latent.UnconstrainedSize);
                int[] drawShape = DrawShape(latent.UnconstrainedShape);
                if (!Shapes.Equal(u.Shape.AsSpan(), drawShape))
                {
                    u = u.Reshape(drawShape);
                }

                value = b.Forward(u);
                if (mode == ModelRunMode.Unconstrained)
                {
                    Add(SumToDraws(b.ForwardLogDetJacobian(u), name));
                }

                break;
        }

        if (Evaluates)
        {
            if (prior is not null)
            {
                Add(SumToDraws(prior.LogProb(value), name));
            }
        }
        else if (mode != ModelRunMode.Initialize)
        {
            LatentValues[name] = latent.Shape.Length == 0 ? value.Reshape(DrawCount) : value;
        }

        return value;
    }

    /// <summary>
    /// Binds an observed variable to data: adds log p(data | latent values), summed over the data (scaled by
    /// <see cref="Subsample.Scale"/> when <paramref name="subsample"/> is given).
    /// </summary>
    /// <param name="name">The variable's name, unique in the model.</param>
    /// <param name="likelihood">The likelihood, usually built from latent values (batch [n, ...]).</param>
    /// <param name="data">The data (the rows of this run when subsampled: <see cref="Subsample.Select"/>).</param>
    /// <param name="subsample">The subsample the data's rows come from, or null for all of them.</param>
    /// <exception cref="ModelException">The name is taken, the data are outside the likelihood's support, or the shapes do not fit.</exception>
    public void Observe(string name, Distribution likelihood, Tensor data, Subsample? subsample = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(likelihood);
        ArgumentNullException.ThrowIfNull(data);
        bool hasDraws;
        if (mode == ModelRunMode.Discover)
        {
            Claim(name);
            try
            {
                hasDraws = likelihood.LogProb(data.Detach()).RequiresGrad;
            }
            catch (ArgumentException e) when (e is not ModelException)
            {
                int[] full = [.. likelihood.BatchShapeArray, .. likelihood.EventShapeArray];
                int[] perDraw = full.Length > data.Rank ? full[1..] : full;
                throw new ModelException(name, $"the likelihood {likelihood.FamilyName} has shape {Shapes.Format(perDraw)} per draw but the data have shape {Shapes.Format(data.Shape.AsSpan())}: {e.Message}", e);
            }

            ModelSupport.RequireInSupport(likelihood, data, name, hasDraws);

            CheckObservedShape(name, likelihood, data, hasDraws);
            DiscoveredObserved.Add(new ObservedVariable(name, ImmutableArray.Create(data.Shape.AsSpan()), likelihood.FamilyName));
            ObservedHasDraws.Add(hasDraws);
        }
        else
        {
            var observed = model!.Observed.Count > observedIndex ? model.Observed[observedIndex] : null;
            if (observed is null || observed.Name != name)
            {
                throw StructureChanged(name);
            }

            hasDraws = model.ObservedHasDraws[observedIndex];
            observedIndex++;
        }

        if (mode == ModelRunMode.Predict)
        {
            Predictions[name] = Predict(likelihood, data, hasDraws);
            return;
        }

        if (!Evaluates)
        {
            return;
        }

        var logLik = likelihood.LogProb(data);
        logLik = hasDraws ? SumToDraws(logLik, name) : logLik.Sum();
        Add(subsample is null || subsample.Scale == 1.0 ? logLik : logLik * subsample.Scale);
    }

    /// <summary>
    /// Adds an extra term to the log-density (a log-mix, a prior on a transformed quantity, a Jacobian the user
    /// owes). The term has the draw dimension first ([n] or [n, ...], summed over the rest) or is a constant scalar.
    /// </summary>
    /// <param name="name">The factor's name, unique in the model.</param>
    /// <param name="logDensity">The term.</param>
    /// <exception cref="ModelException">The name is taken or the term's leading dimension is not the draw count.</exception>
    public void Factor(string name, Tensor logDensity)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(logDensity);
        if (mode == ModelRunMode.Discover)
        {
            Claim(name);
            DiscoveredFactors.Add(name);
        }

        if (Evaluates || mode == ModelRunMode.Discover)
        {
            Add(SumToDraws(logDensity, name));
        }
    }

    /// <summary>
    /// Declares a data set of <paramref name="size"/> rows that a stochastic fit visits in random mini-batches of
    /// <paramref name="batchSize"/> rows (without replacement). Every other evaluation uses all rows. Select the
    /// rows of each data tensor with <see cref="Subsample.Select"/> and pass the subsample to <see cref="Observe"/>,
    /// which scales the log-likelihood by size / batch size.
    /// </summary>
    /// <param name="name">The subsample's name, unique in the model.</param>
    /// <param name="size">The number of rows N.</param>
    /// <param name="batchSize">The rows per mini-batch, 1 to N.</param>
    /// <exception cref="ModelException">The name is taken or the sizes are invalid.</exception>
    public Subsample Subsample(string name, int size, int batchSize)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (mode == ModelRunMode.Discover)
        {
            Claim(name);
            if (size < 1 || batchSize < 1 || batchSize > size)
            {
                throw new ModelException(name, $"the batch size must be between 1 and the size; got size {size}, batch size {batchSize}.");
            }

            HasMiniBatches |= batchSize < size;
        }

        if (random is null || batchSize >= size || mode != ModelRunMode.Unconstrained)
        {
            return new Subsample(name, size, null);
        }

        // A partial Fisher-Yates shuffle: the first batchSize entries are a uniform draw without replacement.
        var pool = new int[size];
        for (int i = 0; i < size; i++)
        {
            pool[i] = i;
        }

        for (int i = 0; i < batchSize; i++)
        {
            int j = i + random.NextInt(size - i);
            (pool[i], pool[j]) = (pool[j], pool[i]);
        }

        return new Subsample(name, size, pool[..batchSize]);
    }

    /// <summary>The accumulated log-density, shape [n].</summary>
    internal Tensor Total()
    {
        if (total is null)
        {
            return Tensor.Zeros(DrawCount);
        }

        return total.Rank == 0 ? total + Tensor.Zeros(DrawCount) : total;
    }

    /// <summary>Checks that the body declared as many latent variables as the first run did.</summary>
    internal void RequireComplete()
    {
        if (model is not null && latentIndex != model.Latents.Count)
        {
            throw new InvalidOperationException(
                $"The model declared {latentIndex} latent variables in this run but {model.Latents.Count} in its first run: the body must declare the same variables every time.");
        }
    }

    private Tensor Predict(Distribution likelihood, Tensor data, bool hasDraws)
    {
        // A likelihood built from the draws gives one replicate per draw; a constant one is sampled n times.
        var draws = hasDraws ? likelihood.Sample(1, random!).Squeeze(0) : likelihood.Sample(DrawCount, random!);
        return draws.BroadcastTo([DrawCount, .. data.Shape]);
    }

    private Tensor DiscoverLatent(string name, Distribution? prior, Constraint support, int[]? shape, Bijector? bijector)
    {
        Claim(name);
        int[] full = prior is null ? [] : [.. prior.BatchShapeArray, .. prior.EventShapeArray];
        bool dependent = prior is not null && DiscoveredLatents.Count > 0 && ModelSupport.DependsOnGraph(prior);
        string family = prior?.FamilyName ?? "Flat";
        int[] perDraw = dependent && full.Length > 0 ? full[1..] : full;
        int[] resolved;
        if (shape is null)
        {
            resolved = dependent && perDraw.Length == 1 && perDraw[0] == 1 ? [] : perDraw;
        }
        else
        {
            resolved = (int[])shape.Clone();
            int[] target = resolved.Length == 0 ? [1] : resolved;
            if (!Shapes.CanBroadcast(perDraw, target) || !Shapes.Equal(Shapes.Broadcast(perDraw, target), target))
            {
                throw new ModelException(name, $"the prior {family} has shape {Shapes.Format(perDraw)} per draw, which does not broadcast to the declared shape {Shapes.Format(resolved)}.");
            }
        }

        var b = bijector ?? ModelSupport.DefaultBijector(support, name);
        int[] unconstrained = b.InverseShape(resolved);
        var latent = new LatentVariable(
            name, ImmutableArray.Create(resolved), ImmutableArray.Create(unconstrained), offset, family, b.Name);
        offset += latent.UnconstrainedSize;
        DiscoveredLatents.Add(latent);

        // The first run evaluates one draw at the origin of the unconstrained space, through the graph so that
        // later declarations can tell whether their distributions are built from this value.
        var u = Tensor.Zeros(DrawShape(latent.UnconstrainedShape)).RequireGrad();
        var value = b.Forward(u);
        if (!Shapes.Equal(value.Shape.AsSpan(), DrawShape(latent.Shape)))
        {
            throw new ModelException(name, $"the bijector {b.Name} maps the unconstrained shape {Shapes.Format(unconstrained)} to {Shapes.Format(value.Shape.AsSpan()[1..])}, not to the variable's shape {Shapes.Format(resolved)}.");
        }

        try
        {
            if (prior is not null)
            {
                Add(SumToDraws(prior.LogProb(value), name));
            }
        }
        catch (ArgumentException e) when (e is not ModelException)
        {
            throw new ModelException(name, $"the prior {family} cannot be evaluated at a value of shape {Shapes.Format(resolved)}: {e.Message}", e);
        }

        return value;
    }

    private Tensor InitialValue(LatentVariable latent, Constraint support, Bijector b)
    {
        Tensor value;
        if (values is not null && values.TryGetValue(latent.Name, out var given))
        {
            value = ModelSupport.AsDraws(given, latent, DrawCount);
            ModelSupport.RequireInSupport(support, value, given, latent.Name);

            Tensor u;
            try
            {
                u = b.Inverse(value);
            }
            catch (ArgumentException e)
            {
                throw new ModelException(latent.Name, $"the initial value {ModelSupport.Format(given)} is outside the support of the bijector {b.Name}: {e.Message}", e);
            }

            if (u.ToArray().Any(v => !double.IsFinite(v)))
            {
                throw new ModelException(latent.Name, $"the initial value {ModelSupport.Format(given)} is on the boundary of its support (bijector {b.Name}).");
            }

            UnconstrainedValues.Add(u);
        }
        else
        {
            var u = Tensor.Zeros(DrawShape(latent.UnconstrainedShape));
            value = b.Forward(u);
            UnconstrainedValues.Add(u);
        }

        return value;
    }

    private Tensor GivenValue(LatentVariable latent)
    {
        if (values is null || !values.TryGetValue(latent.Name, out var given))
        {
            throw new ModelException(latent.Name, $"no value was given for it; the model's latent variables are {string.Join(", ", model!.Latents.Select(l => l.Name))}.");
        }

        return ModelSupport.AsDraws(given, latent, DrawCount);
    }

    private LatentVariable NextLatent(string name)
    {
        if (latentIndex >= model!.Latents.Count || model.Latents[latentIndex].Name != name)
        {
            throw StructureChanged(name);
        }

        return model.Latents[latentIndex++];
    }

    private InvalidOperationException StructureChanged(string name) =>
        new($"The model body declared '{name}' where its first run declared something else: the body must declare the same variables in the same order every time.");

    private void Claim(string name)
    {
        if (!names!.Add(name))
        {
            throw new ModelException(name, "it is declared twice; every latent variable, observed variable, factor and subsample needs its own name.");
        }
    }

    private void CheckObservedShape(string name, Distribution likelihood, Tensor data, bool hasDraws)
    {
        int[] full = [.. likelihood.BatchShapeArray, .. likelihood.EventShapeArray];
        int[] perDraw = hasDraws && full.Length > 0 ? full[1..] : full;
        int[] dataShape = [.. data.Shape];
        if (!Shapes.CanBroadcast(perDraw, dataShape) || Shapes.Size(Shapes.Broadcast(perDraw, dataShape)) != Shapes.Size(dataShape))
        {
            throw new ModelException(name, $"the likelihood {likelihood.FamilyName} has shape {Shapes.Format(perDraw)} per draw but the data have shape {Shapes.Format(dataShape)}.");
        }
    }

    private int[] DrawShape(ImmutableArray<int> shape) => shape.Length == 0 ? [DrawCount, 1] : [DrawCount, .. shape];

    private Tensor SumToDraws(Tensor logDensity, string name)
    {
        if (logDensity.Rank == 0)
        {
            return logDensity;
        }

        if (logDensity.Shape[0] != DrawCount)
        {
            throw new ModelException(name, $"its log-density has shape {Shapes.Format(logDensity.Shape.AsSpan())}, whose leading dimension is not the draw count {DrawCount}.");
        }

        // One reduction over a [n, rest] view: cheaper than a multi-axis sum.
        return logDensity.Rank switch
        {
            1 => logDensity,
            2 => logDensity.Sum(1),
            _ => logDensity.Reshape(DrawCount, logDensity.Length / DrawCount).Sum(1),
        };
    }

    private void Add(Tensor term) => total = total is null ? term : total + term;
}
