using KlDivergence.Tensors;

namespace KlDivergence.Inference;

/// <summary>
/// A flat unconstrained target log-density log p(x), x ∈ ℝᵈ, given as a batched tensor function [n, d] → [n], with
/// counters of the rows at which it was evaluated with a gradient and without. Not thread-safe: one per worker.
/// </summary>
internal sealed class FlatTarget
{
    private readonly Func<Tensor, Tensor> logDensity;

    public FlatTarget(Func<Tensor, Tensor> logDensity, int dimension)
    {
        ArgumentNullException.ThrowIfNull(logDensity);
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        this.logDensity = logDensity;
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
        var input = Tensor.FromArray(rows, [n, Dimension], requiresGrad: true);
        var output = Check(logDensity(input), n);
        GradientEvaluations += n;
        if (!output.RequiresGrad)
        {
            throw new InvalidOperationException(
                "The target log-density does not depend on its input: no gradient flows from it. Compute it with tensor operations " +
                "on the points it is given (not through ToArray, ToScalar or Detach).");
        }

        output.Sum().Backward();
        if (input.Grad is null)
        {
            Array.Clear(gradients);
        }
        else
        {
            input.Grad.Values.CopyTo(gradients);
        }

        return output.ToArray();
    }

    /// <summary>log p at n rows (row-major [n, d]), without gradients; NaN is reported as -∞.</summary>
    public double[] LogDensities(double[] rows, int n)
    {
        using var scope = Tensor.NoGrad();
        var values = Check(logDensity(Tensor.FromArray(rows, [n, Dimension])), n).ToArray();
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
