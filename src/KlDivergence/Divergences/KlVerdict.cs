using System.Globalization;
using KlDivergence.Diagnostics;
using KlDivergence.Tensors;

namespace KlDivergence.Divergences;

/// <summary>The batch elements whose KL is +∞ by a rule (<see cref="KlFiniteness"/>), with the reason.</summary>
internal sealed class KlVerdict
{
    public KlVerdict(bool[] infinite, int[] batchShape, string reason)
    {
        Infinite = infinite;
        BatchShape = batchShape;
        Reason = reason;
        All = Array.TrueForAll(infinite, b => b);
    }

    /// <summary>Per batch element (row-major): true where KL is +∞.</summary>
    public bool[] Infinite { get; }

    public int[] BatchShape { get; }

    public string Reason { get; }

    /// <summary>True when every element is +∞ (nothing is left to estimate).</summary>
    public bool All { get; }

    /// <summary>The result when every element is +∞: exact, no error, no samples.</summary>
    public KlResult ToResult() =>
        new(Tensor.Full(double.PositiveInfinity, BatchShape), KlMethod.Rule, Tensor.Zeros(BatchShape), 0, reason: Reason);

    /// <summary>An estimate over the whole batch with the ruled elements set to +∞ (error 0); the reason is added.</summary>
    public KlResult Merge(KlResult estimate)
    {
        var mask = new Tensor(Array.ConvertAll(Infinite, b => b ? 1.0 : 0.0), BatchShape);
        var value = TensorOps.Where(mask, double.PositiveInfinity, estimate.Value);
        Tensor error;
        using (Tensor.NoGrad())
        {
            error = TensorOps.Where(mask, 0.0, estimate.StandardError);
        }

        var (isReliable, estimateReason) = Reliability(estimate);
        string reason = estimateReason is null ? Reason : $"{Reason} {estimateReason}";
        return new KlResult(value, estimate.Method, error, estimate.SampleCount, estimate.IsUpperBound, isReliable, reason, estimate.ParetoK, estimate.GradientEstimator);
    }

    /// <summary>
    /// Whether the estimate is reliable on the elements the rule left to it. With a per-element Pareto k-hat (Monte
    /// Carlo) the flag is recomputed over those elements only, since a ruled element's heavy-tailed terms say nothing
    /// about the others (Vehtari et al. 2024, PSIS: k-hat &gt; 0.7 means an unreliable estimate); otherwise the
    /// estimate's own flag and reason are kept (conservative).
    /// </summary>
    private (bool IsReliable, string? Reason) Reliability(KlResult estimate)
    {
        if (estimate.IsReliable || estimate.ParetoK is null || estimate.ParetoK.Length != Infinite.Length)
        {
            return (estimate.IsReliable, estimate.Reason);
        }

        double[] ks = TensorOps.Expand(estimate.ParetoK, BatchShape);
        double worst = double.NegativeInfinity;
        int worstAt = -1;
        for (int i = 0; i < ks.Length; i++)
        {
            if (!Infinite[i] && !(ks[i] <= ParetoSmoothing.ReliabilityThreshold) && !(ks[i] <= worst))
            {
                worst = ks[i];
                worstAt = i;
            }
        }

        return worstAt < 0
            ? (true, null)
            : (false, string.Create(CultureInfo.InvariantCulture, $"Pareto k-hat {worst:G3} > {ParetoSmoothing.ReliabilityThreshold} for the per-draw terms log p - log q (batch element {worstAt}, not decided by the rule): the estimate there is unstable and its standard error meaningless."));
    }
}
