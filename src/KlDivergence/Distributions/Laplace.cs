using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Distributions;

/// <summary>The Laplace (double exponential) distribution: log p(x) = -|x - μ|/b - log 2b.</summary>
public sealed class Laplace : Distribution
{
    /// <summary>Creates Laplace(loc, scale).</summary>
    /// <param name="loc">The location μ (finite).</param>
    /// <param name="scale">The scale b (positive, finite).</param>
    /// <exception cref="ArgumentOutOfRangeException">A parameter is out of range; the message names it and its value.</exception>
    public Laplace(Tensor loc, Tensor scale)
        : base(ParameterChecks.BroadcastParameters(nameof(Laplace), loc, nameof(loc), scale, nameof(scale)), [])
    {
        Loc = ParameterChecks.Finite(loc, nameof(Laplace), nameof(loc));
        Scale = ParameterChecks.Positive(scale, nameof(Laplace), nameof(scale));
    }

    /// <summary>The location μ.</summary>
    public Tensor Loc { get; }

    /// <summary>The scale b.</summary>
    public Tensor Scale { get; }

    /// <summary>Lebesgue on the real line; log p falls like -|x|/b on both sides (every moment exists).</summary>
    public override TailProfile? Tails => TailProfile.Univariate(Support.RealLine, Tail.Power(1), Tail.Power(1));

    /// <inheritdoc/>
    public override bool HasReparameterizedSample => true;

    /// <summary>μ.</summary>
    public override Tensor Mean => Loc.BroadcastTo(BatchShapeArray);

    /// <summary>2b².</summary>
    public override Tensor Variance => (Scale.Square() * 2.0).BroadcastTo(BatchShapeArray);

    /// <summary>-|x - μ|/b - log 2b.</summary>
    public override Tensor LogProb(Tensor value) => LogDensity.Of(value, Loc, Scale);

    /// <summary>Differential entropy 1 + log 2b.</summary>
    public override Tensor Entropy() => ((Scale * 2.0).Log() + 1.0).BroadcastTo(BatchShapeArray);

    /// <summary>½e^{-|z|} for z = (x - μ)/b &lt; 0, else 1 - ½e^{-|z|}.</summary>
    public override Tensor Cdf(Tensor value)
    {
        var z = (value - Loc) / Scale;
        var half = (-z.Abs()).Exp() * 0.5;
        return TensorOps.Where(TensorOps.LessThan(z, 0.0), half, 1.0 - half);
    }

    /// <summary>Noise values per stack block of <see cref="SampleCore"/>.</summary>
    private const int NoiseBlock = 512;

    /// <summary>Reparameterised: μ + bε with ε = -sign(u) log(1 - 2|u|), u ~ Uniform(-½, ½).</summary>
    protected override Tensor SampleCore(int count, RandomStream random)
    {
        int[] shape = SampleShape(count);
        var eps = TensorPool.Rent(Shapes.Size(shape));
        random.FillOpenUniform(eps);

        // Block by block through the stack, so each block stays in cache: u - ½, then log(1 - 2|u|) by the vectorised
        // log1p, then its sign flipped against u's.
        Span<double> work = stackalloc double[2 * NoiseBlock];
        for (int start = 0; start < eps.Length; start += NoiseBlock)
        {
            var u = eps.AsSpan(start, Math.Min(NoiseBlock, eps.Length - start));
            var argument = work[..u.Length];
            var log = work.Slice(NoiseBlock, u.Length);
            TensorPrimitives.Subtract(u, 0.5, u);
            TensorPrimitives.Abs(u, argument);
            TensorPrimitives.Multiply(argument, -2.0, argument);
            ScalarMath.Log1p(argument, log);
            TensorPrimitives.CopySign(log, u, u);
            TensorPrimitives.Negate(u, u);
        }

        return LocationScale.Apply(new Tensor(eps, shape), Loc, Scale);
    }

    /// <summary>The log-density as one op (see <see cref="StandardizedLogDensity{TShape}"/>).</summary>
    private static readonly StandardizedLogDensity<StandardShape> LogDensity = new("laplace log-density");

    /// <summary>The standard Laplace: f(z) = -|z| - log 2, f'(z) = -sign z (0 at 0, as the gradient of |z| is here), z f'(z) = -|z|.</summary>
    private readonly struct StandardShape : IStandardShape
    {
        public static void LogDensity(ReadOnlySpan<double> z, Span<double> result)
        {
            TensorPrimitives.Abs(z, result);
            TensorPrimitives.Add(result, FamilyHelpers.Log2, result);
            TensorPrimitives.Negate(result, result);
        }

        public static void Slope(ReadOnlySpan<double> z, Span<double> result)
        {
            int i = 0;
            var one = System.Numerics.Vector<double>.One;
            var zero = System.Numerics.Vector<double>.Zero;
            for (; i <= z.Length - System.Numerics.Vector<double>.Count; i += System.Numerics.Vector<double>.Count)
            {
                var x = new System.Numerics.Vector<double>(z[i..]);
                var sign = System.Numerics.Vector.ConditionalSelect(System.Numerics.Vector.GreaterThan(x, zero), -one, System.Numerics.Vector.ConditionalSelect(System.Numerics.Vector.LessThan(x, zero), one, zero));
                sign.CopyTo(result[i..]);
            }

            for (; i < z.Length; i++)
            {
                double x = z[i];
                result[i] = x > 0 ? -1.0 : x < 0 ? 1.0 : 0.0;
            }
        }

        public static void ScoreTimesSlope(ReadOnlySpan<double> z, Span<double> result)
        {
            TensorPrimitives.Abs(z, result);
            TensorPrimitives.Negate(result, result);
        }
    }
}
