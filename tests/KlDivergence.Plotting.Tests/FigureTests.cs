using System.Xml.Linq;
using KlDivergence.Samples.Plotting;

namespace KlDivergence.Plotting.Tests;

public class FigureTests
{
    [Fact]
    public void Output_is_well_formed_svg_in_the_svg_namespace()
    {
        var figure = new Figure { Title = "Densities <p & q>" };
        figure[0].Plot([0.0, 1, 2], [1.0, 0, 1], label: "q(x) \"fit\"");
        figure[0].ShowLegend = true;

        string svg = figure.ToSvgString();

        svg.Should().StartWith("<?xml version=\"1.0\" encoding=\"utf-8\"?>");
        XDocument doc = SvgAssert.Parse(svg);
        doc.Root!.Attribute("viewBox")!.Value.Should().Be("0 0 640 480");
        doc.Descendants().Should().OnlyContain(e => e.Name.Namespace == SvgAssert.Ns);
        doc.Descendants(SvgAssert.Ns + "text").Select(t => t.Value).Should().Contain(["Densities <p & q>", "q(x) \"fit\""]);
    }

    [Fact]
    public void Line_plot_points_are_mapped_through_the_axis_transform()
    {
        var figure = new Figure(1, 2);
        double[] x = [0, 1, 2, 3, 4];
        double[] y = [0, 1, 4, 9, 16];
        figure[0, 1].Plot(x, y);
        figure[0, 1].Title = "squares";
        figure[0, 1].XLabel = "x";
        figure[0, 1].YLabel = "y";

        AxisTransform t = figure.GetTransform(0, 1);
        XDocument doc = SvgAssert.Parse(figure.ToSvgString());
        XElement panel = SvgAssert.Groups(doc, "axes").Single(g => (string?)g.Attribute("id") == "ax-0-1");
        List<Point2> points = SvgAssert.Points(panel.Descendants(SvgAssert.Ns + "polyline").Single());

        points.Should().HaveCount(5);
        foreach (int i in new[] { 0, 3, 4 })
        {
            points[i].X.Should().BeApproximately(t.PixelX(x[i]), 0.01);
            points[i].Y.Should().BeApproximately(t.PixelY(y[i]), 0.01);
        }

        // Autoscale pads 5% each side, so the data sits strictly inside the panel's box...
        PixelBox box = t.Box;
        box.X.Should().BeGreaterThan(320, "the panel is in the right half of the figure");
        points.Should().OnlyContain(p => p.X > box.X && p.X < box.Right && p.Y > box.Y && p.Y < box.Bottom);

        // ...and higher data is drawn higher up (smaller SVG y).
        points[4].Y.Should().BeLessThan(points[0].Y);
        t.X.Min.Should().BeApproximately(-0.2, 1e-12);
        t.X.Max.Should().BeApproximately(4.2, 1e-12);
    }

    [Fact]
    public void Fixed_limits_map_to_the_edges_of_the_plot_area()
    {
        var figure = new Figure();
        figure[0].Plot([-1.0, 1], [-1.0, 1]).SetLimits(-1, 1, -1, 1);

        AxisTransform t = figure.GetTransform(0, 0);
        List<Point2> points = SvgAssert.Points(SvgAssert.Parse(figure.ToSvgString()).Descendants(SvgAssert.Ns + "polyline").Single());

        points[0].X.Should().BeApproximately(t.Box.X, 0.01);
        points[0].Y.Should().BeApproximately(t.Box.Bottom, 0.01);
        points[1].X.Should().BeApproximately(t.Box.Right, 0.01);
        points[1].Y.Should().BeApproximately(t.Box.Y, 0.01);
    }

    [Fact]
    public void Non_finite_values_split_a_line()
    {
        var figure = new Figure();
        figure[0].Plot([0.0, 1, 2, 3, 4], [0.0, 1, double.NaN, 3, 4]);

        XDocument doc = SvgAssert.Parse(figure.ToSvgString());
        doc.Descendants(SvgAssert.Ns + "polyline").Select(p => SvgAssert.Points(p).Count).Should().Equal(2, 2);
        doc.ToString().Should().NotContain("NaN");
    }

    [Fact]
    public void Five_by_four_grid_has_twenty_panel_groups()
    {
        var figure = new Figure(5, 4) { Title = "grid" };
        for (int i = 0; i < 20; i++)
        {
            figure[i].Title = $"panel {i}";
            figure[i].Scatter([i, i + 1.0], [1.0, 2], alpha: 0.5);
        }

        XDocument doc = SvgAssert.Parse(figure.ToSvgString());
        List<XElement> panels = SvgAssert.Groups(doc, "axes").ToList();

        panels.Should().HaveCount(20);
        panels.Select(p => (string?)p.Attribute("id")).Should().OnlyHaveUniqueItems();
        figure[4, 3].Should().BeSameAs(figure[19]);

        // Panels of one row share a top edge and never overlap their neighbours.
        PixelBox a = figure.GetPlotArea(2, 1), b = figure.GetPlotArea(2, 2), c = figure.GetPlotArea(3, 1);
        a.Y.Should().Be(b.Y);
        a.Right.Should().BeLessThan(b.X);
        a.Bottom.Should().BeLessThan(c.Y);
    }

    [Fact]
    public void Histogram_fill_reference_lines_text_and_legend_render()
    {
        var rng = new Random(1);
        double[] samples = Enumerable.Range(0, 2000).Select(_ => rng.NextDouble() + rng.NextDouble()).ToArray();
        var figure = new Figure();
        Axes ax = figure[0];
        ax.Histogram(samples, bins: 20, label: "samples")
          .FillBetween([0.0, 1, 2], [0.0, 1, 0], label: "p(x)")
          .VerticalLine(1, label: "mean")
          .HorizontalLine(0.5, color: "gray", style: LineStyle.Dotted)
          .Text(0.05, 0.9, "KL = 0.01", axesFraction: true);
        ax.ShowLegend = true;
        ax.Grid = true;

        XDocument doc = SvgAssert.Parse(figure.ToSvgString());
        SvgAssert.Groups(doc, "bars").Single().Elements(SvgAssert.Ns + "rect").Should().HaveCount(20);
        doc.Descendants(SvgAssert.Ns + "polygon").Should().ContainSingle();
        SvgAssert.Groups(doc, "legend").Single().Elements(SvgAssert.Ns + "text").Select(t => t.Value)
            .Should().Equal("samples", "p(x)", "mean");
        ax.GetYLimits().Min.Should().Be(0, "bars pin the autoscaled y axis at zero");
    }

    [Fact]
    public void Save_creates_the_directory()
    {
        string dir = Path.Combine(Path.GetTempPath(), "kl-plot-" + Guid.NewGuid().ToString("N"), "nested");
        string path = Path.Combine(dir, "fig.svg");
        try
        {
            var figure = new Figure();
            figure[0].Plot([0.0, 1], [0.0, 1]);
            figure.Save(path);

            File.Exists(path).Should().BeTrue();
            SvgAssert.Parse(File.ReadAllText(path));
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(dir)!, recursive: true);
        }
    }
}
