using KlDivergence.Bijectors;
using KlDivergence.Distributions;
using KlDivergence.Optimization;
using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Inference.Flows;

/// <summary>
/// A normalizing-flow surrogate over ℝᵈ: N(0, I_d) pushed through a stack of trainable bijectors
/// (<see cref="NormalizingFlow"/>), for <c>VariationalInference.Fit</c>. Its samples are reparameterised and
/// their log-densities come out of the same forward pass.
/// </summary>
public sealed class FlowSurrogate : SurrogatePosterior
{
    private readonly Bijector[] layers;

    /// <summary>Creates the surrogate from a stack of layers (first applied first).</summary>
    /// <param name="dimension">d.</param>
    /// <param name="layers">Flow layers of dimension d, permutations or other shape-keeping bijectors.</param>
    public FlowSurrogate(int dimension, IReadOnlyList<Bijector> layers)
        : base(CollectParameters(layers))
    {
        // Validates the stack now rather than at the first step.
        _ = new NormalizingFlow(dimension, layers, static p => p.Unconstrained);
        Dimension = dimension;
        this.layers = [.. layers];
    }

    /// <summary>The dimension d.</summary>
    public int Dimension { get; }

    /// <summary>The layers, first applied first.</summary>
    public IReadOnlyList<Bijector> Layers => layers;

    /// <summary>
    /// RealNVP: <paramref name="couplings"/> affine couplings whose masks alternate between the even and the odd
    /// coordinates, each conditioned by a dense network with the given hidden widths.
    /// </summary>
    /// <param name="dimension">d ≥ 2.</param>
    /// <param name="couplings">The number of coupling layers.</param>
    /// <param name="hiddenLayers">The conditioner's hidden widths (default [32, 32]).</param>
    /// <param name="seed">Seeds the initial weights: the same as passing <c>new RandomStream(seed)</c>.</param>
    /// <param name="activation">The conditioners' hidden activation.</param>
    public static FlowSurrogate RealNvp(int dimension, int couplings = 4, IReadOnlyList<int>? hiddenLayers = null, ulong seed = 0, Activation activation = Activation.Tanh) =>
        RealNvp(dimension, new RandomStream(seed), couplings, hiddenLayers, activation);

    /// <summary>RealNVP with the initial weights drawn from <paramref name="random"/>; see the seeded overload.</summary>
    /// <param name="dimension">d ≥ 2.</param>
    /// <param name="random">The stream of the initial weights.</param>
    /// <param name="couplings">The number of coupling layers.</param>
    /// <param name="hiddenLayers">The conditioner's hidden widths (default [32, 32]).</param>
    /// <param name="activation">The conditioners' hidden activation.</param>
    public static FlowSurrogate RealNvp(int dimension, RandomStream random, int couplings = 4, IReadOnlyList<int>? hiddenLayers = null, Activation activation = Activation.Tanh)
    {
        ArgumentNullException.ThrowIfNull(random);
        if (dimension < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(dimension), dimension, "RealNVP couples two groups of coordinates, so it needs dimension ≥ 2.");
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(couplings);
        var stack = new Bijector[couplings];
        for (int k = 0; k < couplings; k++)
        {
            bool[] mask = [.. Enumerable.Range(0, dimension).Select(i => (i + k) % 2 == 0)];
            stack[k] = new AffineCouplingBijector(mask, hiddenLayers ?? [32, 32], random, activation);
        }

        return new FlowSurrogate(dimension, stack);
    }

    /// <summary>An inverse autoregressive flow: <paramref name="flowLayers"/> IAF layers with the coordinates reversed between them.</summary>
    /// <param name="dimension">d.</param>
    /// <param name="flowLayers">The number of IAF layers.</param>
    /// <param name="hiddenLayers">The MADE networks' hidden widths (default [32, 32]).</param>
    /// <param name="seed">Seeds the initial weights: the same as passing <c>new RandomStream(seed)</c>.</param>
    /// <param name="activation">The hidden activation.</param>
    public static FlowSurrogate InverseAutoregressive(int dimension, int flowLayers = 4, IReadOnlyList<int>? hiddenLayers = null, ulong seed = 0, Activation activation = Activation.Tanh) =>
        InverseAutoregressive(dimension, new RandomStream(seed), flowLayers, hiddenLayers, activation);

    /// <summary>The IAF stack with the initial weights drawn from <paramref name="random"/>; see the seeded overload.</summary>
    /// <param name="dimension">d.</param>
    /// <param name="random">The stream of the initial weights.</param>
    /// <param name="flowLayers">The number of IAF layers.</param>
    /// <param name="hiddenLayers">The MADE networks' hidden widths (default [32, 32]).</param>
    /// <param name="activation">The hidden activation.</param>
    public static FlowSurrogate InverseAutoregressive(int dimension, RandomStream random, int flowLayers = 4, IReadOnlyList<int>? hiddenLayers = null, Activation activation = Activation.Tanh) =>
        Autoregressive(dimension, flowLayers, random, r => new InverseAutoregressiveBijector(dimension, hiddenLayers ?? [32, 32], r, activation));

    /// <summary>A masked autoregressive flow: <paramref name="flowLayers"/> MAF layers with the coordinates reversed between them.</summary>
    /// <param name="dimension">d.</param>
    /// <param name="flowLayers">The number of MAF layers.</param>
    /// <param name="hiddenLayers">The MADE networks' hidden widths (default [32, 32]).</param>
    /// <param name="seed">Seeds the initial weights: the same as passing <c>new RandomStream(seed)</c>.</param>
    /// <param name="activation">The hidden activation.</param>
    public static FlowSurrogate MaskedAutoregressive(int dimension, int flowLayers = 4, IReadOnlyList<int>? hiddenLayers = null, ulong seed = 0, Activation activation = Activation.Tanh) =>
        MaskedAutoregressive(dimension, new RandomStream(seed), flowLayers, hiddenLayers, activation);

    /// <summary>The MAF stack with the initial weights drawn from <paramref name="random"/>; see the seeded overload.</summary>
    /// <param name="dimension">d.</param>
    /// <param name="random">The stream of the initial weights.</param>
    /// <param name="flowLayers">The number of MAF layers.</param>
    /// <param name="hiddenLayers">The MADE networks' hidden widths (default [32, 32]).</param>
    /// <param name="activation">The hidden activation.</param>
    public static FlowSurrogate MaskedAutoregressive(int dimension, RandomStream random, int flowLayers = 4, IReadOnlyList<int>? hiddenLayers = null, Activation activation = Activation.Tanh) =>
        Autoregressive(dimension, flowLayers, random, r => new MaskedAutoregressiveBijector(dimension, hiddenLayers ?? [32, 32], r, activation));

    /// <summary>A stack of <paramref name="flowLayers"/> planar layers (Rezende &amp; Mohamed 2015).</summary>
    /// <param name="dimension">d.</param>
    /// <param name="flowLayers">The number of planar layers.</param>
    /// <param name="seed">Seeds the initial w and u: the same as passing <c>new RandomStream(seed)</c>.</param>
    public static FlowSurrogate Planar(int dimension, int flowLayers = 8, ulong seed = 0) =>
        Planar(dimension, new RandomStream(seed), flowLayers);

    /// <summary>A stack of <paramref name="flowLayers"/> planar layers with w and u drawn from <paramref name="random"/>.</summary>
    /// <param name="dimension">d.</param>
    /// <param name="random">The stream of the initial w and u.</param>
    /// <param name="flowLayers">The number of planar layers.</param>
    public static FlowSurrogate Planar(int dimension, RandomStream random, int flowLayers = 8)
    {
        ArgumentNullException.ThrowIfNull(random);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(flowLayers);
        return new FlowSurrogate(dimension, [.. Enumerable.Range(0, flowLayers).Select(_ => new PlanarBijector(dimension, random))]);
    }

    /// <inheritdoc/>
    protected override Distribution Build(Func<Parameter, Tensor> valueOf) => new NormalizingFlow(Dimension, layers, valueOf);

    private static FlowSurrogate Autoregressive(int dimension, int flowLayers, RandomStream random, Func<RandomStream, Bijector> layer)
    {
        ArgumentNullException.ThrowIfNull(random);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dimension);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(flowLayers);
        var stack = new List<Bijector>();
        for (int k = 0; k < flowLayers; k++)
        {
            if (k > 0 && dimension > 1)
            {
                stack.Add(PermuteBijector.Reverse(dimension));
            }

            stack.Add(layer(random));
        }

        return new FlowSurrogate(dimension, stack);
    }

    private static Parameter[] CollectParameters(IReadOnlyList<Bijector> layers)
    {
        ArgumentNullException.ThrowIfNull(layers);
        return [.. layers.OfType<FlowBijector>().SelectMany(f => f.Parameters).Distinct()];
    }
}
