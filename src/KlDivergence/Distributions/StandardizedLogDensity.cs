using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using KlDivergence.Tensors;

namespace KlDivergence.Distributions;

/// <summary>
/// log p(x; μ, σ) = f(z) - log σ with z = (x - μ)/σ, for a location-scale family whose standard member's log-density is
/// <typeparamref name="TShape"/>'s f, as one op of the autodiff engine: one output array and no intermediates, where
/// the same formula written with tensor operations made four arrays of the output's size (and their gradients).
/// Gradients, with t = g/σ: ∂/∂x = t f'(z), ∂/∂μ = -t f'(z), ∂/∂σ = -t (z f'(z) + 1).
/// </summary>
/// <remarks>
/// Inputs (x, μ, σ, log σ); the last is log σ over σ's own shape, untracked (its gradient is in ∂/∂σ), so a σ
/// broadcast over many values takes its logarithm once per distinct σ. Each block works span by span in scratch of
/// the block's size, so its values stay in the first-level cache between the passes.
/// </remarks>
internal sealed class StandardizedLogDensity<TShape>(string name) : CustomOp(name, 4)
    where TShape : IStandardShape
{
    [ThreadStatic]
    private static double[]? scratch;

    /// <summary>log p(x; μ, σ) at each element of the broadcast of the three.</summary>
    public Tensor Of(Tensor value, Tensor loc, Tensor scale)
    {
        Tensor logScale;
        using (Tensor.NoGrad())
        {
            logScale = scale.Log();
        }

        return Apply(value, loc, scale, logScale);
    }

    /// <inheritdoc/>
    public override void Forward(in CustomOpBlock block, Span<double> output)
    {
        StandardScores(block, output);
        TShape.LogDensity(output, output);
        TensorPrimitives.Subtract(output, block.Input(3), output);
    }

    /// <inheritdoc/>
    public override void Backward(in CustomOpBlock block, ReadOnlySpan<double> output, ReadOnlySpan<double> outputGradient)
    {
        int n = block.Length;
        var buffer = Scratch(3 * n);
        var z = buffer.AsSpan(0, n);
        var t = buffer.AsSpan(n, n);
        var slope = buffer.AsSpan(2 * n, n);
        StandardScores(block, z);
        TensorPrimitives.Divide(outputGradient, block.Input(2), t);
        if (block.NeedsGradient(2))
        {
            // -t (z f'(z) + 1).
            var gScale = block.Gradient(2);
            TShape.ScoreTimesSlope(z, gScale);
            TensorPrimitives.MultiplyAdd(gScale, t, t, gScale);
            TensorPrimitives.Negate(gScale, gScale);
        }

        if (block.NeedsGradient(0) || block.NeedsGradient(1))
        {
            TShape.Slope(z, slope);
            TensorPrimitives.Multiply(t, slope, t);
            if (block.NeedsGradient(0))
            {
                t.CopyTo(block.Gradient(0));
            }

            if (block.NeedsGradient(1))
            {
                TensorPrimitives.Negate(t, block.Gradient(1));
            }
        }
    }

    /// <summary>z = (x - μ)/σ into <paramref name="z"/>.</summary>
    private static void StandardScores(in CustomOpBlock block, Span<double> z)
    {
        TensorPrimitives.Subtract(block.Input(0), block.Input(1), z);
        TensorPrimitives.Divide(z, block.Input(2), z);
    }

    /// <summary>This thread's scratch, at least <paramref name="length"/> long (blocks are at most <see cref="CustomOp.BlockSize"/>).</summary>
    private static double[] Scratch(int length) =>
        scratch is { } s && s.Length >= length ? s : scratch = new double[Math.Max(length, 3 * BlockSize)];
}
