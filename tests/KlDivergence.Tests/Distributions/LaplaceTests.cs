using KlDivergence.Distributions;
using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Tests.Distributions;

public class LaplaceTests
{
    private static Distribution Make(Tensor[] t) => new Laplace(t[0], t[1]);

    private static Distribution Build(params double[] a) => Make([.. a.Select(v => (Tensor)v)]);

    [Theory]
    [InlineData(0.5, 1.5)]
    [InlineData(-2.0, 0.3)]
    public void DensityMomentsAndEntropyMatchIntegration(double a0, double a1)
    {
        var d = Build(a0, a1);
        FamilyChecks.ContinuousMatchesIntegration(d, [d.Mean.ToScalar()]);
    }

    [Theory]
    [InlineData(0.5, 1.5)]
    [InlineData(-2.0, 0.3)]
    public void SampleMomentsAreWithinFiveStandardErrors(double a0, double a1) => FamilyChecks.SampleMomentsMatch(Build(a0, a1), 20240601UL);

    [Theory]
    [InlineData(0.5, 1.5)]
    [InlineData(-2.0, 0.3)]
    public void LogProbAndEntropyGradientsMatchFiniteDifferences(double a0, double a1) =>
        FamilyChecks.GradientsMatch(Make, [a0, a1], [-0.7, 0.1, 2.0]);

    [Theory]
    [InlineData(0.5, 1.5)]
    [InlineData(-2.0, 0.3)]
    public void CdfMatchesTheIntegratedDensity(double a0, double a1) => FamilyChecks.CdfMatchesIntegration(Build(a0, a1), [-3.0, 0.5, 0.6, 4.0]);

    [Fact]
    public void SamplesFollowTheLaplaceCdfByKolmogorovSmirnov()
    {
        // 200 003 draws (the sampler's blocks and a ragged end) against F(x) = ½e^{(x-μ)/b} below μ, 1 - ½e^{-(x-μ)/b}
        // above: the statistic stays under its 1% critical value 1.63/√n.
        const int n = 200_003;
        var x = new Laplace(0.5, 1.5).Sample(n, new RandomStream(77UL)).ToArray();
        Array.Sort(x);
        double d = 0;
        for (int i = 0; i < n; i++)
        {
            double z = (x[i] - 0.5) / 1.5;
            double f = z < 0 ? 0.5 * Math.Exp(z) : 1 - (0.5 * Math.Exp(-z));
            d = Math.Max(d, Math.Max(((i + 1.0) / n) - f, f - ((double)i / n)));
        }

        d.Should().BeLessThan(1.63 / Math.Sqrt(n));
    }

    [Fact]
    public void InvalidParametersAreRejectedWithFamilyParameterAndValue() =>
        FamilyChecks.Rejects(() => _ = new Laplace(0.0, -1.0), "Laplace: scale must be positive and finite, got -1");
}
