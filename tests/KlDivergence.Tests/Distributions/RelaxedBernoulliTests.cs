using KlDivergence.Distributions;
using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Tests.Distributions;

public class RelaxedBernoulliTests
{
    private static Distribution Make(Tensor[] t) => new RelaxedBernoulli(t[0], t[1]);

    [Theory]
    [InlineData(0.7, 0.3)]
    [InlineData(1.0, 0.5)]
    [InlineData(2.5, 0.8)]
    public void DensityIntegratesToOneAndCdfMatchesIntegration(double temperature, double p)
    {
        var d = new RelaxedBernoulli(temperature, p);
        // Integrated in logit space, y = sigmoid(x), dy = y(1 - y) dx, where the integrand is smooth (for τ < 1 the
        // density has integrable singularities at 0 and 1). Below τ ≈ 0.6 a mass above 1e-9 sits within one ulp of 1
        // (x beyond 36.7, where sigmoid rounds to 1), which no double y can resolve; hence τ ≥ 0.7 here.
        double Integrand(double x)
        {
            double y = 1 / (1 + Math.Exp(-x));
            using var scope = Tensor.NoGrad();
            return y <= 0 || y >= 1 ? 0 : Math.Exp(d.LogProb(y).ToScalar()) * y * (1 - y);
        }

        KlDivergence.Divergences.Quadrature.AdaptiveQuadrature.Integrate(Integrand, double.NegativeInfinity, double.PositiveInfinity, 1e-13, 1e-12)
            .Value.Should().BeApproximately(1, 1e-9);
        FamilyChecks.CdfMatchesIntegration(d, -0.5, 0.01, 0.3, 0.5, 0.9, 1.0, 2.0);
    }

    [Fact]
    public void TemperatureOneHalfLogitsZeroIsTheUniform()
    {
        // τ = 1, l = 0: Y = U exactly (sigmoid(logit U)), so the density is 1 on (0, 1).
        using var scope = Tensor.NoGrad();
        new RelaxedBernoulli(1.0, 0.5).LogProb(new[] { 0.1, 0.5, 0.77 }).ToArray().Should().OnlyContain(v => Math.Abs(v) < 1e-15);
    }

    [Theory]
    [InlineData(0.5, 0.3)]
    [InlineData(2.5, 0.8)]
    public void SampleMeanAndQuantilesAreWithinFiveStandardErrors(double temperature, double p)
    {
        const int n = 100_000;
        var d = new RelaxedBernoulli(temperature, p);
        var x = d.Sample(n, new RandomStream(20240601UL)).ToArray();
        x.Should().OnlyContain(v => v >= 0 && v <= 1);
        double mean = FamilyChecks.Expect(d, y => y, [0.5]);
        double variance = FamilyChecks.Expect(d, y => (y - mean) * (y - mean), [0.5]);
        Math.Abs(x.Average() - mean).Should().BeLessThan(5 * Math.Sqrt(variance / n));
        foreach (double y in new[] { 0.2, 0.5, 0.9 })
        {
            double q = FamilyChecks.Expect(d, t => t <= y ? 1 : 0, [y]);
            Math.Abs((x.Count(v => v <= y) / (double)n) - q).Should().BeLessThan(5 * Math.Sqrt(q * (1 - q) / n));
        }
    }

    [Fact]
    public void SamplesAreReproducibleAndReparameterised()
    {
        var d = new RelaxedBernoulli(0.7, 0.4);
        d.Sample(10, new RandomStream(3UL)).ToArray().Should().Equal(d.Sample(10, new RandomStream(3UL)).ToArray());

        // y = sigmoid((l + L)/τ): dy/dl = y(1 - y)/τ for every draw.
        var logits = Tensor.Scalar(0.3, requiresGrad: true);
        var y = RelaxedBernoulli.FromLogits(0.7, logits).ReparameterizedSample(100, new RandomStream(5UL));
        y.Sum().Backward();
        logits.Grad!.ToScalar().Should().BeApproximately(y.ToArray().Sum(v => v * (1 - v) / 0.7), 1e-12);
    }

    [Theory]
    [InlineData(0.5, 0.3)]
    [InlineData(2.5, 0.8)]
    public void LogProbAndCdfGradientsMatchFiniteDifferences(double temperature, double p)
    {
        GradCheck.Check(t => GradCheck.Project(Make(t[..2]).LogProb(t[2])), [[temperature], [p], [0.1, 0.5, 0.85]], [[], [], [3]], tolerance: 1e-5);
        CdfChecks.GradientsMatch(Make, [temperature, p], [0.1, 0.5, 0.85]);
    }

    [Fact]
    public void LogProbIsMinusInfinityOutsideTheSupportWithFiniteGradients() =>
        FamilyChecks.OutsideSupportIsMinusInfinity(Make, [0.5, 0.3], [-0.5, 0.0, 1.0, 1.5]);

    [Fact]
    public void InvalidParametersAreRejectedWithFamilyParameterAndValue()
    {
        FamilyChecks.Rejects(() => _ = new RelaxedBernoulli(0.0, 0.5), "RelaxedBernoulli: temperature must be positive and finite, got 0");
        FamilyChecks.Rejects(() => _ = new RelaxedBernoulli(1.0, 1.0), "RelaxedBernoulli: probs must be in (0, 1), got 1");
        FamilyChecks.Rejects(() => _ = RelaxedBernoulli.FromLogits(1.0, double.NegativeInfinity), "RelaxedBernoulli: logits must be finite, got -Infinity");
    }
}
