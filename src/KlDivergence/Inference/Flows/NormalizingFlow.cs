using KlDivergence.Bijectors;
using KlDivergence.Distributions;
using KlDivergence.Optimization;
using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Inference.Flows;

/// <summary>
/// The distribution of y = f_m(… f₁(ε)) for ε ~ N(0, I_d) and a stack of bijectors of ℝᵈ (flow layers,
/// permutations, element-wise maps). By the change of variables, log q(y) = log N(ε; 0, I) - Σₖ log |det J_{f_k}|
/// with ε the preimage of y. A sample's log-density falls out of the forward pass; it is remembered for that sample
/// tensor (tensors never change), so the ELBO's log q(z) at its own samples costs no inversion.
/// </summary>
public sealed class NormalizingFlow : Distribution
{
    private readonly Bijector[] layers;
    private readonly Func<Parameter, Tensor> valueOf;
    private Tensor? lastSample;
    private Tensor? lastLogProb;

    /// <summary>Creates the flow at the layers' current parameter values (read now; later steps do not change it).</summary>
    /// <param name="dimension">d.</param>
    /// <param name="layers">The bijectors, first applied first: flow layers of dimension d, or bijectors with event rank 0 or 1 that keep the shape.</param>
    /// <exception cref="ArgumentException">A layer does not map ℝᵈ to itself; the message names it.</exception>
    public NormalizingFlow(int dimension, IReadOnlyList<Bijector> layers)
        : this(dimension, layers, static p => p.Value)
    {
    }

    internal NormalizingFlow(int dimension, IReadOnlyList<Bijector> layers, Func<Parameter, Tensor> valueOf)
        : base([], [CheckedDimension(dimension)])
    {
        ArgumentNullException.ThrowIfNull(layers);
        this.layers = [.. layers];
        for (int i = 0; i < this.layers.Length; i++)
        {
            var layer = this.layers[i] ?? throw new ArgumentException($"Flow layer {i} is null.", nameof(layers));
            bool fits = layer is FlowBijector f
                ? f.Dimension == dimension
                : layer.InputEventRank <= 1 && layer.OutputEventRank == layer.InputEventRank && layer.ForwardShape([dimension]).SequenceEqual([dimension]);
            if (!fits)
            {
                throw new ArgumentException($"Flow layer {i} ({layer.Name}) does not map vectors of length {dimension} to vectors of length {dimension}.", nameof(layers));
            }
        }

        // The parameters are read once, now: the distribution is a value that later optimizer steps do not change.
        var values = new Dictionary<Parameter, Tensor>(ReferenceEqualityComparer.Instance);
        foreach (var p in this.layers.OfType<FlowBijector>().SelectMany(f => f.Parameters))
        {
            values.TryAdd(p, valueOf(p));
        }

        this.valueOf = p => values[p];
    }

    /// <summary>The dimension d.</summary>
    public int Dimension => EventShapeArray[0];

    /// <summary>The layers, first applied first.</summary>
    public IReadOnlyList<Bijector> Layers => layers;

    /// <inheritdoc/>
    public override string FamilyName => $"NormalizingFlow({string.Join(", ", layers.Select(l => l.Name))})";

    /// <inheritdoc/>
    public override bool HasReparameterizedSample => true;

    /// <inheritdoc/>
    public override TailProfile? Tails => TailProfile.MeasureOnly(ReferenceMeasure.Lebesgue);

    /// <summary>No closed form; estimate it from samples.</summary>
    public override Tensor Mean => throw new NotSupportedException($"{nameof(NormalizingFlow)} has no closed-form mean; estimate it from samples.");

    /// <summary>No closed form; estimate it from samples.</summary>
    public override Tensor Variance => throw new NotSupportedException($"{nameof(NormalizingFlow)} has no closed-form variance; estimate it from samples.");

    /// <summary>log q(y) for y [..., d], by inverting the layers (or read back for this flow's own latest sample).</summary>
    public override Tensor LogProb(Tensor value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (ReferenceEquals(value, lastSample))
        {
            return lastLogProb!;
        }

        if (value.Rank == 0 || value.Shape[^1] != Dimension)
        {
            throw new ArgumentException($"{nameof(NormalizingFlow)} of dimension {Dimension} needs values [..., {Dimension}]; got [{string.Join(", ", value.Shape)}].", nameof(value));
        }

        var y = value;
        Tensor? logDet = null;
        for (int k = layers.Length - 1; k >= 0; k--)
        {
            var x = layers[k] is FlowBijector f ? f.Inverse(y, valueOf) : layers[k].Inverse(y);
            var term = Step(layers[k], x).LogDet;
            logDet = logDet is null ? term : logDet + term;
            y = x;
        }

        var logBase = StandardNormalLogDensity(y);
        return logDet is null ? logBase : logBase - logDet;
    }

    /// <inheritdoc/>
    protected override Tensor SampleCore(int count, RandomStream random)
    {
        var eps = new double[count * Dimension];
        random.FillStandardNormal(eps);
        var x = Tensor.FromArray(eps, [count, Dimension]);
        var logProb = StandardNormalLogDensity(x);
        foreach (var layer in layers)
        {
            (x, var logDet) = Step(layer, x);
            logProb -= logDet;
        }

        lastSample = x;
        lastLogProb = logProb;
        return x;
    }

    /// <summary>One layer's output and log-determinant per event [n].</summary>
    private (Tensor Y, Tensor LogDet) Step(Bijector layer, Tensor x)
    {
        if (layer is FlowBijector f)
        {
            return f.ForwardWithLogDet(x, valueOf);
        }

        var logDet = layer.ForwardLogDetJacobian(x);
        return (layer.Forward(x), layer.InputEventRank == 0 ? logDet.Sum(-1) : logDet);
    }

    private Tensor StandardNormalLogDensity(Tensor x) => (x.Square().Sum(-1) * -0.5) - (Dimension * ScalarMath.LogSqrtTwoPi);

    private static int CheckedDimension(int dimension)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dimension);
        return dimension;
    }
}
