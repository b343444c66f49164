using KlDivergence.Bijectors;
using KlDivergence.Distributions;
using KlDivergence.Tensors;

namespace KlDivergence.Tests.Distributions;

/// <summary>
/// Every built-in univariate family at values ±∞, NaN and at and just outside its support bounds: the density of a
/// proper distribution vanishes at ±∞, so LogProb there is -∞ (never NaN, which would poison sums and mixtures);
/// NaN in gives NaN (or -∞) out, never a number; a CDF is 0 at -∞ and 1 at +∞ and at the end of a bounded support.
/// </summary>
public class ExtremeValueTests
{
    /// <summary>One family with typical parameters and its support bounds (lower, upper; ±∞ when unbounded).</summary>
    public sealed record Family(string Name, Func<Distribution> Make, double Lower, double Upper, bool Discrete)
    {
        public override string ToString() => Name;
    }

    private static readonly Family[] Families =
    [
        new("Normal", () => new Normal(0.3, 1.7), double.NegativeInfinity, double.PositiveInfinity, false),
        new("Laplace", () => new Laplace(0.3, 1.7), double.NegativeInfinity, double.PositiveInfinity, false),
        new("Cauchy", () => new Cauchy(0.3, 1.7), double.NegativeInfinity, double.PositiveInfinity, false),
        new("Gumbel", () => new Gumbel(0.3, 1.7), double.NegativeInfinity, double.PositiveInfinity, false),
        new("Exponential", () => new Exponential(1.7), 0, double.PositiveInfinity, false),
        new("HalfNormal", () => new HalfNormal(1.7), 0, double.PositiveInfinity, false),
        new("Gamma", () => new Gamma(2, 1), 0, double.PositiveInfinity, false),
        new("Gamma(shape < 1)", () => new Gamma(0.5, 1), 0, double.PositiveInfinity, false),
        new("LogNormal", () => new LogNormal(0.3, 1.7), 0, double.PositiveInfinity, false),
        new("Pareto", () => new Pareto(1.5, 2.5), 1.5, double.PositiveInfinity, false),
        new("Beta", () => new Beta(2, 3), 0, 1, false),
        new("ContinuousBernoulli", () => new ContinuousBernoulli(0.3), 0, 1, false),
        new("Uniform", () => new Uniform(-1, 2), -1, 2, false),
        new("Bernoulli", () => new Bernoulli(0.3), 0, 1, true),
        new("Binomial", () => new Binomial(10, 0.3), 0, 10, true),
        new("Geometric", () => new Geometric(0.3), 0, double.PositiveInfinity, true),
        new("Poisson", () => new Poisson(3.5), 0, double.PositiveInfinity, true),
        new("Categorical", () => new Categorical(Tensor.Vector(0.2, 0.5, 0.3)), 0, 2, true),
    ];

    public static TheoryData<Family> All()
    {
        var data = new TheoryData<Family>();
        foreach (var f in Families)
        {
            data.Add(f);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(All))]
    public void LogProbIsMinusInfinityAtBothInfinitiesAndNeverANumberAtNaN(Family family)
    {
        var d = family.Make();
        d.LogProb(double.PositiveInfinity).ToScalar().Should().Be(double.NegativeInfinity, "+∞");
        d.LogProb(double.NegativeInfinity).ToScalar().Should().Be(double.NegativeInfinity, "-∞");
        double atNaN = d.LogProb(double.NaN).ToScalar();
        (double.IsNaN(atNaN) || double.IsNegativeInfinity(atNaN)).Should().BeTrue($"NaN in gives NaN or -∞, not {atNaN}");
    }

    [Theory]
    [MemberData(nameof(All))]
    public void LogProbAtHugeFiniteValuesIsNeverNaNNorPlusInfinity(Family family)
    {
        var d = family.Make();
        foreach (double x in new[] { -1e308, -1e300, -1e20, 1e20, 1e300, 1e308 })
        {
            double v = d.LogProb(x).ToScalar();
            double.IsNaN(v).Should().BeFalse($"at {x}");
            v.Should().BeLessThan(double.PositiveInfinity, $"at {x}");
        }
    }

    [Theory]
    [MemberData(nameof(All))]
    public void LogProbIsMinusInfinityJustOutsideTheSupportAndNotNaNOnItsBounds(Family family)
    {
        var d = family.Make();
        foreach (double bound in new[] { family.Lower, family.Upper }.Where(double.IsFinite))
        {
            d.LogProb(bound).ToScalar().Should().NotBe(double.NaN, $"at the bound {bound}");
            d.LogProb(bound).ToScalar().Should().BeLessThan(double.PositiveInfinity, $"at the bound {bound}");
        }

        if (double.IsFinite(family.Lower))
        {
            double below = family.Discrete ? family.Lower - 1 : family.Lower - (1e-9 * Math.Max(1, Math.Abs(family.Lower)));
            d.LogProb(below).ToScalar().Should().Be(double.NegativeInfinity, $"below the support at {below}");
        }

        if (double.IsFinite(family.Upper))
        {
            double above = family.Discrete ? family.Upper + 1 : family.Upper + (1e-9 * Math.Max(1, Math.Abs(family.Upper)));
            d.LogProb(above).ToScalar().Should().Be(double.NegativeInfinity, $"above the support at {above}");
        }
    }

    [Theory]
    [MemberData(nameof(All))]
    public void CdfIsZeroAtMinusInfinityAndOneAtPlusInfinity(Family family)
    {
        var d = family.Make();
        Tensor low, high;
        try
        {
            low = d.Cdf(double.NegativeInfinity);
            high = d.Cdf(double.PositiveInfinity);
        }
        catch (NotSupportedException)
        {
            return; // no CDF for this family
        }

        low.ToScalar().Should().Be(0);
        high.ToScalar().Should().Be(1);
        if (double.IsFinite(family.Upper))
        {
            d.Cdf(family.Upper).ToScalar().Should().Be(1, "at the upper end of the support");
        }

        if (double.IsFinite(family.Lower) && !family.Discrete)
        {
            d.Cdf(family.Lower).ToScalar().Should().Be(0, "at the lower end of a continuous support");
        }
    }
}
