using KlDivergence.Distributions;
using KlDivergence.Tensors;

namespace KlDivergence.Divergences.ClosedForms;

/// <summary>Closed-form KL divergences whose first argument is a <see cref="LogisticNormal"/>.</summary>
internal static class LogisticNormalKl
{
    public static void Register(KlRegistry registry) => registry.Register<LogisticNormal, LogisticNormal>(LogisticNormalLogisticNormal);

    /// <summary>
    /// KL is invariant under the bijection between the open simplex and the log-ratios, so it is the sum over the K - 1
    /// log-ratios of KL(N(μp, σp²) ‖ N(μq, σq²)) (PyTorch reaches the same through its transformed-distribution rule).
    /// </summary>
    public static Tensor LogisticNormalLogisticNormal(LogisticNormal p, LogisticNormal q) =>
        NormalKl.NormalNormal(p.LogRatios, q.LogRatios).Sum(-1);
}
