using KlDivergence.Distributions;
using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Tests.Distributions;

public class VonMisesTests
{
    private static Distribution Make(Tensor[] t) => new VonMises(t[0], t[1]);

    [Theory]
    [InlineData(0.4, 0.05)]
    [InlineData(-2.5, 1.3)]
    [InlineData(1.0, 40.0)]
    [InlineData(0.0, 800.0)]
    public void DensityIntegratesToOneAndCircularMomentsAndEntropyMatchIntegration(double loc, double kappa)
    {
        var d = new VonMises(loc, kappa);
        double[] breaks = [loc];
        FamilyChecks.Expect(d, _ => 1, breaks).Should().BeApproximately(1, 1e-9, "the density integrates to 1");

        // E cos(X - μ) = 1 - circular variance; E sin(X - μ) = 0.
        FamilyChecks.Expect(d, x => Math.Cos(x - loc), breaks).Should().BeApproximately(1 - d.Variance.ToScalar(), 1e-9);
        FamilyChecks.Expect(d, x => Math.Sin(x - loc), breaks).Should().BeApproximately(0, 1e-9);
        double entropy = FamilyChecks.Expect(d, x => { using var s = Tensor.NoGrad(); return -d.LogProb(x).ToScalar(); }, breaks);
        entropy.Should().BeApproximately(d.Entropy().ToScalar(), 1e-8);
        d.Mean.ToScalar().Should().Be(loc);
    }

    [Theory]
    [InlineData(0.4, 0.05)]
    [InlineData(-2.5, 1.3)]
    [InlineData(3.0, 40.0)]
    public void SampleCircularMomentsAreWithinFiveStandardErrors(double loc, double kappa)
    {
        const int n = 100_000;
        var d = new VonMises(loc, kappa);
        var x = d.Sample(n, new RandomStream(20240601UL)).ToArray();
        x.Should().OnlyContain(v => v >= -Math.PI && v < Math.PI);
        double a = 1 - d.Variance.ToScalar();
        var c = x.Select(v => Math.Cos(v - loc)).ToArray();
        var s = x.Select(v => Math.Sin(v - loc)).ToArray();

        // Var cos(X - μ) = (1 + A₂)/2 - A², Var sin(X - μ) = (1 - A₂)/2 with A₂ = I₂(κ)/I₀(κ) (MathNet's Bessel functions).
        double a2 = MathNet.Numerics.SpecialFunctions.BesselIScaled(2, kappa) / MathNet.Numerics.SpecialFunctions.BesselIScaled(0, kappa);
        Math.Abs(c.Average() - a).Should().BeLessThan(5 * Math.Sqrt((((1 + a2) / 2) - (a * a)) / n));
        Math.Abs(s.Average()).Should().BeLessThan(5 * Math.Sqrt((1 - a2) / 2 / n));
    }

    [Fact]
    public void SamplesAreReproducible() =>
        new VonMises(0.5, 2.0).Sample(10, new RandomStream(3UL)).ToArray().Should().Equal(new VonMises(0.5, 2.0).Sample(10, new RandomStream(3UL)).ToArray());

    [Theory]
    [InlineData(0.4, 0.05)]
    [InlineData(-2.5, 1.3)]
    [InlineData(1.0, 40.0)]
    public void LogProbAndEntropyGradientsMatchFiniteDifferences(double loc, double kappa) =>
        FamilyChecks.GradientsMatch(Make, [loc, kappa], [-3.0, 0.2, 2.9]);

    [Fact]
    public void LogProbIsMinusInfinityOutsideTheCircleWithFiniteGradients() =>
        FamilyChecks.OutsideSupportIsMinusInfinity(Make, [0.4, 1.3], [-4.0, 3.5]);

    [Fact]
    public void InvalidParametersAreRejectedWithFamilyParameterAndValue()
    {
        FamilyChecks.Rejects(() => _ = new VonMises(double.NaN, 1.0), "VonMises: loc must be finite, got NaN");
        FamilyChecks.Rejects(() => _ = new VonMises(0.0, 0.0), "VonMises: concentration must be positive and finite, got 0");
    }
}
