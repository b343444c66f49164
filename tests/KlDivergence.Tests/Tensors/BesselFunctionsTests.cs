using System.Globalization;
using FluentAssertions;
using KlDivergence.Tensors;

namespace KlDivergence.Tests.Tensors;

/// <summary>
/// <see cref="BesselFunctions"/> against 40-digit mpmath values (BesselFunctionsReference.csv, written by
/// BesselFunctionsReference.py) on both sides of the switch to the asymptotic series, and the vector kernels against
/// the scalar entries bit for bit.
/// </summary>
public class BesselFunctionsTests
{
    private const double Epsilon = 2.220446049250313e-16;

    private static (string Region, double X, double LogI0, double Ratio)[] Reference() =>
        [.. File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "Tensors", "BesselFunctionsReference.csv")).Skip(1).Select(line =>
        {
            var cells = line.Split(',');
            double Parse(int i) => double.Parse(cells[i], CultureInfo.InvariantCulture);
            return (cells[0], Parse(1), Parse(2), Parse(3));
        })];

    /// <summary>
    /// 600 arguments: the largest relative error stays within what was measured (1.4 and 3.1 ulps), and in each region
    /// the mean signed error within a third of an ulp, which a truncated series or a misplaced switch would bias.
    /// </summary>
    [Theory]
    [InlineData(false, 1.9)]
    [InlineData(true, 3.6)]
    public void ErrorsAgainstMpmathAreSmallAndUnbiased(bool ratio, double maxUlps)
    {
        var rows = Reference();
        var x = rows.Select(r => r.X).ToArray();
        var actual = new double[x.Length];
        if (ratio)
        {
            BesselFunctions.Ratio(x, actual);
        }
        else
        {
            BesselFunctions.LogI0(x, actual);
        }

        var errors = new List<(string Region, double Ulps)>();
        for (int i = 0; i < rows.Length; i++)
        {
            double expected = ratio ? rows[i].Ratio : rows[i].LogI0;
            if (Math.Abs(expected) < 1e-300)
            {
                // x²/4 underflows at the smallest arguments: then only a (near) zero will do.
                Math.Abs(actual[i]).Should().BeLessThan(1e-300, $"x = {x[i]:R}");
                continue;
            }

            errors.Add((rows[i].Region, (actual[i] - expected) / (Epsilon * Math.Abs(expected))));
        }

        errors.Max(e => Math.Abs(e.Ulps)).Should().BeLessThanOrEqualTo(maxUlps);
        foreach (var region in errors.GroupBy(e => e.Region))
        {
            region.Average(e => e.Ulps).Should().BeInRange(-1.0 / 3, 1.0 / 3, $"the mean error in {region.Key}");
        }
    }

    [Fact]
    public void SpecialValuesFollowTheLimits()
    {
        BesselFunctions.LogI0(0).Should().Be(0);
        BesselFunctions.Ratio(0).Should().Be(0);
        BesselFunctions.LogI0(double.PositiveInfinity).Should().Be(double.PositiveInfinity);
        BesselFunctions.Ratio(double.PositiveInfinity).Should().Be(1);
        BesselFunctions.LogI0(double.NaN).Should().Be(double.NaN);
        BesselFunctions.Ratio(double.NaN).Should().Be(double.NaN);

        // I₀ is even and I₁ odd.
        BesselFunctions.LogI0(-3.5).Should().Be(BesselFunctions.LogI0(3.5));
        BesselFunctions.Ratio(-3.5).Should().Be(-BesselFunctions.Ratio(3.5));

        // Near 0: log I₀(x) = x²/4 - x⁴/64 + …, A(x) = x/2 - x³/16 + … (A&S 9.6.10 worked to two terms).
        BesselFunctions.LogI0(1e-5).Should().BeApproximately((1e-10 / 4) - (1e-20 / 64), 1e-26);
        BesselFunctions.Ratio(1e-5).Should().BeApproximately((1e-5 / 2) - (1e-15 / 16), 1e-21);

        // Far out: log I₀(x) = x - ½ log 2πx + 1/(8x) + …, finite where I₀ itself overflows.
        BesselFunctions.LogI0(1e6).Should().BeApproximately(1e6 - (0.5 * Math.Log(2 * Math.PI * 1e6)) + (1 / 8e6), 1e-9);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(8)]
    [InlineData(17)]
    [InlineData(100)]
    public void VectorKernelsGiveTheScalarBits(int n)
    {
        // Vectors with lanes on one side of 20 only, and mixed, and special values.
        double[] x = [.. Enumerable.Range(0, n).Select(i => (i % 7) switch
        {
            0 => 19.5 + Math.Sin(i),
            1 => double.NaN,
            2 => -4.25 * Math.Abs(Math.Sin(i)),
            3 => 0.0,
            4 => 1e-310,
            5 => double.PositiveInfinity,
            _ => 40 * Math.Abs(Math.Sin(3 * i)),
        })];
        var logI0 = new double[n];
        var ratio = new double[n];
        BesselFunctions.LogI0(x, logI0);
        BesselFunctions.Ratio(x, ratio);
        for (int i = 0; i < n; i++)
        {
            BitConverter.DoubleToInt64Bits(logI0[i]).Should().Be(BitConverter.DoubleToInt64Bits(BesselFunctions.LogI0(x[i])), $"log I₀ at {x[i]:R}");
            BitConverter.DoubleToInt64Bits(ratio[i]).Should().Be(BitConverter.DoubleToInt64Bits(BesselFunctions.Ratio(x[i])), $"I₁/I₀ at {x[i]:R}");
        }
    }
}
