using System.Globalization;
using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace KlDivergence.Samples.Plotting;

/// <summary>Small helpers for building SVG elements with culture-independent numbers.</summary>
internal static class Svg
{
    /// <summary>The SVG namespace; every element must live in it for standalone files to render.</summary>
    public static readonly XNamespace Ns = "http://www.w3.org/2000/svg";

    /// <summary>Creates an element in the SVG namespace.</summary>
    public static XElement El(string name, params object?[] content) => new(Ns + name, content);

    /// <summary>Formats a pixel coordinate: invariant culture, at most two decimals, no "-0".</summary>
    public static string Num(double value)
    {
        if (!double.IsFinite(value))
        {
            // Never emit NaN/Infinity into attributes; browsers reject the whole element.
            value = 0;
        }

        // Clamp far-off-limits data so the formatted string stays short and parseable.
        value = Math.Clamp(Math.Round(value, 2), -1e6, 1e6);
        if (value == 0)
        {
            return "0";
        }

        return value.ToString("0.##", CultureInfo.InvariantCulture);
    }

    /// <summary>Formats a general number (opacity, time) with invariant culture.</summary>
    public static string Val(double value) => value.ToString("0.######", CultureInfo.InvariantCulture);

    /// <summary>Builds a space-separated <c>points</c> list (no commas, so no culture ambiguity).</summary>
    public static string Points(IEnumerable<Point2> points)
    {
        var sb = new StringBuilder();
        foreach (Point2 p in points)
        {
            if (sb.Length > 0)
            {
                sb.Append(' ');
            }

            sb.Append(Num(p.X)).Append(' ').Append(Num(p.Y));
        }

        return sb.ToString();
    }

    /// <summary>Returns the <c>stroke-dasharray</c> value for a style, or null for solid lines.</summary>
    public static string? DashArray(LineStyle style, double width) => style switch
    {
        LineStyle.Dashed => $"{Num(3.7 * width)} {Num(1.6 * width)}",
        LineStyle.Dotted => $"{Num(width)} {Num(1.65 * width)}",
        LineStyle.DashDot => $"{Num(6.4 * width)} {Num(1.6 * width)} {Num(width)} {Num(1.6 * width)}",
        _ => null,
    };

    /// <summary>Creates a text element with the usual font attributes.</summary>
    public static XElement Text(double x, double y, string text, double fontSize, string anchor = "middle", string? fill = null)
        => El(
            "text",
            new XAttribute("x", Num(x)),
            new XAttribute("y", Num(y)),
            new XAttribute("font-size", Num(fontSize)),
            new XAttribute("text-anchor", anchor),
            fill is null ? null : new XAttribute("fill", fill),
            text);

    /// <summary>Wraps a root element into a document with an XML declaration.</summary>
    public static XDocument Document(XElement root) => new(new XDeclaration("1.0", "utf-8", null), root);

    /// <summary>Serialises a document as UTF-8 text with an XML declaration.</summary>
    public static string Serialize(XDocument document)
    {
        var settings = new XmlWriterSettings
        {
            Encoding = new UTF8Encoding(false),
            Indent = true,
            IndentChars = " ",
            OmitXmlDeclaration = false,
        };
        using var stream = new MemoryStream();
        using (var writer = XmlWriter.Create(stream, settings))
        {
            document.Save(writer);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>Writes a document to <paramref name="path"/>, creating the directory first.</summary>
    public static void Save(XDocument document, string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string? directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        File.WriteAllText(path, Serialize(document), new UTF8Encoding(false));
    }
}
