using KlDivergence.Distributions;
using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Tests.Distributions;

/// <summary>
/// Poisson draws: whole, non-negative and finite at rates up to 10¹⁵; moments of 10⁵ seeded draws against the
/// exact mean λ, variance λ and fourth central moment λ + 3λ²; the pmf by chi-square against MathNet.
/// </summary>
public class PoissonSamplingTests
{
    [Theory]
    [InlineData(1e-3)]
    [InlineData(1.0)]
    [InlineData(10.0)]
    [InlineData(1e3)]
    [InlineData(1e6)]
    [InlineData(1e12)]
    [InlineData(1e15)]
    public void DrawsAreWholeNonNegativeAndHaveFiniteLogProb(double rate)
    {
        var d = new Poisson(rate);
        var x = d.Sample(2000, new RandomStream(11));
        x.ToArray().Should().OnlyContain(v => v >= 0 && double.IsFinite(v) && v == Math.Floor(v));
        d.LogProb(x).ToArray().Should().OnlyContain(v => double.IsFinite(v));
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(10.0)]
    [InlineData(1e4)]
    [InlineData(1e12)]
    [InlineData(1e15)]
    public void MomentsOfDrawsAreWithinFiveStandardErrors(double rate)
    {
        var x = new Poisson(rate).Sample(100_000, new RandomStream(20251202UL)).ToArray();
        SamplerChecks.MomentsMatch(x, rate, rate, rate + (3 * rate * rate), $"Poisson({rate})");
    }

    [Theory]
    [InlineData(0.5, 20)]
    [InlineData(9.5, 60)]
    [InlineData(10.0, 60)]
    [InlineData(57.3, 200)]
    [InlineData(2500.0, 3000)]
    public void PmfOfDrawsPassesChiSquareAgainstMathNet(double rate, int maxCount)
    {
        var x = new Poisson(rate).Sample(100_000, new RandomStream(7)).ToArray();
        SamplerChecks.ChiSquareMatchesPmf(x, k => MathNet.Numerics.Distributions.Poisson.PMF(rate, k), maxCount, $"Poisson({rate})");
    }

    [Fact]
    public void TheSameSeedGivesTheSameDraws()
    {
        var d = new Poisson(Tensor.FromArray([0.5, 30, 1e13], [3]));
        d.Sample(500, new RandomStream(3)).ToArray().Should().Equal(d.Sample(500, new RandomStream(3)).ToArray());
    }
}
