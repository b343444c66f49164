using KlDivergence.Diagnostics;
using System.Collections.Immutable;
using System.Runtime.InteropServices;
using KlDivergence.Constraints;
using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Distributions;

/// <summary>
/// A batch of probability distributions over events of a fixed shape, with differentiable log-densities.
/// Shapes follow PyTorch and TensorFlow Probability: a sample has shape [count, ...BatchShape, ...EventShape];
/// <see cref="LogProb"/> of a value of shape [..., ...EventShape] has the broadcast batch shape.
/// </summary>
public abstract class Distribution
{
    /// <summary>Creates a distribution with the given batch and event shapes.</summary>
    protected Distribution(int[] batchShape, int[] eventShape)
    {
        ArgumentNullException.ThrowIfNull(batchShape);
        ArgumentNullException.ThrowIfNull(eventShape);
        BatchShapeArray = batchShape;
        EventShapeArray = eventShape;
    }

    /// <summary>The shape of the batch of independent (not identically distributed) distributions.</summary>
    public ImmutableArray<int> BatchShape => ImmutableCollectionsMarshal.AsImmutableArray(BatchShapeArray);

    /// <summary>The shape of one event (empty for univariate distributions).</summary>
    public ImmutableArray<int> EventShape => ImmutableCollectionsMarshal.AsImmutableArray(EventShapeArray);

    /// <summary>The name of the family, as used in messages and by the <c>kl</c> tool.</summary>
    public virtual string FamilyName => GetType().Name;

    /// <summary>True when <see cref="ReparameterizedSample"/> is available (samples differentiable in the parameters).</summary>
    public virtual bool HasReparameterizedSample => false;

    /// <summary>The set of values with positive density or mass.</summary>
    public virtual Support Support => Support.RealLine;

    /// <summary>
    /// The support as a <see cref="Constraint"/>: it checks values (naming the first one outside) and gives the
    /// default bijector from an unconstrained space onto the support, as a model needs for a latent variable drawn
    /// from this distribution. Its <see cref="Constraint.EventRank"/> is the rank of <see cref="EventShape"/>.
    /// The default is derived from <see cref="Support"/> (discrete → integer interval; continuous → real line,
    /// [lower, ∞), (-∞, upper] or [lower, upper], bounds used as they are), reinterpreted over the event dimensions;
    /// families whose events are structured (simplex, one-hot, counts) or whose bounds are parameters that must
    /// keep their gradients (Uniform, Pareto) override it.
    /// </summary>
    /// <exception cref="NotSupportedException">The support's bounds are finite for some batch elements and infinite for others.</exception>
    public virtual Constraint SupportConstraint => SupportConstraints.FromSupport(Support, EventShapeArray.Length, FamilyName);

    /// <summary>
    /// The family's measure, the tight bounds of its mass and its tails (<see cref="TailProfile"/>), which let the KL
    /// layer declare a divergence +∞ by a rule before estimating it. Null (the default) when unknown: no rule then
    /// applies. Override it only with statements that hold for every parameter value of the instance.
    /// </summary>
    public virtual TailProfile? Tails => null;

    /// <summary>The mean, of shape [...BatchShape, ...EventShape].</summary>
    public abstract Tensor Mean { get; }

    /// <summary>The variance (element-wise for multivariate families), of shape [...BatchShape, ...EventShape].</summary>
    public abstract Tensor Variance { get; }

    /// <summary>The standard deviation, √<see cref="Variance"/>.</summary>
    public Tensor StandardDeviation => Variance.Sqrt();

    internal int[] BatchShapeArray { get; }

    internal int[] EventShapeArray { get; }

    /// <summary>
    /// Draws <paramref name="count"/> samples, shape [count, ...BatchShape, ...EventShape], with no gradient.
    /// The same stream state gives bit-identical samples.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is not positive.</exception>
    public Tensor Sample(int count, RandomStream random)
    {
        CheckSampleCount(count);
        ArgumentNullException.ThrowIfNull(random);
        using var scope = Tensor.NoGrad();
        return SampleCore(count, random);
    }

    /// <summary>
    /// Draws <paramref name="count"/> reparameterised samples: a differentiable function of the parameters and
    /// of parameter-free noise (e.g. loc + scale · ε), so gradients of a Monte Carlo loss reach the parameters.
    /// </summary>
    /// <exception cref="NotSupportedException">The family has no reparameterised sampler.</exception>
    public Tensor ReparameterizedSample(int count, RandomStream random)
    {
        CheckSampleCount(count);
        ArgumentNullException.ThrowIfNull(random);
        if (!HasReparameterizedSample)
        {
            throw new NotSupportedException($"{FamilyName} has no reparameterised sampler; use Sample (no gradient) or a score-function estimator.");
        }

        return SampleCore(count, random);
    }

    /// <summary>
    /// The log-density (or log-mass) at <paramref name="value"/>, differentiable in the parameters and in the
    /// value; -∞ outside the support, never NaN for a valid value.
    /// </summary>
    public abstract Tensor LogProb(Tensor value);

    /// <summary>
    /// The log-density of each value written straight into a span: <paramref name="values"/> holds m events laid out
    /// as a tensor [m, ...BatchShape, ...EventShape] in row-major order and <paramref name="result"/> receives
    /// [m, ...BatchShape], the same numbers <see cref="LogProb"/> gives, with no gradient. A family may make it fast
    /// by overriding <see cref="LogProbIntoCore"/>; Monte Carlo estimates and mixtures call it.
    /// </summary>
    /// <exception cref="ArgumentException">The span lengths do not fit the batch and event shapes.</exception>
    public void LogProbInto(ReadOnlySpan<double> values, Span<double> result)
    {
        int m = EventCount(values.Length, Shapes.Size(BatchShapeArray) * Shapes.Size(EventShapeArray), nameof(values));
        if (result.Length != m * Shapes.Size(BatchShapeArray))
        {
            throw new ArgumentException(
                $"{m} events of {FamilyName} (batch shape {Shapes.Format(BatchShapeArray)}) have {m * Shapes.Size(BatchShapeArray)} log-densities, the result span holds {result.Length}.", nameof(result));
        }

        LogProbIntoCore(values, result);
    }

    /// <summary>
    /// Fills <paramref name="destination"/> with independent draws laid out [m, ...BatchShape, ...EventShape] (m from
    /// its length), consuming the stream exactly as <see cref="Sample"/>(m) does, so both give the same values.
    /// A family may make it fast by overriding <see cref="SampleIntoCore"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The span's length is not a positive multiple of one sample's size.</exception>
    public void SampleInto(RandomStream random, Span<double> destination)
    {
        ArgumentNullException.ThrowIfNull(random);
        int m = EventCount(destination.Length, Shapes.Size(BatchShapeArray) * Shapes.Size(EventShapeArray), nameof(destination));
        CheckSampleCount(m);
        SampleIntoCore(random, destination);
    }

    /// <summary>
    /// log Σₖ exp(logWeights[k] + log pₖ(value)) where the components pₖ run along this distribution's last batch
    /// axis (what <see cref="MixtureSameFamily"/> asks its components for), differentiable. The general form
    /// inserts the component axis into the value; a family may fuse it.
    /// </summary>
    public virtual Tensor MixtureLogProb(Tensor value, Tensor logWeights)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(logWeights);
        var componentLogProb = LogProb(value.Unsqueeze(-(EventShapeArray.Length + 1)));
        return MixtureMath.WeightedLogSumExp(componentLogProb, logWeights);
    }

    /// <summary>
    /// <see cref="MixtureLogProb"/> for a batch of K components (batch shape [K]) written into a span, with no
    /// gradient: <paramref name="values"/> holds m events [m, ...EventShape], <paramref name="result"/> m values.
    /// </summary>
    /// <exception cref="ArgumentException">The span lengths do not fit the event shape.</exception>
    internal void MixtureLogProbInto(ReadOnlySpan<double> values, Tensor logWeights, Span<double> result)
    {
        ArgumentNullException.ThrowIfNull(logWeights);
        int m = EventCount(values.Length, Shapes.Size(EventShapeArray), nameof(values));
        if (result.Length != m)
        {
            throw new ArgumentException($"{m} events have {m} mixture log-densities, the result span holds {result.Length}.", nameof(result));
        }

        MixtureLogProbIntoCore(values, logWeights, result);
    }

    /// <summary>What <see cref="LogProbInto"/> computes; by default <see cref="LogProb"/> on a tensor copy of the values.</summary>
    protected virtual void LogProbIntoCore(ReadOnlySpan<double> values, Span<double> result)
    {
        int m = values.Length / (Shapes.Size(BatchShapeArray) * Shapes.Size(EventShapeArray));
        using var scope = Tensor.NoGrad();
        var logProb = LogProb(Tensor.FromArray(values, SampleShape(m)));
        logProb.Values.CopyTo(result);
    }

    /// <summary>What <see cref="SampleInto"/> computes; by default <see cref="Sample"/> copied into the span.</summary>
    protected virtual void SampleIntoCore(RandomStream random, Span<double> destination)
    {
        int m = destination.Length / (Shapes.Size(BatchShapeArray) * Shapes.Size(EventShapeArray));
        Sample(m, random).Values.CopyTo(destination);
    }

    /// <summary>What <see cref="MixtureLogProbInto"/> computes; by default <see cref="MixtureLogProb"/> on a tensor copy.</summary>
    private protected virtual void MixtureLogProbIntoCore(ReadOnlySpan<double> values, Tensor logWeights, Span<double> result)
    {
        int m = values.Length / Shapes.Size(EventShapeArray);
        using var scope = Tensor.NoGrad();
        var logProb = MixtureLogProb(Tensor.FromArray(values, [m, .. EventShapeArray]), logWeights);
        logProb.Values.CopyTo(result);
    }

    /// <summary>How many events of <paramref name="perEvent"/> values a span of <paramref name="length"/> holds, else an error.</summary>
    private int EventCount(int length, int perEvent, string parameter)
    {
        if (perEvent == 0 || length % perEvent != 0 || length == 0)
        {
            throw new ArgumentException(
                $"{FamilyName} (batch shape {Shapes.Format(BatchShapeArray)}, event shape {Shapes.Format(EventShapeArray)}) takes spans of a positive multiple of {perEvent} values, got {length}.", parameter);
        }

        return length / perEvent;
    }

    /// <summary>The density (or mass) at <paramref name="value"/>: exp(<see cref="LogProb"/>).</summary>
    public Tensor Prob(Tensor value) => LogProb(value).Exp();

    /// <summary>The differential (or Shannon) entropy in nats, batch-shaped, in closed form.</summary>
    /// <exception cref="NotSupportedException">The family has no closed form; use <see cref="EstimateEntropy"/>.</exception>
    public virtual Tensor Entropy() =>
        throw new NotSupportedException($"{FamilyName} has no closed-form entropy; use EstimateEntropy(sampleCount, random).");

    /// <summary>
    /// A Monte Carlo estimate of the entropy, -E[log p(X)], with its standard error (both batch-shaped);
    /// differentiable when the family can be reparameterised.
    /// </summary>
    /// <remarks>The result deconstructs as the (Value, StandardError) pair this method returned before.</remarks>
    public Estimate EstimateEntropy(int sampleCount, RandomStream random)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sampleCount, 2);
        var x = HasReparameterizedSample ? ReparameterizedSample(sampleCount, random) : Sample(sampleCount, random);
        var negLogP = -LogProb(x);
        var mean = negLogP.Mean(0);
        int batch = negLogP.Length / sampleCount;
        var se = new double[batch];
        var column = new double[sampleCount];
        var values = negLogP.Values;
        for (int b = 0; b < batch; b++)
        {
            for (int i = 0; i < sampleCount; i++)
            {
                column[i] = values[(i * batch) + b];
            }

            var moments = default(RunningMoments);
            moments.Add(column);
            se[b] = moments.StandardError;
        }

        return new Estimate(mean, Tensor.FromArray(se, mean.Shape.AsSpan()));
    }

    /// <summary>The cumulative distribution function P(X ≤ value) of a univariate family.</summary>
    /// <exception cref="NotSupportedException">The family has no standard CDF here.</exception>
    public virtual Tensor Cdf(Tensor value) =>
        throw new NotSupportedException($"{FamilyName} has no cumulative distribution function here.");

    /// <summary>
    /// Where a univariate distribution puts its mass (centre and width of each place, per batch element), for
    /// quadrature to place its break points. The default gives one place: the mean and standard deviation when both
    /// are finite, else the median and the interquartile range / 1.349 from <see cref="Cdf"/>, else NaN (unknown).
    /// Mixtures list every component's places; a family whose mass sits in several narrow places should override it.
    /// </summary>
    /// <exception cref="NotSupportedException">The distribution is not univariate.</exception>
    public virtual MassLocations GetMassLocations() => MassLocationSearch.Default(this);

    /// <summary>Draws samples; differentiable in the parameters when <see cref="HasReparameterizedSample"/>.</summary>
    protected abstract Tensor SampleCore(int count, RandomStream random);

    /// <summary>A positive count whose samples fit in one tensor, else an error naming the count and the shape.</summary>
    private void CheckSampleCount(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        long perSample = 1;
        foreach (int d in BatchShapeArray)
        {
            perSample *= d;
        }

        foreach (int d in EventShapeArray)
        {
            perSample *= d;
        }

        if (perSample > 0 && count > Array.MaxLength / perSample)
        {
            throw new ArgumentOutOfRangeException(
                nameof(count),
                count,
                $"{count} samples of {FamilyName} (batch shape {Shapes.Format(BatchShapeArray)}, event shape {Shapes.Format(EventShapeArray)}, {perSample} values each) exceed the {Array.MaxLength} values a tensor can hold.");
        }
    }

    /// <summary>
    /// The family and its parameters, such as <c>Normal(loc: 0, scale: 1)</c>; a tensor parameter with more than one
    /// value prints as <see cref="Tensor.ToString"/> does (its shape and its first values).
    /// </summary>
    public override string ToString() => DistributionDisplay.Format(GetType().Name, DisplayParameters());

    /// <summary>
    /// The named parameters <see cref="ToString"/> shows. By default, found by reflection once per family: the
    /// parameters of the first public constructor (else of the first public factory method) that have a public
    /// property of the same name (<c>loc</c> → <c>Loc</c>). Override it when the family keeps another parameterisation.
    /// </summary>
    protected virtual IEnumerable<KeyValuePair<string, object?>> DisplayParameters() => DistributionDisplay.ConstructorParameters(this);

    /// <summary>The sample shape [count, ...BatchShape, ...EventShape].</summary>
    protected int[] SampleShape(int count) => [count, .. BatchShapeArray, .. EventShapeArray];
}
