using KlDivergence.Distributions;
using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Tests.Distributions;

public class CauchyTests
{
    private static Distribution Make(Tensor[] t) => new Cauchy(t[0], t[1]);

    private static Distribution Build(params double[] a) => Make([.. a.Select(v => (Tensor)v)]);

    [Theory]
    [InlineData(0.5, 1.5)]
    [InlineData(-2.0, 0.3)]
    public void DensityMomentsAndEntropyMatchIntegration(double a0, double a1)
    {
        var d = Build(a0, a1);
        FamilyChecks.ContinuousMatchesIntegration(d, [-2.0, 0.5]);
    }

    [Theory]
    [InlineData(0.5, 1.5)]
    [InlineData(-2.0, 0.3)]
    public void SampleQuartilesAreWithinFiveStandardErrors(double a0, double a1)
    {
        // No moments: the fractions of 10⁵ samples below loc - scale, loc, loc + scale are ¼, ½, ¾ (binomial standard errors).
        var x = Build(a0, a1).Sample(100_000, new RandomStream(7UL)).ToArray();
        foreach (var (k, q) in new[] { (-1.0, 0.25), (0.0, 0.5), (1.0, 0.75) })
        {
            double fraction = x.Count(v => v <= a0 + (k * a1)) / 100_000.0;
            Math.Abs(fraction - q).Should().BeLessThan(5 * Math.Sqrt(q * (1 - q) / 100_000));
        }
    }

    [Theory]
    [InlineData(0.5, 1.5)]
    [InlineData(-2.0, 0.3)]
    public void LogProbAndEntropyGradientsMatchFiniteDifferences(double a0, double a1) =>
        FamilyChecks.GradientsMatch(Make, [a0, a1], [-0.7, 0.1, 2.0]);

    [Fact]
    public void InvalidParametersAreRejectedWithFamilyParameterAndValue() =>
        FamilyChecks.Rejects(() => _ = new Cauchy(double.PositiveInfinity, 1.0), "Cauchy: loc must be finite, got Infinity");

    [Theory]
    [InlineData(0.5, 1.5)]
    [InlineData(-2.0, 0.3)]
    public void CdfMatchesIntegrationOfTheDensity(double a0, double a1) =>
        FamilyChecks.CdfMatchesIntegration(Build(a0, a1), a0 - (40 * a1), a0 - a1, a0, a0 + (0.1 * a1), a0 + (7 * a1));

    [Fact]
    public void CdfMatchesMathNet()
    {
        var reference = new MathNet.Numerics.Distributions.Cauchy(0.5, 1.5);
        using var scope = Tensor.NoGrad();
        foreach (double x in new[] { -1e6, -3.0, 0.5, 0.6, 100.0 })
        {
            new Cauchy(0.5, 1.5).Cdf(x).ToScalar().Should().BeApproximately(reference.CumulativeDistribution(x), 1e-14);
        }
    }

    [Fact]
    public void CdfGradientsMatchFiniteDifferences() => CdfChecks.GradientsMatch(Make, [0.5, 1.5], [-3.0, 0.2, 4.0]);
}
