using System.Xml.Linq;
using KlDivergence.Samples.Plotting;

namespace KlDivergence.Plotting.Tests;

public class NiceTicksTests
{
    [Theory]
    [InlineData(0, 1)]
    [InlineData(-3.7, 12.2)]
    [InlineData(0.0013, 0.0089)]
    [InlineData(120_000, 3_400_000)]
    [InlineData(-1e-3, 1e-3)]
    [InlineData(17, 18)]
    public void Ticks_are_1_2_5_multiples_covering_the_range(double min, double max)
    {
        double[] covering = NiceTicks.Covering(min, max, maxTicks: 6);
        double step = covering[1] - covering[0];

        IsOneTwoFive(step).Should().BeTrue($"step {step} should be 1, 2 or 5 times a power of ten");
        covering[0].Should().BeLessThanOrEqualTo(min);
        covering[^1].Should().BeGreaterThanOrEqualTo(max);
        covering.Length.Should().BeLessThanOrEqualTo(6 + 2);
        for (int i = 1; i < covering.Length; i++)
        {
            (covering[i] - covering[i - 1]).Should().BeApproximately(step, step * 1e-9);
        }

        // Ticks inside the limits: multiples of the step, nothing outside, none missing at the ends.
        double[] inside = NiceTicks.Generate(min, max, maxTicks: 6);
        inside.Should().OnlyContain(t => t >= min - (step * 1e-9) && t <= max + (step * 1e-9));
        inside.Should().OnlyContain(t => Math.Abs((t / step) - Math.Round(t / step)) < 1e-6);
        inside[0].Should().BeLessThan(min + step);
        inside[^1].Should().BeGreaterThan(max - step);
    }

    [Theory]
    [InlineData(0.30000000000000004, 0.1, "0.3")]
    [InlineData(-0.0, 0.5, "0.0")]
    [InlineData(2.5, 0.5, "2.5")]
    [InlineData(40, 20, "40")]
    [InlineData(2_000_000, 500_000, "2e+6")]
    public void Labels_use_the_precision_of_the_step(double value, double step, string expected)
        => NiceTicks.Format(value, step).Should().Be(expected);

    [Fact]
    public void Rendered_tick_labels_cover_the_data()
    {
        var figure = new Figure();
        figure[0].Plot([0.0, 10], [0.0, 16]);

        XDocument doc = SvgAssert.Parse(figure.ToSvgString());
        string[] xLabels = SvgAssert.Groups(doc, "xaxis").Single().Elements(SvgAssert.Ns + "text").Select(t => t.Value).ToArray();
        string[] yLabels = SvgAssert.Groups(doc, "yaxis").Single().Elements(SvgAssert.Ns + "text").Select(t => t.Value).ToArray();

        xLabels.Should().Equal("0", "2", "4", "6", "8", "10");
        yLabels.Should().Equal("0", "5", "10", "15");
    }

    [Fact]
    public void Narrow_panels_still_get_at_least_three_ticks()
    {
        var figure = new Figure(5, 4);
        figure[0].Plot([-4.0, 4], [-1.0, 1]);

        XDocument doc = SvgAssert.Parse(figure.ToSvgString());
        string[] xLabels = SvgAssert.Groups(doc, "xaxis").First().Elements(SvgAssert.Ns + "text").Select(t => t.Value).ToArray();

        xLabels.Should().Equal("-4", "-2", "0", "2", "4");
    }

    private static bool IsOneTwoFive(double step)
    {
        double mantissa = step / Math.Pow(10, Math.Floor(Math.Log10(step) + 1e-9));
        return new[] { 1.0, 2, 5 }.Any(m => Math.Abs(mantissa - m) < 1e-6);
    }
}
