using KlDivergence.Tensors;

namespace KlDivergence.Inference;

/// <summary>
/// A flat unconstrained target log-density log p(x), x ∈ ℝᵈ, given as a batched tensor function [n, d] → [n], with
/// counters of the rows at which it was evaluated with a gradient and without. Not thread-safe: one per worker.
/// </summary>
/// <remarks>
/// Rows are evaluated in blocks of at most <see cref="BlockRows"/>: a model's intermediates are [rows, data], so a
/// thousand draws of a model with 20 000 observations made [1000, 20 000] arrays (160 MB each), more than
/// <see cref="TensorPool"/> keeps, and every such evaluation faulted in fresh memory (over half of a Pathfinder fit's
/// time was the kernel clearing pages). A block's arrays are a few megabytes, which the pool takes back. Each row's
/// log-density is its own: blocks change nothing but memory. With reuse on (the constructor's flag) a gradient
/// block's intermediates give their memory to the next block, as a fit's steps do (<see cref="StepArena"/>).
/// </remarks>
internal sealed class FlatTarget
{
    /// <summary>The most rows evaluated at once.</summary>
    internal const int BlockRows = 64;

    private readonly Func<Tensor, Tensor> logDensity;
    private readonly bool reuseIntermediates;

    /// <summary>Gradient blocks evaluated so far: the step an expired intermediate names.</summary>
    private int gradientBlocks;

    /// <summary>Creates the target; <paramref name="reuseIntermediates"/> as <see cref="Optimization.LbfgsOptions.ReuseIntermediates"/>.</summary>
    public FlatTarget(Func<Tensor, Tensor> logDensity, int dimension, bool reuseIntermediates = true)
    {
        ArgumentNullException.ThrowIfNull(logDensity);
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        this.logDensity = logDensity;
        this.reuseIntermediates = reuseIntermediates;
        Dimension = dimension;
    }

    public int Dimension { get; }

    /// <summary>Rows at which the gradient of log p was computed (each row is one gradient evaluation).</summary>
    public int GradientEvaluations { get; private set; }

    /// <summary>Rows at which log p alone was computed.</summary>
    public int DensityEvaluations { get; private set; }

    /// <summary>f(x) = -log p(x) and its gradient, for L-BFGS; -log p = +∞ where log p is not finite.</summary>
    public double NegativeLogDensity(double[] x, double[] gradient)
    {
        double logP = LogDensitiesWithGradients(x, 1, gradient)[0];
        for (int i = 0; i < gradient.Length; i++)
        {
            gradient[i] = -gradient[i];
        }

        return double.IsNaN(logP) ? double.PositiveInfinity : -logP;
    }

    /// <summary>log p at n rows (row-major [n, d]) and, into <paramref name="gradients"/> ([n, d]), ∇log p at each row.</summary>
    public double[] LogDensitiesWithGradients(double[] rows, int n, double[] gradients)
    {
        var values = new double[n];
        int d = Dimension;
        InBlocks(n, (start, count) =>
            StepArena.Run(reuseIntermediates, gradientBlocks++, () =>
            {
                var input = Tensor.FromArray(rows.AsSpan(start * d, count * d), [count, d], requiresGrad: true);
                var output = Check(logDensity(input), count);
                GradientEvaluations += count;
                if (!output.RequiresGrad)
                {
                    throw new InvalidOperationException(
                        "The target log-density does not depend on its input: no gradient flows from it. Compute it with tensor operations " +
                        "on the points it is given (not through ToArray, ToScalar or Detach).");
                }

                var loss = output.Sum();
                loss.Backward();
                var block = gradients.AsSpan(start * d, count * d);
                if (input.Grad is null)
                {
                    block.Clear();
                }
                else
                {
                    input.Grad.Values.CopyTo(block);
                }

                output.Values.CopyTo(values.AsSpan(start));
                return loss;
            }));

        return values;
    }

    /// <summary>log p at n rows (row-major [n, d]), without gradients; NaN is reported as -∞.</summary>
    public double[] LogDensities(double[] rows, int n)
    {
        using var scope = Tensor.NoGrad();
        var values = new double[n];
        int d = Dimension;
        InBlocks(n, (start, count) =>
            Check(logDensity(Tensor.FromArray(rows.AsSpan(start * d, count * d), [count, d])), count).Values.CopyTo(values.AsSpan(start)));

        DensityEvaluations += n;
        for (int i = 0; i < values.Length; i++)
        {
            if (double.IsNaN(values[i]))
            {
                values[i] = double.NegativeInfinity;
            }
        }

        return values;
    }

    /// <summary>Calls <paramref name="block"/> with the first row and the row count of each block of n rows, in order.</summary>
    private static void InBlocks(int n, Action<int, int> block)
    {
        for (int start = 0; start < n; start += BlockRows)
        {
            block(start, Math.Min(BlockRows, n - start));
        }
    }

    private static Tensor Check(Tensor output, int n)
    {
        if (output is null || output.Rank != 1 || output.Shape[0] != n)
        {
            string shape = output is null ? "null" : $"[{string.Join(", ", output.Shape)}]";
            throw new ArgumentException($"The target log-density must map [n, d] to shape [n]; for n = {n} it returned {shape}.", nameof(output));
        }

        return output;
    }
}
