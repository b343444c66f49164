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

        string reason = estimate.Reason is null ? Reason : $"{Reason} {estimate.Reason}";
        return new KlResult(value, estimate.Method, error, estimate.SampleCount, estimate.IsUpperBound, estimate.IsReliable, reason, estimate.ParetoK, estimate.GradientEstimator);
    }
}
