using System.Globalization;
using KlDivergence.Distributions;
using KlDivergence.Tensors;

namespace KlDivergence.Divergences.ClosedForms;

/// <summary>Closed-form KL divergences whose first argument is a <see cref="Binomial"/>.</summary>
internal static class BinomialKl
{
    public static void Register(KlRegistry registry) => registry.Register<Binomial, Binomial>(BinomialBinomial);

    /// <summary>The most terms the exact sum for unequal trial counts may have (per batch element).</summary>
    internal const int MaxSumTerms = 1 << 20;

    /// <summary>
    /// Equal trial counts n: KL = n KL(Bernoulli(p) ‖ Bernoulli(q)): the binomial is the law of the count of successes,
    /// a sufficient statistic of n independent Bernoullis, and KL is unchanged by a sufficient statistic and additive
    /// over independent coordinates (Kullback 1959, ch. 2; PyTorch _kl_binomial_binomial). This holds for any n, however
    /// large. np &gt; nq: +∞ (p puts mass above nq). np &lt; nq (where PyTorch raises NotImplementedError): the exact
    /// finite sum Σ_{k=0}^{np} P(k)(log P(k) - log Q(k)), up to <see cref="MaxSumTerms"/> terms.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Unequal counts need the sum over more than <see cref="MaxSumTerms"/> terms.</exception>
    public static Tensor BinomialBinomial(Binomial p, Binomial q)
    {
        var sameCount = TensorOps.EqualTo(p.TotalCount, q.TotalCount);
        var closed = p.TotalCount * BernoulliKl.BernoulliTerms(p.Binary, q.Binary);
        int[] batch = Shapes.Broadcast(p.BatchShapeArray, q.BatchShapeArray);
        double[] np, nq;
        using (Tensor.NoGrad())
        {
            np = TensorOps.Expand(p.TotalCount, batch);
            nq = TensorOps.Expand(q.TotalCount, batch);
        }

        // Only the elements with np < nq need the sum; its length is set by the largest such np.
        double largest = -1;
        for (int i = 0; i < np.Length; i++)
        {
            if (np[i] < nq[i])
            {
                largest = Math.Max(largest, np[i]);
            }
        }

        var finite = largest < 0 ? closed : TensorOps.Where(sameCount, closed, FiniteSum(p, q, batch, largest));
        return KlTerms.InfiniteWhere(TensorOps.GreaterThan(p.TotalCount, q.TotalCount), finite.BroadcastTo(batch));
    }

    private static Tensor FiniteSum(Binomial p, Binomial q, int[] batch, double largest)
    {
        if (largest + 1 > MaxSumTerms)
        {
            throw new ArgumentOutOfRangeException(
                nameof(p),
                largest,
                string.Create(CultureInfo.InvariantCulture, $"KL(Binomial ‖ Binomial) with unequal trial counts is the exact sum over k = 0..n_p, and p's totalCount {largest:R} (below q's) needs more than {MaxSumTerms} terms; equal counts have the closed form n·KL(Bernoulli(p) ‖ Bernoulli(q)) for any n."));
        }

        int max = (int)largest;
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
