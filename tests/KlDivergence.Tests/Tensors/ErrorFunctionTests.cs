using System.Globalization;
using KlDivergence.Tensors;

namespace KlDivergence.Tests.Tensors;

/// <summary>
/// Cody's erfc over lanes against mpmath at 50 digits (ErrorFunctionReference.csv, written by
/// ErrorFunctionReference.py) in every interval and both signs, Φ at published values, and the span entry's bits
/// against the scalar lane's for any position.
/// </summary>
public class ErrorFunctionTests
{
    private static (string Region, double Z, double Erfc)[] Reference() =>
        [.. File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "Tensors", "ErrorFunctionReference.csv")).Skip(1).Select(line =>
        {
            var f = line.Split(',');
            return (f[0], double.Parse(f[1], CultureInfo.InvariantCulture), double.Parse(f[2], CultureInfo.InvariantCulture));
        })];

    [Fact]
    public void ErfcIsWithinEightUlpOfMpmathInEveryIntervalAndReachesTheSubnormals()
    {
        // The rational and the two exponentials round a few times each (6 ulp measured at most, near z = 2.7); below the
        // smallest normal double the result is checked absolutely, to a few subnormal steps.
        var cases = Reference();
        cases.Select(c => c.Region).Distinct().Should().BeEquivalentTo("first", "second", "third", "edge");
        foreach (var (region, z, expected) in cases)
        {
            double actual = ErrorFunction.Erfc(z);
            if (Math.Abs(expected) < 2.2250738585072014e-308)
            {
                actual.Should().BeApproximately(expected, 4 * double.Epsilon, $"{region} z = {z:R}");
            }
            else
            {
                double ulp = Math.BitIncrement(Math.Abs(expected)) - Math.Abs(expected);
                Math.Abs(actual - expected).Should().BeLessThanOrEqualTo(8 * ulp, $"{region} z = {z:R}");
            }
        }
    }

    [Fact]
    public void TheNormalCdfMatchesPublishedValuesAndTheLimits()
    {
        // mpmath ncdf at 40 digits, rounded to double; within 8 ulp as erfc is, plus what rounding z = -x/√2 to a double
        // moves Φ by in the tail: relative x²·2⁻⁵³ (d log erfc/dz ≈ -2z), so 2x² ulp more.
        foreach (var (x, expected) in new[] { (1.959963984540054, 0.975), (-1.0, 0.15865525393145705), (-8.0, 6.220960574271784e-16), (5.0, 0.9999997133484281), (-37.5, 4.605353009581955e-308) })
        {
            double ulp = Math.BitIncrement(expected) - expected;
            Math.Abs(ErrorFunction.NormalCdf(x) - expected).Should().BeLessThanOrEqualTo((8 + (2 * x * x)) * ulp, $"x = {x}");
        }

        ErrorFunction.NormalCdf(0.0).Should().Be(0.5);
        ErrorFunction.NormalCdf(double.NegativeInfinity).Should().Be(0);
        ErrorFunction.NormalCdf(double.PositiveInfinity).Should().Be(1);
        double.IsNaN(ErrorFunction.NormalCdf(double.NaN)).Should().BeTrue();
    }

    [Fact]
    public void TheSpanEntryGivesEachElementTheScalarLanesBits()
    {
        // Mixed intervals in each vector, the limits and NaN, and a scalar remainder: each element's bits are those
        // of the scalar lane at that element alone, whatever its neighbours.
        var x = GradCheck.RandomValues(1_003, 7, -45, 45);
        x[3] = double.NaN;
        x[10] = double.PositiveInfinity;
        x[11] = double.NegativeInfinity;
        x[12] = 0.1;
        x[1_001] = -0.3;
        var y = new double[x.Length];
        ErrorFunction.NormalCdf(x, y);
        for (int i = 0; i < x.Length; i++)
        {
            BitConverter.DoubleToInt64Bits(y[i]).Should().Be(BitConverter.DoubleToInt64Bits(ErrorFunction.NormalCdf(x[i])), $"x = {x[i]:R}");
        }
    }
}
