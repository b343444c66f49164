using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using KlDivergence.Tensors;

namespace KlDivergence.Distributions;

/// <summary>
/// The location-scale map x = μ + σ ε of a reparameterised draw (normal, diagonal normal, Laplace, Cauchy), as one
/// recorded op: one graph node and one array instead of a product and a sum, each with its own array and its own
/// reduction of the gradient. ∂x/∂μ = 1, ∂x/∂σ = ε and ∂x/∂ε = σ. The roundings are those of the tensor expression
/// <c>loc + (scale * noise)</c>: σ ε rounded, then + μ (no fused multiply-add), so the draws are the same bits.
/// </summary>
internal static class LocationScale
{
    /// <summary>μ + σ ε with the three broadcast together, recorded when μ or σ needs gradients.</summary>
    public static Tensor Apply(Tensor noise, Tensor loc, Tensor scale) => ShiftOp.Instance.Apply(noise, loc, scale);

    /// <summary>μ + σ ε: the one sampler formula, for a scalar and for lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Shift<T>(T loc, T scale, T noise)
        where T : ILane<T> => loc + (scale * noise);

    /// <summary>μ + σ ε for one value.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Shift(double loc, double scale, double noise) => Shift<ScalarLane>(new(loc), new(scale), new(noise)).Value;

    /// <summary>
    /// destination = μ + σ ε element by element, μ and σ each of the noise's length or a single value (the spans may
    /// be the same). Four lanes at a time, the same operations as the scalar loop, so the same bits.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ShiftInto(ReadOnlySpan<double> noise, ReadOnlySpan<double> loc, ReadOnlySpan<double> scale, Span<double> destination)
    {
        int n = noise.Length;
        if (destination.Length < n || (loc.Length != 1 && loc.Length < n) || (scale.Length != 1 && scale.Length < n))
        {
            throw new ArgumentException($"Shift spans: noise {n}, loc {loc.Length}, scale {scale.Length}, destination {destination.Length}.");
        }

        int ls = loc.Length == 1 ? 0 : 1, ss = scale.Length == 1 ? 0 : 1, i = 0;
        if (Vector256.IsHardwareAccelerated && n >= 4)
        {
            ref double er = ref MemoryMarshal.GetReference(noise);
            ref double lr = ref MemoryMarshal.GetReference(loc);
            ref double sr = ref MemoryMarshal.GetReference(scale);
            ref double dr = ref MemoryMarshal.GetReference(destination);
            var sharedLoc = new VectorLane(Vector256.Create(loc[0]));
            var sharedScale = new VectorLane(Vector256.Create(scale[0]));
            for (; i <= n - 4; i += 4)
            {
                var l = ls == 0 ? sharedLoc : new VectorLane(Vector256.LoadUnsafe(ref lr, (nuint)i));
                var s = ss == 0 ? sharedScale : new VectorLane(Vector256.LoadUnsafe(ref sr, (nuint)i));
                Shift(l, s, new VectorLane(Vector256.LoadUnsafe(ref er, (nuint)i))).Value.StoreUnsafe(ref dr, (nuint)i);
            }
        }

        for (; i < n; i++)
        {
            destination[i] = Shift(loc[i * ls], scale[i * ss], noise[i]);
        }
    }

    /// <summary>Inputs (ε, μ, σ); a single-valued μ or σ is read once.</summary>
    private sealed class ShiftOp() : CustomOp("location-scale shift", 3)
    {
        public static readonly ShiftOp Instance = new();

        public override void Forward(in CustomOpBlock block, Span<double> output) =>
            ShiftInto(block.Input(0), Narrow(block, 1), Narrow(block, 2), output);

        public override void Backward(in CustomOpBlock block, ReadOnlySpan<double> output, ReadOnlySpan<double> outputGradient)
        {
            if (block.NeedsGradient(0))
            {
                var scale = Narrow(block, 2);
                if (scale.Length == 1)
                {
                    System.Numerics.Tensors.TensorPrimitives.Multiply(outputGradient, scale[0], block.Gradient(0));
                }
                else
                {
                    System.Numerics.Tensors.TensorPrimitives.Multiply(outputGradient, scale, block.Gradient(0));
                }
            }

            if (block.NeedsGradient(1))
            {
                outputGradient.CopyTo(block.Gradient(1));
            }

            if (block.NeedsGradient(2))
            {
                System.Numerics.Tensors.TensorPrimitives.Multiply(outputGradient, block.Input(0), block.Gradient(2));
            }
        }

        internal override bool ReadsUniformInputOnce(int k) => k is 1 or 2;

        private static ReadOnlySpan<double> Narrow(in CustomOpBlock block, int k) => block.IsUniform(k) ? block.Input(k)[..1] : block.Input(k);
    }
}
