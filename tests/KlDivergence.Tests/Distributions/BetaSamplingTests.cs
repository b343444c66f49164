using KlDivergence.Distributions;
using KlDivergence.Random;

namespace KlDivergence.Tests.Distributions;

/// <summary>
/// Beta draws are never NaN and lie strictly inside (0, 1), where the log-density is finite, at concentrations
/// down to 10⁻³⁰⁰ (and subnormal ones); their moments and vertex frequencies match exact values.
/// </summary>
public class BetaSamplingTests
{
    private static readonly double[] Concentrations = [1e-300, 1e-10, 1e-3, 1, 1e3];

    public static TheoryData<double, double> ValidityCases()
    {
        var data = new TheoryData<double, double>();
        foreach (double a in Concentrations)
        {
            foreach (double b in Concentrations)
            {
                data.Add(a, b);
            }
        }

        data.Add(1e-310, 1e-310);
        return data;
    }

    [Theory]
    [MemberData(nameof(ValidityCases))]
    public void DrawsAreInsideTheUnitIntervalAndHaveFiniteLogProb(double a, double b)
    {
        var d = new Beta(a, b);
        var x = d.Sample(2000, new RandomStream(13));
        x.ToArray().Should().OnlyContain(v => v > 0 && v < 1);
        d.LogProb(x).ToArray().Should().OnlyContain(v => double.IsFinite(v));
    }

    [Theory]
    [InlineData(0.001, 0.001)]
    [InlineData(0.001, 0.5)]
    [InlineData(2.5, 1e3)]
    public void MomentsOfDrawsAreWithinFiveStandardErrors(double a, double b)
    {
        // The old sampler gave NaN (0/0) for 23 % of Beta(0.001, 0.001) draws.
        var x = new Beta(a, b).Sample(100_000, new RandomStream(20251202UL)).ToArray();
        var (mean, variance, fourth) = SamplerChecks.BetaMoments(a, b);
        SamplerChecks.MomentsMatch(x, mean, variance, fourth, $"Beta({a}, {b})");
    }

    [Theory]
    [InlineData(1e-300)]
    [InlineData(1e-310)]
    public void AtTinyConcentrationsDrawsSitAtOneWithProbabilityAlphaOverTheTotal(double scale)
    {
        // As α + β → 0 with α/β fixed, Beta(α, β) tends to (β δ₀ + α δ₁)/(α + β) (the exact law is within O(α + β)):
        // X > ½ exactly when -log(U₁)/α < -log(U₀)/β, two exponentials with rates α and β.
        const int n = 20_000;
        var x = new Beta(scale, 2 * scale).Sample(n, new RandomStream(17)).ToArray();
        SamplerChecks.FractionMatches(x.Count(v => v > 0.5), n, 1.0 / 3, $"Beta({scale}, {2 * scale})");
    }
}
