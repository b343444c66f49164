using System.Runtime.Intrinsics;
using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Distributions;

/// <summary>
/// The normal (Gaussian) distribution N(loc, scale²), batched over the broadcast shape of its parameters:
/// log p(x) = -½((x - μ)/σ)² - log σ - ½ log 2π.
/// </summary>
public sealed class Normal : Distribution, IFusedLogDensity, IFusedSampler
{
    /// <summary>Creates N(loc, scale²).</summary>
    /// <param name="loc">The mean μ (finite).</param>
    /// <param name="scale">The standard deviation σ (positive, finite).</param>
    /// <exception cref="ArgumentOutOfRangeException">A parameter is out of range; the message names it and its value.</exception>
    public Normal(Tensor loc, Tensor scale)
        : base(ParameterChecks.BroadcastParameters(nameof(Normal), loc, nameof(loc), scale, nameof(scale)), [])
    {
        Loc = ParameterChecks.Finite(loc, nameof(Normal), nameof(loc));
        Scale = ParameterChecks.Positive(scale, nameof(Normal), nameof(scale));
    }

    /// <summary>The mean μ as given (broadcastable to the batch shape).</summary>
    public Tensor Loc { get; }

    /// <summary>The standard deviation σ as given (broadcastable to the batch shape).</summary>
    public Tensor Scale { get; }

    /// <summary>Lebesgue on the real line; log p falls like -x²/2σ² on both sides (every moment exists).</summary>
    public override TailProfile? Tails => TailProfile.Univariate(Support.RealLine, Tail.Power(2), Tail.Power(2));

    /// <inheritdoc/>
    public override bool HasReparameterizedSample => true;

    /// <inheritdoc/>
    public override Tensor Mean => Loc.BroadcastTo(BatchShapeArray);

    /// <inheritdoc/>
    public override Tensor Variance => Scale.Square().BroadcastTo(BatchShapeArray);

    /// <inheritdoc/>
    public override Tensor LogProb(Tensor value) => TensorOps.NormalLogDensity(value, Loc, Scale);

    /// <summary>Differential entropy ½ + ½ log 2π + log σ.</summary>
    public override Tensor Entropy() => (Scale.Log() + (0.5 + ScalarMath.LogSqrtTwoPi)).BroadcastTo(BatchShapeArray);

    /// <summary>Φ((x - μ)/σ).</summary>
    public override Tensor Cdf(Tensor value) => ((value - Loc) / Scale).NormalCdf();

    /// <summary>Reparameterised: μ + σ ε with ε ~ N(0, 1).</summary>
    protected override Tensor SampleCore(int count, RandomStream random)
    {
        if (IsUnbatched && !Tensor.Tracks(Loc) && !Tensor.Tracks(Scale))
        {
            // No graph to record: scale and shift the noise in place instead of allocating two more tensors.
            var data = GC.AllocateUninitializedArray<double>(count);
            SampleInto(random, data);
            return new Tensor(data, [count]);
        }

        return Loc + (Scale * StandardNoise.Normal(random, SampleShape(count)));
    }

    bool IFusedLogDensity.HasFusedLogDensity => IsUnbatched;

    bool IFusedSampler.HasFusedSampler => IsUnbatched;

    void IFusedSampler.FusedSample(RandomStream random, Span<double> destination) => SampleInto(random, destination);

    void IFusedLogDensity.FusedLogDensity(ReadOnlySpan<double> values, Span<double> logDensity) => LogDensityInto(values, logDensity);

    /// <summary>One location and one scale: what the span kernels below handle.</summary>
    private bool IsUnbatched => Loc.Length == 1 && Scale.Length == 1 && BatchShapeArray.Length == 0;

    /// <summary>μ + σ ε into the span (the same roundings as the tensor expression: σ ε, then + μ).</summary>
    private void SampleInto(RandomStream random, Span<double> destination)
    {
        random.FillStandardNormal(destination);
        double loc = Loc.Data[0], scale = Scale.Data[0];
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var l = Vector256.Create(loc);
            var s = Vector256.Create(scale);
            for (; i <= destination.Length - 4; i += 4)
            {
                var v = Vector256.Create(destination.Slice(i, 4));
                (l + (s * v)).CopyTo(destination.Slice(i, 4));
            }
        }

        for (; i < destination.Length; i++)
        {
            destination[i] = loc + (scale * destination[i]);
        }
    }

    /// <summary>-½((x - μ)/σ)² - log σ - ½ log 2π into the span, as the fused tensor op computes it.</summary>
    private void LogDensityInto(ReadOnlySpan<double> values, Span<double> logDensity)
    {
        double loc = Loc.Data[0], inv = 1 / Scale.Data[0], constant = -Math.Log(Scale.Data[0]) - ScalarMath.LogSqrtTwoPi;
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            // One pass: z = (x - μ)/σ, then -½z² + constant.
            var l = Vector256.Create(loc);
            var s = Vector256.Create(inv);
            var c = Vector256.Create(constant);
            var half = Vector256.Create(-0.5);
            for (; i <= values.Length - 4; i += 4)
            {
                var z = (Vector256.Create(values.Slice(i, 4)) - l) * s;
                ((half * z * z) + c).CopyTo(logDensity.Slice(i, 4));
            }
        }

        for (; i < values.Length; i++)
        {
            double z = (values[i] - loc) * inv;
            logDensity[i] = (-0.5 * z * z) + constant;
        }
    }
}
