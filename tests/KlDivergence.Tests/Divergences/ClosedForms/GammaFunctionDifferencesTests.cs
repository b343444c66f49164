using System.Globalization;
using KlDivergence.Divergences.ClosedForms;
using KlDivergence.Tensors;

namespace KlDivergence.Tests.Divergences.ClosedForms;

/// <summary>
/// <see cref="GammaFunctionDifferences"/> (E(a, b) = log Γ(b) - log Γ(a) - (b - a)ψ(a) and ψ(b) - ψ(a)) and
/// <see cref="ScaleRatio.RelativeEntropyTerm(Tensor, Tensor)"/> (a log(a/b) - a + b) against 90-digit mpmath values
/// rounded to the nearest double, over 1100 seeded pairs in every regime (typical, near one, nearly equal from 1e-3 to
/// 1e7, a few shifts apart, far apart, tiny, huge); the vector kernels against the scalar entries bit for bit; and the
/// pairs the lanes leave to scalar code.
/// </summary>
public class GammaFunctionDifferencesTests
{
    private const double Epsilon = 2.220446049250313e-16;

    /// <summary>GammaFunctionDifferencesReference.csv (written by the .py beside it): region, a, b, E, ψ(b) - ψ(a), a log(a/b) - a + b.</summary>
    private static (string Region, double A, double B, double[] Values)[] Reference() =>
        [.. File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "Divergences", "ClosedForms", "GammaFunctionDifferencesReference.csv")).Skip(1).Select(line =>
        {
            var cells = line.Split(',');
            double Parse(string cell) => double.Parse(cell, CultureInfo.InvariantCulture);
            return (cells[0], Parse(cells[1]), Parse(cells[2]), new[] { Parse(cells[3]), Parse(cells[4]), Parse(cells[5]) });
        })];

    /// <summary>
    /// Through the vector kernels (the tensor op's value, and ∂/∂b of its sum for ψ(b) - ψ(a)): the largest relative
    /// error stays within what was measured (4.8, 2.0 and 4.3 ulps), and in each region the mean signed error within a
    /// third of an ulp: a dropped shift or a wrong series term biases a whole region the same way.
    /// </summary>
    [Theory]
    [InlineData(0, 5.3)]
    [InlineData(1, 2.5)]
    [InlineData(2, 4.8)]
    public void ErrorsAgainstMpmathAreSmallAndUnbiased(int function, double maxUlps)
    {
        var rows = Reference();
        double[] first = [.. rows.Select(r => r.A)], second = [.. rows.Select(r => r.B)];
        var a = Tensor.FromArray(first, [first.Length]);
        var b = Tensor.FromArray(second, [second.Length], requiresGrad: function == 1);
        double[] actual;
        if (function == 2)
        {
            actual = ScaleRatio.RelativeEntropyTerm(a, b).ToArray();
        }
        else
        {
            var excess = GammaFunctionDifferences.LogGammaExcess(a, b);
            if (function == 1)
            {
                excess.Sum().Backward();
            }

            actual = function == 0 ? excess.ToArray() : b.Grad!.ToArray();
        }

        var errors = rows.Select((r, i) => (r.Region, Ulps: (actual[i] - r.Values[function]) / (Epsilon * Math.Abs(r.Values[function])))).ToArray();
        errors.Max(e => Math.Abs(e.Ulps)).Should().BeLessThanOrEqualTo(maxUlps);
        foreach (var region in errors.GroupBy(e => e.Region))
        {
            region.Average(e => e.Ulps).Should().BeInRange(-1.0 / 3, 1.0 / 3, $"the mean error in {region.Key}");
        }
    }

    [Fact]
    public void VectorKernelsGiveTheScalarEntriesBits()
    {
        var rows = Reference();
        double[] first = [.. rows.Select(r => r.A), .. SpecialPairs.Select(p => p.A)];
        double[] second = [.. rows.Select(r => r.B), .. SpecialPairs.Select(p => p.B)];
        var a = Tensor.FromArray(first, [first.Length]);
        var b = Tensor.FromArray(second, [second.Length], requiresGrad: true);
        var excess = GammaFunctionDifferences.LogGammaExcess(a, b);
        excess.Sum().Backward();
        var entropy = ScaleRatio.RelativeEntropyTerm(a, b).ToArray();
        for (int i = 0; i < first.Length; i++)
        {
            excess.ToArray()[i].Should().Be(GammaFunctionDifferences.LogGammaExcess(first[i], second[i]), $"E at ({first[i]:R}, {second[i]:R})");
            b.Grad!.ToArray()[i].Should().Be(GammaFunctionDifferences.DigammaDifference(first[i], second[i]), $"ψ(b) - ψ(a) at ({first[i]:R}, {second[i]:R})");
            entropy[i].Should().Be(ScaleRatio.RelativeEntropyTerm(first[i], second[i]), $"the relative entropy at ({first[i]:R}, {second[i]:R})");
        }
    }

    /// <summary>Pairs at the edges of the lanes' domain, and beyond it.</summary>
    private static readonly (double A, double B)[] SpecialPairs =
    [
        (1e-310, 1e-309), (1.0, 1e-310), (1e-300, 2e-300), (1e10, 1e-300), (1e-300, 1e10), (1e308, 1e-300), (2.5e-308, 3.0),
        (1.5, 1e300), (3.0, 3.0), (1e-310, 1e-310), (double.MaxValue, 1.0), (1.0, double.MaxValue), (2.0, double.PositiveInfinity),
        (double.PositiveInfinity, 2.0), (double.NaN, 1.0), (1.0, 0.0),
    ];

    /// <summary>mpmath at 120 digits: E, ψ(b) - ψ(a), a log(a/b) - a + b (±∞ where beyond the doubles).</summary>
    [Theory]
    [InlineData(1e-310, 1e-309, 6.6974149070059987819, double.PositiveInfinity, 6.6974149070059783208e-310)]
    [InlineData(1.0, 1e-310, 713.22416316325263224, double.NegativeInfinity, 712.8013788281541651)]
    [InlineData(1e-300, 2e-300, 0.30685281944005469058, 4.9999999999999998747e+299, 3.0685281944005469827e-301)]
    [InlineData(1e10, 1e-300, 10000000700.86951483, -9.9999999999999997494e+299, 7128013788281.5416202)]
    [InlineData(1e-300, 1e10, double.PositiveInfinity, 9.9999999999999997494e+299, 10000000000.0)]
    [InlineData(1e308, 1e-300, 1.000000000000000011e+308, -9.9999999999999997494e+299, double.PositiveInfinity)]
    [InlineData(2.5e-308, 3.0, 1.2000000000000001088e+308, 4.0000000000000003627e+307, 3.0)]
    [InlineData(1.5, 1e300, 6.8973903792423516495e+302, 690.73903792423512874, 1.0000000000000000525e+300)]
    public void ExtremePairsMatchMpmath(double a, double b, double excess, double difference, double entropy)
    {
        Check(GammaFunctionDifferences.LogGammaExcess(a, b), excess);
        Check(GammaFunctionDifferences.DigammaDifference(a, b), difference);
        Check(ScaleRatio.RelativeEntropyTerm(a, b), entropy);
    }

    [Fact]
    public void EqualArgumentsGiveZeroAndInvalidOnesNaN()
    {
        foreach (double x in new[] { 1e-310, 0.3, 7.0, 1e300 })
        {
            GammaFunctionDifferences.LogGammaExcess(x, x).Should().Be(0);
            GammaFunctionDifferences.DigammaDifference(x, x).Should().Be(0);
            ScaleRatio.RelativeEntropyTerm(x, x).Should().Be(0);
        }

        GammaFunctionDifferences.LogGammaExcess(2.0, double.PositiveInfinity).Should().Be(double.PositiveInfinity);
        GammaFunctionDifferences.DigammaDifference(2.0, double.PositiveInfinity).Should().Be(double.PositiveInfinity);
        GammaFunctionDifferences.DigammaDifference(double.PositiveInfinity, 2.0).Should().Be(double.NegativeInfinity);
        foreach (var (a, b) in new[] { (double.NaN, 1.0), (1.0, double.NaN), (0.0, 1.0), (1.0, -2.0), (double.PositiveInfinity, 2.0) })
        {
            GammaFunctionDifferences.LogGammaExcess(a, b).Should().Be(double.NaN, $"E at ({a}, {b})");
        }
    }

    private static void Check(double actual, double expected)
    {
        if (double.IsInfinity(expected))
        {
            actual.Should().Be(expected);
            return;
        }

        // Within 6 ulps of a reference that is itself rounded to a double (half an ulp more), or one step of the
        // subnormals, which hold fewer bits.
        Math.Abs(actual - expected).Should().BeLessThanOrEqualTo(Math.Max(6.5 * Epsilon * Math.Abs(expected), double.Epsilon), $"the reference is {expected:R}");
    }
}
