using KlDivergence.Distributions;
using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Inference;

/// <summary>
/// The ELBO with a score-function gradient (Williams 1992; Ranganath, Gerrish &amp; Blei 2014) for a surrogate that
/// cannot be reparameterised. With f(z) = log p̃(z) - log q(z) the value is the mean of f, and its gradient in φ is
/// (1/n) Σᵢ (f(zᵢ) - bᵢ) ∇ log q(zᵢ), where bᵢ = mean of f over the other n - 1 samples: independent of zᵢ, so
/// the estimator stays unbiased while the baseline removes most of the variance (the leave-one-out control
/// variate of Kool, van Hoof &amp; Welling 2019). The E_q[∇ log q] = 0 term of ∇f is dropped.
/// </summary>
internal static class ScoreFunctionElbo
{
    public static ElboEstimate Estimate(Func<Tensor, Tensor> targetLogProb, Distribution q, int n, RandomStream random)
    {
        var z = q.Sample(n, random);
        var logTarget = Elbo.CheckShape(targetLogProb(z), n);
        var logQ = q.LogProb(z);
        var terms = logTarget - logQ.Detach();
        var f = terms.Values;
        double total = 0;
        foreach (double v in f)
        {
            total += v;
        }

        var centred = new double[n];
        for (int i = 0; i < n; i++)
        {
            centred[i] = n > 1 ? f[i] - ((total - f[i]) / (n - 1)) : f[i];
        }

        // A term with value 0 whose gradient is the score-function estimate.
        var score = (Tensor.FromArray(centred, [n]) * logQ).Mean();
        var value = terms.Mean() + (score - score.Detach());
        return new ElboEstimate(value, Elbo.StandardError(terms), n);
    }
}
