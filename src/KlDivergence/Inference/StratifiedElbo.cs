using KlDivergence.Distributions;
using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Inference;

/// <summary>
/// The stratified ELBO of a mixture surrogate q = Σₖ wₖ qₖ (Morningstar et al. 2021, their SELBO): since
/// E_q[g] = Σₖ wₖ E_{qₖ}[g], every component contributes n reparameterised draws z_{ik} and
/// ELBO ≈ (1/n) Σᵢ Σₖ wₖ (log p̃(z_{ik}) - log q(z_{ik})). The weights enter as factors, so their gradient is
/// exact given the draws, and the draws are pathwise in each component's parameters.
/// </summary>
internal static class StratifiedElbo
{
    /// <summary>True for a single (unbatched) mixture whose components can be reparameterised.</summary>
    public static bool Applies(Distribution q) =>
        q is MixtureSameFamily { BatchShapeArray.Length: 0 } m && m.Components.HasReparameterizedSample;

    public static ElboEstimate Estimate(Func<Tensor, Tensor> targetLogProb, MixtureSameFamily q, int n, RandomStream random)
    {
        int k = q.ComponentCount;
        int[] eventShape = q.EventShapeArray;

        // [n, K, ...event]: draw i of every component, flattened for the target as [n·K, ...event].
        var z = q.Components.ReparameterizedSample(n, random);
        var logTarget = Elbo.CheckShape(targetLogProb(z.Reshape([n * k, .. eventShape])), n * k).Reshape(n, k);
        var logRatio = logTarget - q.LogProb(z);
        var terms = (logRatio * q.MixtureDistribution.Probs).Sum(1);
        return new ElboEstimate(terms.Mean(), Elbo.StandardError(terms), n);
    }
}
