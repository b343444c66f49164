using KlDivergence.Tensors;

namespace KlDivergence.Distributions;

/// <summary>
/// The two outcome probabilities of a Bernoulli trial and their logarithms, from whichever parameter was given:
/// from a probability p (log p, log(1 - p), 0 log 0 = 0 at the ends) or from a logit l, kept canonical, with
/// log p = -softplus(-l) and log(1 - p) = -softplus(l), which stay exact and have finite gradients for any finite l
/// (at l = 1e3, p rounds to 1 but log(1 - p) = -1000, not -∞).
/// </summary>
internal sealed class BinaryProbabilities
{
    private BinaryProbabilities(Tensor one, Tensor zero, Tensor logOne, Tensor logZero, Tensor? logits, Tensor supportProbs)
    {
        cachedOne = one;
        cachedZero = zero;
        cachedLogOne = logOne;
        cachedLogZero = logZero;
        GivenLogits = logits;
        cachedSupportProbs = supportProbs;
    }

    /// <summary>From finite logits: every other tensor is worked out when first read (see <see cref="Derived"/>).</summary>
    private BinaryProbabilities(Tensor logits) => GivenLogits = logits;

    private Tensor? cachedOne, cachedZero, cachedLogOne, cachedLogZero, cachedSupportProbs;

    /// <summary>P(1) = p.</summary>
    public Tensor One => cachedOne ?? Derived(ref cachedOne, static l => l.Sigmoid());

    /// <summary>P(0) = 1 - p (σ(-l) from a logit, so it does not round to 0 for large l before p rounds to 1).</summary>
    public Tensor Zero => cachedZero ?? Derived(ref cachedZero, static l => (-l).Sigmoid());

    /// <summary>log p.</summary>
    public Tensor LogOne => cachedLogOne ?? Derived(ref cachedLogOne, static l => LogProbability(l, Tensor.Scalar(-1.0)));

    /// <summary>log(1 - p).</summary>
    public Tensor LogZero => cachedLogZero ?? Derived(ref cachedLogZero, static l => LogProbability(l, Tensor.Scalar(1.0)));

    /// <summary>The logits when the distribution was built from them, else null.</summary>
    public Tensor? GivenLogits { get; }

    /// <summary>log p - log(1 - p): the given logits, else computed (±∞ at p = 1 or 0).</summary>
    public Tensor Logits => GivenLogits ?? (LogOne - LogZero);

    /// <summary>
    /// p for deciding where the mass lies: p itself from probabilities (0 or 1 remove an outcome); 1/2 from finite
    /// logits, where both outcomes have positive mass however p rounds.
    /// </summary>
    public Tensor SupportProbs => cachedSupportProbs ?? Derived(ref cachedSupportProbs, static l => Tensor.Full(0.5, l.ShapeArray));

    /// <summary>
    /// log P(outcome) = -softplus(s·l) from logits l, with s = -1 for the outcome 1 and +1 for 0 (element-wise, broadcast):
    /// the one statement of the logit form of log p and log(1 - p). s·l is exact (s = ±1), so it rounds as -softplus(∓l).
    /// One op (<see cref="LogProbabilityOp"/>): the element-wise table's product, softplus and negation run per cached
    /// block with nothing written out between them, where the three recorded ops wrote two intermediates of the
    /// batch's size and read them back in the backward pass (a logistic likelihood's whole cost).
    /// </summary>
    public static Tensor LogProbability(Tensor logits, Tensor sign) => LogProbabilityOp.Instance.Apply(logits, sign);

    /// <summary>Inputs (l, s); s is data and gets no gradient.</summary>
    private sealed class LogProbabilityOp() : CustomOp("binary log-probability", 2)
    {
        /// <summary>Values per stack block.</summary>
        private const int Chunk = 512;

        public static readonly LogProbabilityOp Instance = new();

        /// <summary>An exponential and a logarithm per element: split as the table's softplus is.</summary>
        public override int ParallelThreshold => ElementwiseSplit.CostlyThreshold;

        /// <summary>-softplus(l·s): the table's multiply, softplus and negate, in that order, so the same bits.</summary>
        public override void Forward(in CustomOpBlock block, Span<double> output)
        {
            ReadOnlySpan<double> l = block.Input(0), s = block.Input(1);
            Span<double> product = stackalloc double[Chunk];
            for (int start = 0; start < block.Length; start += Chunk)
            {
                int length = Math.Min(Chunk, block.Length - start);
                var t = product[..length];
                var y = output.Slice(start, length);
                System.Numerics.Tensors.TensorPrimitives.Multiply(l.Slice(start, length), s.Slice(start, length), t);
                ElementwiseRules.Softplus.Forward(t, y);
                System.Numerics.Tensors.TensorPrimitives.Negate(y, y);
            }
        }

        /// <summary>
        /// ∂/∂l = σ(l·s)·(-g)·s: the negation's rule (-g), the softplus rule with it (σ(l·s)·(-g)), then the product's
        /// rule (times s), in the order the three recorded ops applied them.
        /// </summary>
        public override void Backward(in CustomOpBlock block, ReadOnlySpan<double> output, ReadOnlySpan<double> outputGradient)
        {
            if (!block.NeedsGradient(0))
            {
                return;
            }

            ReadOnlySpan<double> l = block.Input(0), s = block.Input(1);
            var gl = block.Gradient(0);
            Span<double> work = stackalloc double[4 * Chunk];
            for (int start = 0; start < block.Length; start += Chunk)
            {
                int length = Math.Min(Chunk, block.Length - start);
                var t = work[..length];
                var softplus = work.Slice(Chunk, length);
                var negated = work.Slice(2 * Chunk, length);
                var softplusGradient = work.Slice(3 * Chunk, length);
                var ls = s.Slice(start, length);
                System.Numerics.Tensors.TensorPrimitives.Multiply(l.Slice(start, length), ls, t);

                // The softplus values are the output negated (exact), for a rule that reads them.
                System.Numerics.Tensors.TensorPrimitives.Negate(output.Slice(start, length), softplus);
                System.Numerics.Tensors.TensorPrimitives.Negate(outputGradient.Slice(start, length), negated);
                ElementwiseRules.Softplus.Derivative(t, softplus, negated, softplusGradient);
                System.Numerics.Tensors.TensorPrimitives.Multiply(softplusGradient, ls, gl.Slice(start, length));
            }
        }
    }

    /// <summary>
    /// A tensor of the logit form, computed from <see cref="GivenLogits"/> on first read: a Bernoulli likelihood reads
    /// only what its log-probability needs (building all five cost more than the log-probability of a [16, 20 000] batch).
    /// It is kept unless it was computed without a graph from logits that need one (inside <see cref="Tensor.NoGrad"/>):
    /// a later read with gradients on must record its own.
    /// </summary>
    private Tensor Derived(ref Tensor? slot, Func<Tensor, Tensor> compute)
    {
        var l = GivenLogits!;
        var value = compute(l);
        if (!l.RequiresGrad || Tensor.IsGradEnabled)
        {
            slot = value;
        }

        return value;
    }

    /// <summary>From probabilities in [0, 1] (validated, the message naming the family and the parameter).</summary>
    public static BinaryProbabilities FromProbs(Tensor? probs, string family, string paramName)
    {
        var p = FamilyHelpers.Probability(probs, family, paramName, allowZero: true, allowOne: true);
        var q = 1.0 - p;
        return new(p, q, FamilyHelpers.SafeLog(p), FamilyHelpers.SafeLog(q), null, p);
    }

    /// <summary>From finite logits (validated, the message naming the family and the parameter).</summary>
    public static BinaryProbabilities FromLogits(Tensor? logits, string family, string paramName)
    {
        return new(ParameterChecks.Finite(logits, family, paramName));
    }

    /// <summary>The same probabilities broadcast to <paramref name="shape"/>.</summary>
    public BinaryProbabilities BroadcastTo(int[] shape) => GivenLogits is { } logits
        ? new(logits.BroadcastTo(shape))
        : new(One.BroadcastTo(shape), Zero.BroadcastTo(shape), LogOne.BroadcastTo(shape), LogZero.BroadcastTo(shape), GivenLogits?.BroadcastTo(shape), SupportProbs.BroadcastTo(shape));

    /// <summary>Entropy -p log p - (1 - p) log(1 - p), 0 log 0 = 0; every term is non-negative, so nothing cancels.</summary>
    public Tensor Entropy() => -(FamilyHelpers.XTimesY(One, LogOne) + FamilyHelpers.XTimesY(Zero, LogZero));
}
