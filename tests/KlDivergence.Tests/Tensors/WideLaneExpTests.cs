using System.Runtime.Intrinsics;
using KlDivergence.Tensors;

namespace KlDivergence.Tests.Tensors;

/// <summary>
/// <see cref="IWideLane{TSelf}.Exp"/> is .NET's vector exponential at every width: the 512-bit, 256-bit and one-lane
/// forms give the same bits (so a kernel's scalar tail agrees with its vectors), within two ulps of Math.Exp, with the limits at
/// ±∞, NaN and the overflow and underflow edges.
/// </summary>
public class WideLaneExpTests
{
    [Fact]
    public void EveryWidthGivesTheSameBitsWithinTwoUlpsOfMathExp()
    {
        double[] special = [0.0, -0.0, 1.0, -1.0, 709.78, 709.79, -745.1, -745.2, -708.5, double.PositiveInfinity, double.NegativeInfinity, double.NaN, 1e-300, -1e-17];
        double[] x = [.. special, .. Enumerable.Range(0, 2000).Select(i => 40 * Math.Sin(0.37 * i) * Math.Cos(0.011 * i))];
        var scalar = x.Select(v => WideLaneScalar.Exp(new WideLaneScalar(v)).Value).ToArray();
        for (int i = 0; i + 8 <= x.Length; i += 8)
        {
            var wide = new double[8];
            WideLane512.Exp(WideLane512.Load(x.AsSpan(i))).Store(wide);
            var half = new double[8];
            WideLane256.Exp(WideLane256.Load(x.AsSpan(i))).Store(half);
            WideLane256.Exp(WideLane256.Load(x.AsSpan(i + 4))).Store(half.AsSpan(4));
            for (int k = 0; k < 8; k++)
            {
                if (Vector512.IsHardwareAccelerated)
                {
                    BitConverter.DoubleToInt64Bits(wide[k]).Should().Be(BitConverter.DoubleToInt64Bits(scalar[i + k]), $"512 bits at {x[i + k]:R}");
                }

                if (Vector256.IsHardwareAccelerated)
                {
                    BitConverter.DoubleToInt64Bits(half[k]).Should().Be(BitConverter.DoubleToInt64Bits(scalar[i + k]), $"256 bits at {x[i + k]:R}");
                }
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

            Math.Abs(scalar[i] - expected).Should().BeLessThanOrEqualTo(Math.Max(2 * (Math.BitIncrement(expected) - expected), double.Epsilon), $"at {x[i]:R}");
        }
    }
}
