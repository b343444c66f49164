using KlDivergence.Bijectors;
using KlDivergence.Distributions;
using KlDivergence.Optimization;
using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Inference;

/// <summary>
/// A mixture of K Gaussians over ℝᵈ with trainable weights (softmax of free logits), locations and scales
/// (diagonal through Softplus, or full lower-triangular factors through FillScaleTriL). <c>VariationalInference.Fit</c>
/// fits it with the stratified ELBO (<see cref="ElboGradient.Stratified"/>), so gradients reach the weights too.
/// </summary>
public sealed class GaussianMixtureSurrogate : SurrogatePosterior
{
    /// <summary>Creates the surrogate with equal weights, the given initial locations and a common initial scale.</summary>
    /// <param name="initialLocs">The K initial locations, [K, d]. Distinct starting points let the components find distinct modes.</param>
    /// <param name="fullCovariance">Full covariance factors (true) or diagonal scales (false).</param>
    /// <param name="initialScale">The initial standard deviation of every coordinate of every component.</param>
    public GaussianMixtureSurrogate(Tensor initialLocs, bool fullCovariance = false, double initialScale = 1)
        : this(Create(initialLocs, fullCovariance, initialScale))
    {
    }

    private GaussianMixtureSurrogate((Parameter Logits, Parameter Locs, Parameter Scales, bool Full) p)
        : base([p.Logits, p.Locs, p.Scales])
    {
        Logits = p.Logits;
        Locs = p.Locs;
        Scales = p.Scales;
        FullCovariance = p.Full;
    }

    /// <summary>
    /// Creates K components with locations drawn from N(0, <paramref name="initialSpread"/>² I) (seeded), equal
    /// weights and a common initial scale.
    /// </summary>
    /// <param name="components">K.</param>
    /// <param name="dimension">d.</param>
    /// <param name="fullCovariance">Full covariance factors (true) or diagonal scales (false).</param>
    /// <param name="initialScale">The initial standard deviation.</param>
    /// <param name="initialSpread">The standard deviation of the initial locations.</param>
    /// <param name="seed">Seeds the initial locations: the same as passing <c>new RandomStream(seed)</c>.</param>
    public static GaussianMixtureSurrogate Random(int components, int dimension, bool fullCovariance = false, double initialScale = 1, double initialSpread = 1, ulong seed = 0) =>
        Random(components, dimension, new RandomStream(seed), fullCovariance, initialScale, initialSpread);

    /// <summary>
    /// Creates K components with locations drawn from N(0, <paramref name="initialSpread"/>² I) by
    /// <paramref name="random"/>, equal weights and a common initial scale.
    /// </summary>
    /// <param name="components">K.</param>
    /// <param name="dimension">d.</param>
    /// <param name="random">The stream of the initial locations.</param>
    /// <param name="fullCovariance">Full covariance factors (true) or diagonal scales (false).</param>
    /// <param name="initialScale">The initial standard deviation.</param>
    /// <param name="initialSpread">The standard deviation of the initial locations.</param>
    public static GaussianMixtureSurrogate Random(int components, int dimension, RandomStream random, bool fullCovariance = false, double initialScale = 1, double initialSpread = 1)
    {
        ArgumentNullException.ThrowIfNull(random);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(components);
        CheckInitialValues(dimension, initialScale);
        if (!(initialSpread >= 0) || !double.IsFinite(initialSpread))
        {
            throw new ArgumentOutOfRangeException(nameof(initialSpread), initialSpread, "The initial spread must be finite and non-negative.");
        }

        var locs = new double[components * dimension];
        random.FillStandardNormal(locs);
        for (int i = 0; i < locs.Length; i++)
        {
            locs[i] *= initialSpread;
        }

        return new GaussianMixtureSurrogate(Tensor.FromArray(locs, [components, dimension]), fullCovariance, initialScale);
    }

    /// <summary>The free logits of the weights, [K] (weights = softmax).</summary>
    public Parameter Logits { get; }

    /// <summary>The component locations, [K, d].</summary>
    public Parameter Locs { get; }

    /// <summary>The component scales: [K, d] standard deviations (diagonal) or [K, d, d] Cholesky factors (full).</summary>
    public Parameter Scales { get; }

    /// <summary>True for full covariance factors, false for diagonal scales.</summary>
    public bool FullCovariance { get; }

    /// <inheritdoc/>
    protected override Distribution Build(Func<Parameter, Tensor> valueOf)
    {
        var locs = valueOf(Locs);
        Distribution components = FullCovariance ? MultivariateNormal.FromScaleTril(locs, valueOf(Scales)) : new MultivariateNormalDiag(locs, valueOf(Scales));
        return new MixtureSameFamily(Categorical.FromLogits(valueOf(Logits)), components);
    }

    private static (Parameter, Parameter, Parameter, bool) Create(Tensor initialLocs, bool full, double initialScale)
    {
        ArgumentNullException.ThrowIfNull(initialLocs);
        if (initialLocs.Rank != 2)
        {
            throw new ArgumentException($"initialLocs must be [K, d]; got [{string.Join(", ", initialLocs.Shape)}].", nameof(initialLocs));
        }

        int k = initialLocs.Shape[0], d = initialLocs.Shape[1];
        CheckInitialValues(d, initialScale);
        var scales = full
            ? new Parameter(Tensor.Full(initialScale, k, d).DiagEmbed(), new FillScaleTriLBijector(), "scaleTril")
            : new Parameter(Tensor.Full(initialScale, k, d), new SoftplusBijector(), "scale");
        return (new Parameter(Tensor.Zeros(k), name: "logits"), new Parameter(initialLocs.Detach().Clone(), name: "locs"), scales, full);
    }
}
