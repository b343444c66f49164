using System.Globalization;
using System.Xml.Linq;
using KlDivergence.Samples.Plotting;

namespace KlDivergence.Plotting.Tests;

/// <summary>Helpers for inspecting generated SVG.</summary>
internal static class SvgAssert
{
    public static readonly XNamespace Ns = "http://www.w3.org/2000/svg";

    /// <summary>Parses text the way a consumer would and checks the root element.</summary>
    public static XDocument Parse(string svg)
    {
        XDocument doc = XDocument.Parse(svg);
        doc.Root.Should().NotBeNull();
        doc.Root!.Name.Should().Be(Ns + "svg");
        doc.Root.Attribute("version")!.Value.Should().Be("1.1");
        return doc;
    }

    public static IEnumerable<XElement> Groups(XDocument doc, string cssClass)
        => doc.Descendants(Ns + "g").Where(g => (string?)g.Attribute("class") == cssClass);

    /// <summary>Parses a space-separated <c>points</c> attribute.</summary>
    public static List<Point2> Points(XElement polyline)
    {
        string[] parts = polyline.Attribute("points")!.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        parts.Length.Should().Be(parts.Length / 2 * 2, "points come in pairs");
        var points = new List<Point2>();
        for (int i = 0; i < parts.Length; i += 2)
        {
            points.Add(new Point2(
                double.Parse(parts[i], CultureInfo.InvariantCulture),
                double.Parse(parts[i + 1], CultureInfo.InvariantCulture)));
        }

        return points;
    }
}
