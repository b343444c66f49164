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
        One = one;
        Zero = zero;
        LogOne = logOne;
        LogZero = logZero;
        GivenLogits = logits;
        SupportProbs = supportProbs;
    }

    /// <summary>P(1) = p.</summary>
    public Tensor One { get; }

    /// <summary>P(0) = 1 - p (σ(-l) from a logit, so it does not round to 0 for large l before p rounds to 1).</summary>
    public Tensor Zero { get; }

    /// <summary>log p.</summary>
    public Tensor LogOne { get; }

    /// <summary>log(1 - p).</summary>
    public Tensor LogZero { get; }

    /// <summary>The logits when the distribution was built from them, else null.</summary>
    public Tensor? GivenLogits { get; }

    /// <summary>log p - log(1 - p): the given logits, else computed (±∞ at p = 1 or 0).</summary>
    public Tensor Logits => GivenLogits ?? (LogOne - LogZero);

    /// <summary>
    /// p for deciding where the mass lies: p itself from probabilities (0 or 1 remove an outcome); 1/2 from finite
    /// logits, where both outcomes have positive mass however p rounds.
    /// </summary>
    public Tensor SupportProbs { get; }

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
        var l = ParameterChecks.Finite(logits, family, paramName);
        var logOne = -(-l).Softplus();
        var logZero = -l.Softplus();
        return new(l.Sigmoid(), (-l).Sigmoid(), logOne, logZero, l, Tensor.Full(0.5, l.ShapeArray));
    }

    /// <summary>The same probabilities broadcast to <paramref name="shape"/>.</summary>
    public BinaryProbabilities BroadcastTo(int[] shape) =>
        new(One.BroadcastTo(shape), Zero.BroadcastTo(shape), LogOne.BroadcastTo(shape), LogZero.BroadcastTo(shape), GivenLogits?.BroadcastTo(shape), SupportProbs.BroadcastTo(shape));

    /// <summary>Entropy -p log p - (1 - p) log(1 - p), 0 log 0 = 0; every term is non-negative, so nothing cancels.</summary>
    public Tensor Entropy() => -(FamilyHelpers.XTimesY(One, LogOne) + FamilyHelpers.XTimesY(Zero, LogZero));
}
