using KlDivergence.Distributions;
using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Tests.Distributions;

public class StudentTTests
{
    private static Distribution Make(Tensor[] t) => new StudentT(t[0], t[1], t[2]);

    private static Distribution Build(params double[] a) => Make([.. a.Select(v => (Tensor)v)]);

    [Theory]
    [InlineData(0.8, 0.3, 1.5)]
    [InlineData(1.5, 0.3, 1.5)]
    [InlineData(3.5, -1.0, 0.7)]
    [InlineData(12.0, 2.0, 3.0)]
    public void DensityMomentsAndEntropyMatchIntegration(double df, double loc, double scale)
    {
        var d = Build(df, loc, scale);
        FamilyChecks.ContinuousMatchesIntegration(d, [loc]);
    }

    [Fact]
    public void MeanAndVarianceAreNaNOrInfiniteWhereTheMomentsDoNotExist()
    {
        var d = new StudentT(new[] { 0.8, 1.5, 2.0, 3.0 }, 0.5, 2.0);
        d.Mean.ToArray()[0].Should().Be(double.NaN);
        d.Mean.ToArray()[1..].Should().Equal(0.5, 0.5, 0.5);
        var v = d.Variance.ToArray();
        v[0].Should().Be(double.NaN);
        v[1].Should().Be(double.PositiveInfinity);
        v[2].Should().Be(double.PositiveInfinity);
        v[3].Should().BeApproximately(4.0 * 3.0, 1e-14);
    }

    [Theory]
    [InlineData(0.8, 0.3, 1.5)]
    [InlineData(3.5, -1.0, 0.7)]
    [InlineData(40.0, 2.0, 3.0)]
    public void LogProbAndCdfMatchMathNet(double df, double loc, double scale)
    {
        var reference = new MathNet.Numerics.Distributions.StudentT(loc, scale, df);
        using var scope = Tensor.NoGrad();
        var d = Build(df, loc, scale);
        foreach (double x in new[] { loc - (30 * scale), loc - scale, loc, loc + (0.2 * scale), loc + (4 * scale) })
        {
            d.LogProb(x).ToScalar().Should().BeApproximately(reference.DensityLn(x), 1e-12);
            d.Cdf(x).ToScalar().Should().BeApproximately(reference.CumulativeDistribution(x), 1e-12);
        }
    }

    [Theory]
    [InlineData(0.8, 0.3, 1.5)]
    [InlineData(3.5, -1.0, 0.7)]
    public void CdfMatchesIntegrationOfTheDensity(double df, double loc, double scale) =>
        FamilyChecks.CdfMatchesIntegration(Build(df, loc, scale), loc - (5 * scale), loc - (0.3 * scale), loc, loc + scale, loc + (20 * scale));

    [Theory]
    [InlineData(9.0, 0.5, 2.0)]
    [InlineData(30.0, -1.0, 0.5)]
    public void SampleMomentsAreWithinFiveStandardErrors(double df, double loc, double scale) =>
        FamilyChecks.SampleMomentsMatch(Build(df, loc, scale), 20240601UL);

    [Fact]
    public void HeavyTailedSamplesHaveTheQuartilesOfTheCdf()
    {
        // ν = 1.5 has no variance: check P(X ≤ x) at three points against binomial standard errors of 10⁵ samples.
        var d = Build(1.5, 0.3, 1.5);
        var x = d.Sample(100_000, new RandomStream(11UL)).ToArray();
        var reference = new MathNet.Numerics.Distributions.StudentT(0.3, 1.5, 1.5);
        foreach (double t in new[] { -2.0, 0.3, 1.7 })
        {
            double q = reference.CumulativeDistribution(t);
            double fraction = x.Count(v => v <= t) / 100_000.0;
            Math.Abs(fraction - q).Should().BeLessThan(5 * Math.Sqrt(q * (1 - q) / 100_000));
        }
    }

    [Fact]
    public void SamplesAreReproducibleAndReparameterisedInLocAndScale()
    {
        var d = Build(5.0, 0.5, 2.0);
        d.Sample(10, new RandomStream(3UL)).ToArray().Should().Equal(d.Sample(10, new RandomStream(3UL)).ToArray());

        // x = μ + σ T, so dx/dμ = 1 and dx/dσ = (x - μ)/σ for every draw.
        var loc = Tensor.Scalar(0.5, requiresGrad: true);
        var scale = Tensor.Scalar(2.0, requiresGrad: true);
        var x = new StudentT(5.0, loc, scale).ReparameterizedSample(1000, new RandomStream(5UL));
        x.Sum().Backward();
        loc.Grad!.ToScalar().Should().BeApproximately(1000, 1e-9);
        scale.Grad!.ToScalar().Should().BeApproximately(x.ToArray().Sum(v => (v - 0.5) / 2.0), 1e-9);

        new StudentT(Tensor.Scalar(5.0, requiresGrad: true), 0.0, 1.0).HasReparameterizedSample.Should().BeFalse("the chi-squared draw has no pathwise gradient in ν");
    }

    [Theory]
    [InlineData(0.8, 0.3, 1.5)]
    [InlineData(3.5, -1.0, 0.7)]
    public void LogProbAndEntropyGradientsMatchFiniteDifferences(double df, double loc, double scale) =>
        FamilyChecks.GradientsMatch(Make, [df, loc, scale], [-1.5, 0.2, 4.0]);

    [Fact]
    public void CdfGradientsMatchFiniteDifferences() =>
        CdfChecks.GradientsMatch(Make, [3.5, -1.0, 0.7], [-2.5, -0.9, 0.4, 3.0]);

    [Fact]
    public void InvalidParametersAreRejectedWithFamilyParameterAndValue()
    {
        FamilyChecks.Rejects(() => _ = new StudentT(0.0, 0.0, 1.0), "StudentT: df must be positive and finite, got 0");
        FamilyChecks.Rejects(() => _ = new StudentT(2.0, double.NaN, 1.0), "StudentT: loc must be finite, got NaN");
        FamilyChecks.Rejects(() => _ = new StudentT(2.0, 0.0, -1.0), "StudentT: scale must be positive and finite, got -1");
        FamilyChecks.Rejects(() => _ = new StudentT(new[] { 1.0, 2.0 }, 0.0, new[] { 1.0, 2.0, 3.0 }), "StudentT: the shape of scale [3]*");
    }
}
