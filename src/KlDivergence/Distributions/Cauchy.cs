using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Distributions;

/// <summary>
/// The Cauchy distribution: log p(x) = -log π - log γ - log(1 + ((x - x₀)/γ)²). It has no mean or variance:
/// <see cref="Mean"/> is NaN and <see cref="Variance"/> is +∞, as in PyTorch.
/// </summary>
public sealed class Cauchy : Distribution
{
    private const double LogPi = 1.1447298858494001741434273513530587;

    /// <summary>Creates Cauchy(loc, scale).</summary>
    /// <param name="loc">The location (median) x₀ (finite).</param>
    /// <param name="scale">The scale (half width at half maximum) γ (positive, finite).</param>
    /// <exception cref="ArgumentOutOfRangeException">A parameter is out of range; the message names it and its value.</exception>
    public Cauchy(Tensor loc, Tensor scale)
        : base(ParameterChecks.BroadcastParameters(nameof(Cauchy), loc, nameof(loc), scale, nameof(scale)), [])
    {
        Loc = ParameterChecks.Finite(loc, nameof(Cauchy), nameof(loc));
        Scale = ParameterChecks.Positive(scale, nameof(Cauchy), nameof(scale));
    }

    /// <summary>The location x₀.</summary>
    public Tensor Loc { get; }

    /// <summary>The scale γ.</summary>
    public Tensor Scale { get; }

    /// <summary>Lebesgue on the real line; density ~ |x|⁻² on both sides: E|X|^r is finite exactly for r &lt; 1.</summary>
    public override TailProfile? Tails => TailProfile.Univariate(Support.RealLine, Tail.Polynomial(1.0), Tail.Polynomial(1.0));

    /// <inheritdoc/>
    public override bool HasReparameterizedSample => true;

    /// <summary>Undefined: NaN.</summary>
    public override Tensor Mean => FamilyHelpers.Full(double.NaN, BatchShapeArray);

    /// <summary>Infinite: +∞.</summary>
    public override Tensor Variance => FamilyHelpers.Full(double.PositiveInfinity, BatchShapeArray);

    /// <summary>One place: the median x₀ and width γ (there is no standard deviation).</summary>
    public override MassLocations GetMassLocations() => MassLocations.Single(Loc.BroadcastTo(BatchShapeArray), Scale.BroadcastTo(BatchShapeArray));

    /// <summary>-log π - log γ - log(1 + z²), z = (x - x₀)/γ.</summary>
    public override Tensor LogProb(Tensor value) => LogDensity.Of(value, Loc, Scale);

    /// <summary>Differential entropy log(4πγ).</summary>
    public override Tensor Entropy() => (Scale.Log() + (LogPi + (2 * FamilyHelpers.Log2))).BroadcastTo(BatchShapeArray);

    /// <summary>½ + arctan((x - x₀)/γ)/π.</summary>
    public override Tensor Cdf(Tensor value) => 0.5 + (SpecialFunctionOps.Atan((value - Loc) / Scale) * (1 / Math.PI));

    /// <summary>Reparameterised: x₀ + γ tan(π(U - ½)).</summary>
    protected override Tensor SampleCore(int count, RandomStream random)
    {
        int[] shape = SampleShape(count);
        var eps = new double[Shapes.Size(shape)];
        random.FillOpenUniform(eps);
        for (int i = 0; i < eps.Length; i++)
        {
            eps[i] = Math.Tan(Math.PI * (eps[i] - 0.5));
        }

        return LocationScale.Apply(new Tensor(eps, shape), Loc, Scale);
    }

    /// <summary>The log-density as one op (see <see cref="StandardizedLogDensity{TShape}"/>).</summary>
    private static readonly StandardizedLogDensity<StandardShape> LogDensity = new("cauchy log-density");

    /// <summary>
    /// The standard Cauchy: f(z) = -log π - log(1 + z²), f'(z) = -2z/(1 + z²) = -2/(z + 1/z), z f'(z) = -2/(1 + 1/z²);
    /// the last two forms reach their limits (0 and -2) at z = ±∞, where the first forms give ∞/∞.
    /// </summary>
    private readonly struct StandardShape : IStandardShape
    {
        public static void LogDensity(ReadOnlySpan<double> z, Span<double> result)
        {
            TensorPrimitives.Multiply(z, z, result);
            ScalarMath.Log1p(result, result);
            TensorPrimitives.Add(result, LogPi, result);
            TensorPrimitives.Negate(result, result);
        }

        public static void Slope(ReadOnlySpan<double> z, Span<double> result)
        {
            TensorPrimitives.Reciprocal(z, result);
            TensorPrimitives.Add(result, z, result);
            TensorPrimitives.Divide(-2.0, result, result);
        }

        public static void ScoreTimesSlope(ReadOnlySpan<double> z, Span<double> result)
        {
            TensorPrimitives.Multiply(z, z, result);
            TensorPrimitives.Reciprocal(result, result);
            TensorPrimitives.Add(result, 1.0, result);
            TensorPrimitives.Divide(-2.0, result, result);
        }
    }
}
