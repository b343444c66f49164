using KlDivergence.Distributions;
using KlDivergence.Tensors;

namespace KlDivergence.Divergences.ClosedForms;

/// <summary>Closed-form KL divergences whose first argument is a <see cref="Binomial"/>.</summary>
internal static class BinomialKl
{
    public static void Register(KlRegistry registry) => registry.Register<Binomial, Binomial>(BinomialBinomial);

    /// <summary>
    /// Equal trial counts n: KL = n KL(Bernoulli(p) ‖ Bernoulli(q)) (the binomial is a sum of n independent
    /// Bernoullis; PyTorch _kl_binomial_binomial). np &gt; nq: +∞ (p puts mass above nq). np &lt; nq (where PyTorch
    /// raises NotImplementedError): the exact finite sum Σ_{k=0}^{np} P(k)(log P(k) - log Q(k)).
    /// </summary>
    public static Tensor BinomialBinomial(Binomial p, Binomial q)
    {
        var sameCount = TensorOps.EqualTo(p.TotalCount, q.TotalCount);
        var bernoulli = FamilyHelpers.XLogX(p.Probs) - FamilyHelpers.XLogY(p.Probs, q.Probs)
            + FamilyHelpers.XLogX(1.0 - p.Probs) - FamilyHelpers.XLogY(1.0 - p.Probs, 1.0 - q.Probs);
        var closed = p.TotalCount * bernoulli;
        bool allSame = sameCount.Values.ToArray().All(v => v != 0);
        if (allSame)
        {
            return closed.BroadcastTo(Shapes.Broadcast(p.BatchShapeArray, q.BatchShapeArray));
        }

        return KlTerms.InfiniteWhere(TensorOps.GreaterThan(p.TotalCount, q.TotalCount), TensorOps.Where(sameCount, closed, FiniteSum(p, q)));
    }

    private static Tensor FiniteSum(Binomial p, Binomial q)
    {
        int[] batch = Shapes.Broadcast(p.BatchShapeArray, q.BatchShapeArray);
        int max = (int)p.TotalCount.Values.ToArray().Max();
        var ks = Enumerable.Range(0, max + 1).Select(k => (double)k).ToArray();
        var x = Tensor.FromArray(ks, [max + 1, .. Enumerable.Repeat(1, batch.Length)]);
        var logP = p.LogProb(x).BroadcastTo([max + 1, .. batch]);
        var logQ = q.LogProb(x).BroadcastTo([max + 1, .. batch]);
        var dead = TensorOps.EqualTo(logP, double.NegativeInfinity);
        var safeP = TensorOps.Where(dead, 0.0, logP);
        var safeQ = TensorOps.Where(dead, 0.0, logQ);
        return TensorOps.Where(dead, 0.0, safeP.Exp() * (safeP - safeQ)).Sum(0);
    }
}
