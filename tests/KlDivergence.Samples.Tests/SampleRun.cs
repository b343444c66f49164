using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace KlDivergence.Samples.Tests;

/// <summary>Runs a sample in-process into a temporary directory and parses its <c>KEY = value</c> lines.</summary>
internal sealed class SampleRun : IDisposable
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    public SampleRun(Func<string[], TextWriter, int> run, params string[] extraArgs)
    {
        Directory = Path.Combine(Path.GetTempPath(), "kl-samples-" + Guid.NewGuid().ToString("N"));
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        ExitCode = run([.. extraArgs, "--out", Directory], writer);
        Output = writer.ToString();
        Lines = Output.Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
    }

    public string Directory { get; }

    public int ExitCode { get; }

    public string Output { get; }

    public IReadOnlyList<string> Lines { get; }

    /// <summary>The number on the line starting <c>key = </c>.</summary>
    public double Number(string key)
    {
        var line = Lines.FirstOrDefault(l => l.StartsWith(key + " = ", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"No line '{key} = ...' in the output:\n{Output}");
        var match = Regex.Match(line[(key.Length + 3)..], @"^[-+0-9.eE]+");
        return double.Parse(match.Value, NumberStyles.Float, CultureInfo.InvariantCulture);
    }

    /// <summary>The printed text of the number (to check rounding as printed).</summary>
    public string Text(string key)
    {
        var line = Lines.First(l => l.StartsWith(key + " = ", StringComparison.Ordinal));
        return Regex.Match(line[(key.Length + 3)..], @"^[-+0-9.eE]+").Value;
    }

    public IReadOnlyList<string> SvgFiles() => System.IO.Directory.GetFiles(Directory, "*.svg").OrderBy(f => f, StringComparer.Ordinal).ToArray();

    /// <summary>Loads an SVG and checks it is a plot: an svg root, axis groups and some lines.</summary>
    public static XDocument LoadPlot(string path)
    {
        var doc = XDocument.Load(path);
        doc.Root!.Name.Should().Be(Svg + "svg", path);
        doc.Descendants(Svg + "g").Should().Contain(g => (string?)g.Attribute("class") == "xaxis", path);
        doc.Descendants(Svg + "g").Should().Contain(g => (string?)g.Attribute("class") == "yaxis", path);
        doc.Descendants().Should().Contain(e => e.Name == Svg + "polyline" || e.Name == Svg + "path", path);
        return doc;
    }

    public static int AnimateCount(XDocument doc) => doc.Descendants(Svg + "animate").Count();

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
