using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Distributions;

/// <summary>The Bernoulli distribution on {0, 1}: P(1) = p, P(0) = 1 - p.</summary>
public sealed class Bernoulli : Distribution
{
    /// <summary>Creates Bernoulli(probs).</summary>
    /// <param name="probs">The probability p of 1, in [0, 1].</param>
    /// <exception cref="ArgumentOutOfRangeException">A probability is out of range; the message names it and its value.</exception>
    public Bernoulli(Tensor probs)
        : this(BinaryProbabilities.FromProbs(probs, nameof(Bernoulli), nameof(probs)))
    {
    }

    private Bernoulli(BinaryProbabilities binary)
        : base(binary.One.ShapeArray, [])
    {
        Binary = binary;
    }

    /// <summary>
    /// Creates Bernoulli(σ(logits)) from log-odds l = log p - log(1 - p), kept as given: log-probabilities
    /// (-softplus(∓l)), entropy, KL and their gradients stay finite and exact for any finite l (|l| up to 1e3 and
    /// beyond), where p itself would round to 0 or 1.
    /// </summary>
    /// <param name="logits">The log-odds l (finite).</param>
    /// <exception cref="ArgumentOutOfRangeException">A logit is NaN or infinite; the message names it and its value.</exception>
    public static Bernoulli FromLogits(Tensor logits) =>
        new(BinaryProbabilities.FromLogits(logits, nameof(Bernoulli), nameof(logits)));

    /// <summary>The probability p of 1 (σ(l) when built from logits).</summary>
    public Tensor Probs => Binary.One;

    /// <summary>The log-odds log p - log(1 - p): as given by <see cref="FromLogits"/>, else computed (±∞ at p = 1 or 0).</summary>
    public Tensor Logits => Binary.Logits;

    /// <summary>True when built by <see cref="FromLogits"/> (the logits are the canonical parameter).</summary>
    public bool IsLogitParameterized => Binary.GivenLogits is not null;

    internal BinaryProbabilities Binary { get; }

    /// <summary>The canonical parameter: logits when built from them, else probs.</summary>
    protected override IEnumerable<KeyValuePair<string, object?>> DisplayParameters() =>
        [IsLogitParameterized ? new("logits", Logits) : new("probs", Probs)];

    /// <summary>{0, 1}.</summary>
    public override Support Support { get; } = new(true, 0.0, 1.0, "{0, 1}");

    /// <summary>Counting measure on {0, 1}, tightened to where the mass is ({0} when p = 0, {1} when p = 1).</summary>
    public override TailProfile? Tails => new(ReferenceMeasure.Counting, FamilyHelpers.TightBound(Binary.SupportProbs, 1.0, 1.0, 0.0), FamilyHelpers.TightBound(Binary.SupportProbs, 0.0, 0.0, 1.0), Tail.Bounded, Tail.Bounded, true);

    /// <summary>p.</summary>
    public override Tensor Mean => Probs;

    /// <summary>p(1 - p).</summary>
    public override Tensor Variance => Binary.One * Binary.Zero;

    /// <summary>log p at 1, log(1 - p) at 0, -∞ elsewhere.</summary>
    public override Tensor LogProb(Tensor value)
    {
        if (Binary.GivenLogits is { } logits)
        {
            // From logits, one softplus per element: -softplus(s·l) with s = 1 - 2y (-1 at y = 1, +1 at y = 0), instead
            // of both log p and log(1 - p) over the whole batch and a selection between them. s is data: no gradient.
            // Outside {0, 1} s is 0, so s·l stays finite and the masked-out elements pass back a zero gradient, not NaN;
            // the mask is built only when such a value is there.
            var sign = new double[value.Length];
            ReadOnlySpan<double> y = value.Data;
            bool allInside = true;
            for (int i = 0; i < sign.Length; i++)
            {
                double v = y[i];
                sign[i] = v == 0 ? 1 : v == 1 ? -1 : 0;
                allInside &= v == 0 || v == 1;
            }

            var logP = BinaryProbabilities.LogProbability(logits, new Tensor(sign, value.ShapeArray));
            return allInside ? logP : TensorOps.Where(FamilyHelpers.WholeNumberMask(value, 1.0), logP, double.NegativeInfinity);
        }

        var inside = FamilyHelpers.WholeNumberMask(value, 1.0);
        var one = TensorOps.EqualTo(value, 1.0);
        return TensorOps.Where(inside, TensorOps.Where(one, Binary.LogOne, Binary.LogZero), double.NegativeInfinity);
    }

    /// <summary>Entropy -p log p - (1 - p) log(1 - p), with 0 log 0 = 0.</summary>
    public override Tensor Entropy() => Binary.Entropy();

    /// <summary>0 below 0, 1 - p on [0, 1), 1 from 1.</summary>
    public override Tensor Cdf(Tensor value) =>
        TensorOps.Where(TensorOps.LessThan(value, 0.0), 0.0, TensorOps.Where(TensorOps.LessThan(value, 1.0), Binary.Zero, 1.0));

    /// <summary>1 if U &lt; p, else 0 (no gradient).</summary>
    protected override Tensor SampleCore(int count, RandomStream random)
    {
        int[] shape = SampleShape(count);
        var p = TensorOps.Expand(Probs, BatchShapeArray);
        var data = new double[Shapes.Size(shape)];
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = random.NextDouble() < p[i % p.Length] ? 1 : 0;
        }

        return new Tensor(data, shape);
    }
}
