using KlDivergence.Tensors;

namespace KlDivergence.Tests.Tensors;

/// <summary>
/// The sine and cosine entries of the element-wise table: within 2 ulp of the runtime's <see cref="Math.Sin"/> and
/// <see cref="Math.Cos"/> (glibc's, correctly rounded in practice), accurate relative to the value next to its zeros,
/// the same bits at every vector width, and gradients that match finite differences.
/// </summary>
public class TrigonometricTests
{
    private static long UlpDistance(double a, double b) => Math.Abs(BitConverter.DoubleToInt64Bits(a) - BitConverter.DoubleToInt64Bits(b));

    [Theory]
    [InlineData(1e-8)]
    [InlineData(0.5)]
    [InlineData(4.0)]
    [InlineData(100.0)]
    [InlineData(1e4)]
    [InlineData(262_143.0)]
    [InlineData(1e7)]
    public void ValuesLieWithinTwoUlpOfTheRuntimeFunctions(double range)
    {
        // Beyond 2¹⁸ the lanes hand the argument to the runtime, so those values are its own.
        var x = GradCheck.RandomValues(100_003, (int)Math.Log2(range) + 40, -range, range);
        var sin = new double[x.Length];
        var cos = new double[x.Length];
        Trigonometric.Sin(x, sin);
        Trigonometric.Cos(x, cos);
        for (int i = 0; i < x.Length; i++)
        {
            UlpDistance(sin[i], Math.Sin(x[i])).Should().BeLessThanOrEqualTo(2, $"sin {x[i]:R}");
            UlpDistance(cos[i], Math.Cos(x[i])).Should().BeLessThanOrEqualTo(2, $"cos {x[i]:R}");
        }
    }

    [Fact]
    public void NextToAZeroTheValueKeepsItsRelativeAccuracy()
    {
        // x within 5e-10 of kπ/2 for k up to 10⁵: the result is as small as 1e-15, so an error left by the reduction
        // (π/2 cut to three parts lost 8e-32 k) would show as a relative error near 1e-11.
        var rng = new System.Random(17);
        var x = new double[50_000];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = (Math.Round(rng.NextDouble() * 1e5) * Math.PI / 2) + ((rng.NextDouble() - 0.5) * 1e-9);
        }

        var sin = new double[x.Length];
        var cos = new double[x.Length];
        Trigonometric.Sin(x, sin);
        Trigonometric.Cos(x, cos);
        for (int i = 0; i < x.Length; i++)
        {
            sin[i].Should().BeApproximately(Math.Sin(x[i]), 4e-16 * Math.Abs(Math.Sin(x[i])), $"sin {x[i]:R}");
            cos[i].Should().BeApproximately(Math.Cos(x[i]), 4e-16 * Math.Abs(Math.Cos(x[i])), $"cos {x[i]:R}");
        }
    }

    [Fact]
    public void SignedZerosInfinitiesAndNaNAreTheRuntimes()
    {
        double[] x = [0.0, -0.0, double.PositiveInfinity, double.NegativeInfinity, double.NaN, 262_144.0, -262_144.0, 1.0];
        var sin = new double[x.Length];
        var cos = new double[x.Length];
        Trigonometric.Sin(x, sin);
        Trigonometric.Cos(x, cos);
        for (int i = 0; i < x.Length; i++)
        {
            BitConverter.DoubleToInt64Bits(sin[i]).Should().Be(BitConverter.DoubleToInt64Bits(Math.Sin(x[i])), $"sin {x[i]:R}");
            if (double.IsFinite(x[i]) && Math.Abs(x[i]) < 1)
            {
                cos[i].Should().Be(Math.Cos(x[i]));
            }
            else
            {
                UlpDistance(cos[i], Math.Cos(x[i])).Should().BeLessThanOrEqualTo(2, $"cos {x[i]:R}");
            }
        }

        double.IsNaN(cos[2]).Should().BeTrue();
        double.IsNaN(cos[4]).Should().BeTrue();
    }

    [Fact]
    public void EveryVectorWidthGivesTheScalarLanesBits()
    {
        // The span entry runs 8 (or 4) lanes at a time with a scalar remainder; each element must be what the scalar
        // lane gives it alone, whatever its position.
        var x = GradCheck.RandomValues(4_099, 5, -300, 300);
        var sin = new double[x.Length];
        var cos = new double[x.Length];
        Trigonometric.Sin(x, sin);
        Trigonometric.Cos(x, cos);
        for (int i = 0; i < x.Length; i++)
        {
            BitConverter.DoubleToInt64Bits(sin[i]).Should().Be(BitConverter.DoubleToInt64Bits(Trigonometric.Of(x[i], cosine: false)));
            BitConverter.DoubleToInt64Bits(cos[i]).Should().Be(BitConverter.DoubleToInt64Bits(Trigonometric.Of(x[i], cosine: true)));
        }
    }

    [Fact]
    public void GradientsMatchFiniteDifferences()
    {
        var x = GradCheck.RandomValues(37, 9, -7, 7);
        GradCheck.Check(t => GradCheck.Project(t[0].Sin()), [x], [[37]]);
        GradCheck.Check(t => GradCheck.Project(t[0].Cos()), [x], [[37]]);
        GradCheck.Check(t => GradCheck.Project(t[0].Sin() * t[0].Cos()), [x], [[37]]);
    }
}
