using System.Globalization;
using System.Xml.Linq;
using KlDivergence.Samples.Plotting;

namespace KlDivergence.Plotting.Tests;

public class CultureTests
{
    [Fact]
    public void Numbers_are_invariant_under_a_comma_decimal_culture()
    {
        CultureInfo saved = CultureInfo.CurrentCulture, savedUi = CultureInfo.CurrentUICulture;
        CultureInfo german = GermanLike();
        german.NumberFormat.NumberDecimalSeparator.Should().Be(",");
        (1.5).ToString(german).Should().Be("1,5", "the culture must really use decimal commas for this test to mean anything");
        string svg, animationSvg;
        try
        {
            CultureInfo.CurrentCulture = german;
            CultureInfo.CurrentUICulture = german;
            var figure = new Figure(1, 2);
            figure[0].Plot([0.125, 0.5, 0.875], [0.1, 0.35, 0.2], style: LineStyle.DashDot)
                .Scatter([0.3], [0.25], size: 2.5, alpha: 0.45)
                .Histogram([0.11, 0.12, 0.4, 0.41, 0.42], bins: 3)
                .Text(0.5, 0.3, "note");
            figure[0].YLabel = "density";
            (double[] x, double[,] z) = SmallGrid();
            figure[1].Contour(x, x, z, levelCount: 4).ContourFilled(x, x, z, alpha: 0.35);
            svg = figure.ToSvgString();
            animationSvg = new Animation(0.15).AddFrame(figure).AddFrame(figure).AddFrame(figure).ToSvgString();
        }
        finally
        {
            CultureInfo.CurrentCulture = saved;
            CultureInfo.CurrentUICulture = savedUi;
        }

        foreach (string text in new[] { svg, animationSvg })
        {
            XDocument doc = SvgAssert.Parse(text);
            string[] numeric = ["x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "width", "height", "points", "viewBox", "transform",
                "stroke-width", "stroke-dasharray", "fill-opacity", "stroke-opacity", "font-size", "dur", "keyTimes", "data-level"];
            XAttribute[] attributes = doc.Descendants().Attributes().Where(a => numeric.Contains(a.Name.LocalName)).ToArray();
            attributes.Should().NotBeEmpty();
            attributes.Should().OnlyContain(a => !a.Value.Contains(','), "coordinates must not use decimal commas");
            doc.Descendants(SvgAssert.Ns + "text").Select(t => t.Value).Should().NotContain(v => v.Contains(','));
            attributes.Should().Contain(a => a.Value.Contains('.'), "some coordinates are fractional");
        }
    }

    private static CultureInfo GermanLike()
    {
        // The repo builds with InvariantGlobalization, where "de-DE" may be unavailable or carry invariant data.
        try
        {
            var culture = new CultureInfo("de-DE");
            if (culture.NumberFormat.NumberDecimalSeparator == ",")
            {
                return culture;
            }
        }
        catch (CultureNotFoundException)
        {
        }

        var fallback = (CultureInfo)CultureInfo.InvariantCulture.Clone();
        fallback.NumberFormat.NumberDecimalSeparator = ",";
        fallback.NumberFormat.NumberGroupSeparator = ".";
        return fallback;
    }

    private static (double[] X, double[,] Z) SmallGrid()
    {
        double[] x = Enumerable.Range(0, 15).Select(i => -1.05 + (0.15 * i)).ToArray();
        var z = new double[15, 15];
        for (int i = 0; i < 15; i++)
        {
            for (int j = 0; j < 15; j++)
            {
                z[i, j] = Math.Exp(-((x[i] * x[i]) + (2 * x[j] * x[j])));
            }
        }

        return (x, z);
    }
}
