using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Distributions;

/// <summary>
/// The Gumbel (type I extreme value, maximum) distribution: log p(x) = -(z + e^{-z}) - log β with z = (x - μ)/β.
/// </summary>
public sealed class Gumbel : Distribution
{
    /// <summary>Creates Gumbel(loc, scale).</summary>
    /// <param name="loc">The location (mode) μ (finite).</param>
    /// <param name="scale">The scale β (positive, finite).</param>
    /// <exception cref="ArgumentOutOfRangeException">A parameter is out of range; the message names it and its value.</exception>
    public Gumbel(Tensor loc, Tensor scale)
        : base(ParameterChecks.BroadcastParameters(nameof(Gumbel), loc, nameof(loc), scale, nameof(scale)), [])
    {
        Loc = ParameterChecks.Finite(loc, nameof(Gumbel), nameof(loc));
        Scale = ParameterChecks.Positive(scale, nameof(Gumbel), nameof(scale));
    }

    /// <summary>The location μ.</summary>
    public Tensor Loc { get; }

    /// <summary>The scale β.</summary>
    public Tensor Scale { get; }

    /// <summary>Lebesgue on the real line; log p = -z - e^{-z} falls doubly exponentially on the left and like -z on the right.</summary>
    public override TailProfile? Tails => TailProfile.Univariate(Support.RealLine, Tail.DoublyExponential, Tail.Power(1));

    /// <inheritdoc/>
    public override bool HasReparameterizedSample => true;

    /// <summary>μ + βγ (γ the Euler–Mascheroni constant).</summary>
    public override Tensor Mean => (Loc + (Scale * FamilyHelpers.EulerGamma)).BroadcastTo(BatchShapeArray);

    /// <summary>π²β²/6.</summary>
    public override Tensor Variance => (Scale.Square() * (Math.PI * Math.PI / 6)).BroadcastTo(BatchShapeArray);

    /// <summary>-(z + e^{-z}) - log β, z = (x - μ)/β.</summary>
    public override Tensor LogProb(Tensor value) =>
        FamilyHelpers.Masked(value, DensityInterval.Finite, 0.0, x => LogDensity.Of(x, Loc, Scale));

    /// <summary>Differential entropy log β + γ + 1.</summary>
    public override Tensor Entropy() => (Scale.Log() + (FamilyHelpers.EulerGamma + 1)).BroadcastTo(BatchShapeArray);

    /// <summary>exp(-e^{-z}).</summary>
    public override Tensor Cdf(Tensor value) => (-(-(value - Loc) / Scale).Exp()).Exp();

    /// <summary>Reparameterised: μ - β log(-log U).</summary>
    protected override Tensor SampleCore(int count, RandomStream random) =>
        Loc - (Scale * (-StandardNoise.Uniform(random, SampleShape(count)).Log()).Log());

    /// <summary>The log-density as one op (see <see cref="StandardizedLogDensity{TShape}"/>); ±∞ values are masked before it.</summary>
    private static readonly StandardizedLogDensity<StandardShape> LogDensity = new("gumbel log-density");

    /// <summary>The standard Gumbel: f(z) = -(z + e^{-z}), f'(z) = e^{-z} - 1, z f'(z) = z (e^{-z} - 1).</summary>
    private readonly struct StandardShape : IStandardShape
    {
        public static void LogDensity(ReadOnlySpan<double> z, Span<double> result)
        {
            // -(z + e^{-z}) = -e^{-z} - z: written over z only after the last read of it.
            Span<double> scratch = stackalloc double[Math.Min(z.Length, 512)];
            for (int start = 0; start < z.Length; start += scratch.Length)
            {
                int n = Math.Min(scratch.Length, z.Length - start);
                var piece = scratch[..n];
                TensorPrimitives.Negate(z.Slice(start, n), piece);
                TensorPrimitives.Exp(piece, piece);
                TensorPrimitives.Add(piece, z.Slice(start, n), piece);
                TensorPrimitives.Negate(piece, result.Slice(start, n));
            }
        }

        public static void Slope(ReadOnlySpan<double> z, Span<double> result)
        {
            TensorPrimitives.Negate(z, result);
            TensorPrimitives.Exp(result, result);
            TensorPrimitives.Subtract(result, 1.0, result);
        }

        public static void ScoreTimesSlope(ReadOnlySpan<double> z, Span<double> result)
        {
            Slope(z, result);
            TensorPrimitives.Multiply(result, z, result);
        }
    }
}
