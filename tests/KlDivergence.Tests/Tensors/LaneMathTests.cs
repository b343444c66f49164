using KlDivergence.Tensors;

namespace KlDivergence.Tests.Tensors;

/// <summary>
/// <see cref="LaneMath.Exp{T}"/> in IEEE operations: the 512-bit, 256-bit and one-lane forms give the same bits, within
/// an ulp of the C library's exponential (itself within an ulp of e^x), with the limits at ±∞, NaN, and the overflow and
/// subnormal edges; and <see cref="IWideLane{TSelf}.PowerOfTwo"/> is exact over its range.
/// </summary>
public class LaneMathTests
{
    [Fact]
    public void ExpGivesTheSameBitsAtEveryWidthWithinAnUlp()
    {
        double[] special = [0.0, -0.0, 1.0, -1.0, 709.78, 709.79, 710.5, -745.1, -745.2, -708.5, -720.3, double.PositiveInfinity, double.NegativeInfinity, double.NaN, 1e-300, -1e-17, 1e300, -1e300];
        double[] x = [.. special, .. Enumerable.Range(0, 4000).Select(i => 40 * Math.Sin(0.37 * i) * Math.Cos(0.011 * i)), .. Enumerable.Range(0, 200).Select(i => -700 - (0.23 * i))];
        var scalar = x.Select(v => LaneMath.Exp(new WideLaneScalar(v)).Value).ToArray();
        for (int i = 0; i + 8 <= x.Length; i += 8)
        {
            var wide = new double[8];
            LaneMath.Exp(WideLane512.Load(x.AsSpan(i))).Store(wide);
            var half = new double[8];
            LaneMath.Exp(WideLane256.Load(x.AsSpan(i))).Store(half);
            LaneMath.Exp(WideLane256.Load(x.AsSpan(i + 4))).Store(half.AsSpan(4));
            for (int k = 0; k < 8; k++)
            {
                wide[k].Should().Be(scalar[i + k], $"512 bits at {x[i + k]:R}");
                half[k].Should().Be(scalar[i + k], $"256 bits at {x[i + k]:R}");
            }
        }

        for (int i = 0; i < x.Length; i++)
        {
            double expected = Math.Exp(x[i]);
            if (double.IsNaN(expected) || double.IsInfinity(expected) || expected == 0)
            {
                scalar[i].Should().Be(expected, $"at {x[i]:R}");
                continue;
            }

            Math.Abs(scalar[i] - expected).Should().BeLessThanOrEqualTo(Math.Max(Math.BitIncrement(expected) - expected, double.Epsilon), $"at {x[i]:R}");
        }
    }

    [Fact]
    public void PowerOfTwoIsExactOverItsRange()
    {
        for (int k = -1022; k <= 1023; k++)
        {
            WideLaneScalar.PowerOfTwo(new WideLaneScalar(k)).Value.Should().Be(Math.ScaleB(1.0, k), $"k = {k}");
            var lanes = new double[8];
            WideLane512.PowerOfTwo(WideLane512.Load([k, k, k, k, k, k, k, k])).Store(lanes);
            lanes.Should().AllBeEquivalentTo(Math.ScaleB(1.0, k));
        }
    }
}
