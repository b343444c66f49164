using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace KlDivergence.Docs.Tests;

/// <summary>
/// Documentation that cannot drift: the README's quick start is this project's <see cref="QuickStart"/> (compiled and
/// run here), and its tables of families and closed-form pairs are generated from the library. Set the environment
/// variable KL_UPDATE_README=1 and run these tests to rewrite the generated tables.
/// </summary>
public class ReadmeTests
{
    private static readonly string Root = RepositoryRoot.Path;

    [Fact]
    public void TheQuickStartIsTheCodeThatRunsHere()
    {
        string readme = File.ReadAllText(Path.Combine(Root, "README.md")).Replace("\r\n", "\n", StringComparison.Ordinal);
        var block = Regex.Match(readme, @"<!-- quickstart -->\s*```csharp\n(.*?)```", RegexOptions.Singleline);
        block.Success.Should().BeTrue("the README marks its quick start with <!-- quickstart -->");
        string source = File.ReadAllText(Path.Combine(Root, "tests", "KlDivergence.Docs.Tests", "QuickStart.cs")).Replace("\r\n", "\n", StringComparison.Ordinal);
        var body = Regex.Match(source, @"// BEGIN QUICKSTART\n(.*?)\s*// END QUICKSTART", RegexOptions.Singleline).Groups[1].Value;
        var readmeCode = string.Join("\n", block.Groups[1].Value.Split('\n').Where(l => !l.StartsWith("using ", StringComparison.Ordinal)));
        Normalize(readmeCode).Should().Be(Normalize(body));

        var output = new StringWriter(CultureInfo.InvariantCulture);
        QuickStart.Run(output);
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Should().HaveCount(3);

        // Closed form: KL(N(0, 2) || N(1, 4)) = ln 2 + (4 + 1) / 32 - 1/2 = 0.349397...
        lines[0].Trim().Should().Be("0.3494 by ClosedForm");

        // Quadrature and Monte Carlo against an independent reference: a plain midpoint rule on the densities written here.
        double reference = MidpointKlNormalVersusMixture();
        var quad = Regex.Match(lines[1], @"^(\S+) by Quadrature, error estimate (\S+)");
        quad.Success.Should().BeTrue(lines[1]);
        double.Parse(quad.Groups[1].Value, CultureInfo.InvariantCulture).Should().BeApproximately(reference, 1.5e-6);
        double.Parse(quad.Groups[2].Value, CultureInfo.InvariantCulture).Should().BeInRange(0, 1e-6);

        var mc = Regex.Match(lines[2], @"^(\S+) ± (\S+) \((\d+) samples\)");
        mc.Success.Should().BeTrue(lines[2]);
        double mcValue = double.Parse(mc.Groups[1].Value, CultureInfo.InvariantCulture);
        double standardError = double.Parse(mc.Groups[2].Value, CultureInfo.InvariantCulture);
        mc.Groups[3].Value.Should().Be("100000");
        standardError.Should().BeInRange(1e-4, 0.1);
        mcValue.Should().BeApproximately(reference, 4 * standardError + 1e-4, "Monte Carlo is within 4 standard errors (plus printing rounding)");

        // The same seed gives the same answer.
        var again = new StringWriter(CultureInfo.InvariantCulture);
        QuickStart.Run(again);
        again.ToString().Should().Be(output.ToString());
    }

    /// <summary>KL(N(3, 1) || 0.5 N(-0.2, 0.1) + 0.5 N(1, 0.5)) by the midpoint rule on [-9, 15] (p's tails beyond are below 1e-30).</summary>
    private static double MidpointKlNormalVersusMixture()
    {
        static double NormalPdf(double x, double mu, double sigma) => Math.Exp(-0.5 * ((x - mu) / sigma) * ((x - mu) / sigma)) / (sigma * Math.Sqrt(2 * Math.PI));
        const double a = -9, b = 15;
        const int n = 400_000;
        double h = (b - a) / n, sum = 0;
        for (int i = 0; i < n; i++)
        {
            double x = a + (i + 0.5) * h;
            double logP = -0.5 * (x - 3) * (x - 3) - 0.5 * Math.Log(2 * Math.PI);
            // log q by log-sum-exp, since q's components are far below p's bulk.
            double l1 = Math.Log(0.5) - 0.5 * ((x + 0.2) / 0.1) * ((x + 0.2) / 0.1) - Math.Log(0.1 * Math.Sqrt(2 * Math.PI));
            double l2 = Math.Log(0.5) - 0.5 * ((x - 1) / 0.5) * ((x - 1) / 0.5) - Math.Log(0.5 * Math.Sqrt(2 * Math.PI));
            double m = Math.Max(l1, l2);
            double logQ = m + Math.Log(Math.Exp(l1 - m) + Math.Exp(l2 - m));
            sum += NormalPdf(x, 3, 1) * (logP - logQ);
        }

        return sum * h;
    }

    [Fact]
    public void TheInteropSectionIsTheCodeThatRunsHere()
    {
        string readme = File.ReadAllText(Path.Combine(Root, "README.md")).Replace("\r\n", "\n", StringComparison.Ordinal);
        var block = Regex.Match(readme, @"<!-- interop -->\s*```csharp\n(.*?)```", RegexOptions.Singleline);
        block.Success.Should().BeTrue("the README marks its interop example with <!-- interop -->");
        string source = File.ReadAllText(Path.Combine(Root, "tests", "KlDivergence.Docs.Tests", "Interop.cs")).Replace("\r\n", "\n", StringComparison.Ordinal);
        string usings = Regex.Match(source, @"// BEGIN INTEROP USINGS\n(.*?)// END INTEROP USINGS", RegexOptions.Singleline).Groups[1].Value;
        string body = Regex.Match(source, @"// BEGIN INTEROP\n(.*?)\s*// END INTEROP\n", RegexOptions.Singleline).Groups[1].Value;
        Normalize(block.Groups[1].Value).Should().Be(Normalize(usings + "\n" + body), "the README's interop block is Interop.cs's using directives and body");

        // It runs: Σ₀₁ = 0.5 from the MathNet matrix, row 1 column 0 = 3 after the System.Numerics round trip, the two
        // Normal densities agree, and the float-built Normal has its closed form.
        var output = new StringWriter(CultureInfo.InvariantCulture);
        Interop.Run(output);
        var parts = output.ToString().Trim().Split(' ');
        parts[0].Should().Be("0.5");
        parts[1].Should().Be("3");
        Math.Abs(double.Parse(parts[2], CultureInfo.InvariantCulture)).Should().BeLessThan(1e-15);
        parts[3].Should().Be("ClosedForm");
    }

    [Fact]
    public void TheFamiliesTableIsGeneratedFromTheLibrary() => CheckSection("families", ReadmeTables.Families());

    [Fact]
    public void ThePairsTableIsGeneratedFromTheRegistry() => CheckSection("pairs", ReadmeTables.Pairs());

    private static void CheckSection(string name, string expected)
    {
        string path = Path.Combine(Root, "README.md");
        string readme = File.ReadAllText(path).Replace("\r\n", "\n", StringComparison.Ordinal);
        string begin = $"<!-- BEGIN GENERATED: {name} -->\n", end = $"<!-- END GENERATED: {name} -->";
        int i = readme.IndexOf(begin, StringComparison.Ordinal), j = readme.IndexOf(end, StringComparison.Ordinal);
        (i >= 0 && j > i).Should().BeTrue($"the README needs the markers {begin.Trim()} ... {end}");
        string actual = readme[(i + begin.Length)..j];
        if (actual != expected && Environment.GetEnvironmentVariable("KL_UPDATE_README") == "1")
        {
            File.WriteAllText(path, readme[..(i + begin.Length)] + expected + readme[j..]);
            return;
        }

        actual.Should().Be(expected, $"the README's generated {name} table must match the library (run the tests with KL_UPDATE_README=1 to regenerate)");
    }

    private static string Normalize(string code) => Regex.Replace(code, @"\s+", " ").Trim();
}
