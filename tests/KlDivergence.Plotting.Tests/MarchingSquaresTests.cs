using System.Xml.Linq;
using KlDivergence.Samples.Plotting;

namespace KlDivergence.Plotting.Tests;

public class MarchingSquaresTests
{
    [Theory]
    [InlineData(0.5)]
    [InlineData(1.3)]
    [InlineData(1.9)]
    public void Circle_level_of_paraboloid_stays_within_one_cell_of_the_radius(double r)
    {
        (double[] x, double[] y, double[,] z) = Paraboloid(n: 41, half: 2);
        double h = x[1] - x[0];

        IReadOnlyList<ContourLine> lines = MarchingSquares.Trace(x, y, z, r * r);

        lines.Should().ContainSingle();
        lines[0].IsClosed.Should().BeTrue();
        lines[0].Level.Should().Be(r * r);
        lines[0].Points.Should().HaveCountGreaterThan(8);
        lines[0].Points.Should().OnlyContain(p => Math.Abs(Math.Sqrt((p.X * p.X) + (p.Y * p.Y)) - r) <= h);
        lines[0].Points[0].Should().Be(lines[0].Points[^1]);
    }

    [Fact]
    public void Level_crossing_the_boundary_gives_open_lines()
    {
        (double[] x, double[] y, double[,] z) = Paraboloid(n: 21, half: 1);

        // r = 1.2 exits the square [-1, 1]², leaving four arcs near the corners.
        IReadOnlyList<ContourLine> lines = MarchingSquares.Trace(x, y, z, 1.44);

        lines.Should().HaveCount(4);
        lines.Should().OnlyContain(l => !l.IsClosed);
    }

    [Theory]
    [InlineData(0.6, 2)]
    [InlineData(0.4, 2)]
    public void Saddle_cells_are_resolved_by_the_centre_average(double level, int expectedLines)
    {
        // Diagonal highs: corners (0,0) and (1,1) are 1, the others 0; the centre average is 0.5.
        double[,] z = { { 1, 0 }, { 0, 1 } };

        IReadOnlyList<ContourLine> lines = MarchingSquares.Trace([0.0, 1], [0.0, 1], z, level);

        lines.Should().HaveCount(expectedLines);
        Point2[][] segments = lines.Select(l => l.Points.ToArray()).ToArray();

        // Centre below the level isolates the high corners; above it isolates the low ones.
        Point2[] cornersCut = level > 0.5 ? [new(0, 0), new(1, 1)] : [new(1, 0), new(0, 1)];
        foreach (Point2 corner in cornersCut)
        {
            segments.Should().Contain(s => s.All(p => Math.Abs(p.X - corner.X) + Math.Abs(p.Y - corner.Y) <= 1 + 1e-12));
        }
    }

    [Fact]
    public void Contour_plot_draws_one_group_per_level_with_colormap_colours()
    {
        (double[] x, double[] y, double[,] z) = Paraboloid(n: 31, half: 2);
        var figure = new Figure();
        figure[0].Contour(x, y, z, levels: [0.5, 1, 2]).ContourFilled(x, y, z, levelCount: 6, alpha: 0.3);

        XDocument doc = SvgAssert.Parse(figure.ToSvgString());
        XElement[] levels = SvgAssert.Groups(doc, "contour").Single().Elements().ToArray();

        levels.Should().HaveCount(3);
        levels.Select(l => (string?)l.Attribute("stroke")).Should().OnlyHaveUniqueItems();
        levels[0].Attribute("stroke")!.Value.Should().Be(Colormap.Viridis.Map(0));
        levels.Should().OnlyContain(l => l.Elements(SvgAssert.Ns + "polyline").Count() == 1);
        SvgAssert.Groups(doc, "contourf").Single().Elements(SvgAssert.Ns + "rect").Should().NotBeEmpty();
        figure[0].GetXLimits().Should().Be(new Interval(-2, 2), "contours pin the limits to the grid");
    }

    private static (double[] X, double[] Y, double[,] Z) Paraboloid(int n, double half)
    {
        double[] x = Enumerable.Range(0, n).Select(i => -half + (2 * half * i / (n - 1))).ToArray();
        double[] y = [.. x];
        var z = new double[n, n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                z[i, j] = (x[j] * x[j]) + (y[i] * y[i]);
            }
        }

        return (x, y, z);
    }
}
