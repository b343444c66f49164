using KlDivergence.Distributions;
using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Tests.Distributions;

public class KumaraswamyTests
{
    private static Distribution Make(Tensor[] t) => new Kumaraswamy(t[0], t[1]);

    [Theory]
    [InlineData(0.7, 1.3)]
    [InlineData(2.5, 0.8)]
    [InlineData(5.0, 3.0)]
    public void DensityMomentsAndEntropyMatchIntegration(double a, double b) =>
        FamilyChecks.ContinuousMatchesIntegration(new Kumaraswamy(a, b), [0.5]);

    [Fact]
    public void ShapeOneOneIsTheUniformAndTheMomentsMatchTheirFormula()
    {
        // a = b = 1 is Uniform(0, 1): mean ½, variance 1/12, entropy 0. a = 1 is Beta(1, b): mean 1/(1 + b).
        var u = new Kumaraswamy(1.0, 1.0);
        u.Mean.ToScalar().Should().BeApproximately(0.5, 1e-13);
        u.Variance.ToScalar().Should().BeApproximately(1.0 / 12, 1e-13);
        u.Entropy().ToScalar().Should().BeApproximately(0, 1e-15);
        new Kumaraswamy(1.0, 3.0).Mean.ToScalar().Should().BeApproximately(0.25, 1e-13);
    }

    [Theory]
    [InlineData(0.7, 1.3)]
    [InlineData(5.0, 3.0)]
    public void CdfMatchesIntegrationOfTheDensity(double a, double b) =>
        FamilyChecks.CdfMatchesIntegration(new Kumaraswamy(a, b), -0.5, 0.0, 0.01, 0.3, 0.5, 0.97, 1.0, 1.5);

    [Theory]
    [InlineData(0.7, 1.3)]
    [InlineData(5.0, 3.0)]
    public void SampleMomentsAreWithinFiveStandardErrors(double a, double b) => FamilyChecks.SampleMomentsMatch(new Kumaraswamy(a, b), 20240601UL);

    [Fact]
    public void SamplesAreReproducibleAndReparameterised()
    {
        new Kumaraswamy(2.0, 3.0).Sample(10, new RandomStream(3UL)).ToArray().Should().Equal(new Kumaraswamy(2.0, 3.0).Sample(10, new RandomStream(3UL)).ToArray());

        // The pathwise gradient of the sample mean estimates dE[X]/da; compare with a central difference of the mean formula
        // b B(1 + 1/a, b) evaluated here with MathNet's log-beta.
        static double MeanOf(double a, double b) => b * Math.Exp(MathNet.Numerics.SpecialFunctions.BetaLn(1 + (1 / a), b));
        var a = Tensor.Scalar(2.0, requiresGrad: true);
        var x = new Kumaraswamy(a, 3.0).ReparameterizedSample(100_000, new RandomStream(5UL));
        x.Mean().Backward();
        double expected = (MeanOf(2.0 + 1e-6, 3.0) - MeanOf(2.0 - 1e-6, 3.0)) / 2e-6;

        // Per-sample derivative dx/da = -x log x / a (from x = w^{1/a}); its spread sets the standard error.
        var d = x.ToArray().Select(v => -v * Math.Log(v) / 2.0).ToArray();
        double dMean = d.Average();
        double sd = Math.Sqrt(d.Select(v => (v - dMean) * (v - dMean)).Average());
        a.Grad!.ToScalar().Should().BeApproximately(expected, 5 * sd / Math.Sqrt(100_000));
    }

    [Theory]
    [InlineData(0.7, 1.3)]
    [InlineData(5.0, 3.0)]
    public void LogProbCdfAndEntropyGradientsMatchFiniteDifferences(double a, double b)
    {
        FamilyChecks.GradientsMatch(Make, [a, b], [0.1, 0.5, 0.9]);
        CdfChecks.GradientsMatch(Make, [a, b], [0.1, 0.5, 0.9]);
    }

    [Fact]
    public void LogProbIsMinusInfinityOutsideTheSupportWithFiniteGradients() =>
        FamilyChecks.OutsideSupportIsMinusInfinity(Make, [0.7, 1.3], [-0.5, 0.0, 1.0, 1.5]);

    [Fact]
    public void InvalidParametersAreRejectedWithFamilyParameterAndValue()
    {
        FamilyChecks.Rejects(() => _ = new Kumaraswamy(0.0, 1.0), "Kumaraswamy: concentration1 must be positive and finite, got 0");
        FamilyChecks.Rejects(() => _ = new Kumaraswamy(1.0, double.NaN), "Kumaraswamy: concentration0 must be positive and finite, got NaN");
    }
}
