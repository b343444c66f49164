using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using KlDivergence.Distributions;
using KlDivergence.Divergences;

namespace KlDivergence.Tests.Documentation;

/// <summary>
/// Documentation that cannot drift: the README's quick start is this project's <see cref="QuickStart"/> (compiled and
/// run here), and its tables of families and closed-form pairs are generated from the library. Set the environment
/// variable KL_UPDATE_README=1 and run these tests to rewrite the generated tables.
/// </summary>
public class ReadmeTests
{
    private static readonly string Root = FindRoot();

    [Fact]
    public void TheQuickStartIsTheCodeThatRunsHere()
    {
        string readme = File.ReadAllText(Path.Combine(Root, "README.md"));
        var block = Regex.Match(readme, @"<!-- quickstart -->\s*```csharp\n(.*?)```", RegexOptions.Singleline);
        block.Success.Should().BeTrue("the README marks its quick start with <!-- quickstart -->");
        string source = File.ReadAllText(Path.Combine(Root, "tests", "KlDivergence.Tests", "Documentation", "QuickStart.cs"));
        var body = Regex.Match(source, @"// BEGIN QUICKSTART\n(.*?)\s*// END QUICKSTART", RegexOptions.Singleline).Groups[1].Value;
        var readmeCode = string.Join("\n", block.Groups[1].Value.Split('\n').Where(l => !l.StartsWith("using ", StringComparison.Ordinal)));
        Normalize(readmeCode).Should().Be(Normalize(body));

        var output = new StringWriter(CultureInfo.InvariantCulture);
        QuickStart.Run(output);
        var lines = output.ToString().Split('\n');
        lines[0].Trim().Should().Be("0.3494 by ClosedForm");
        lines[1].Should().Contain("by Quadrature");
        lines[2].Should().Contain("(100000 samples)");
    }

    [Fact]
    public void TheFamiliesTableIsGeneratedFromTheLibrary() => CheckSection("families", FamiliesTable());

    [Fact]
    public void ThePairsTableIsGeneratedFromTheRegistry() => CheckSection("pairs", PairsTable());

    /// <summary>Every concrete public distribution type with the parameters of its public constructors and factories.</summary>
    internal static string FamiliesTable()
    {
        var sb = new StringBuilder("| family | parameters |\n| --- | --- |\n");
        var types = typeof(Distribution).Assembly.GetExportedTypes()
            .Where(t => typeof(Distribution).IsAssignableFrom(t) && !t.IsAbstract)
            .OrderBy(t => t.Name, StringComparer.Ordinal);
        foreach (var t in types)
        {
            var signatures = t.GetConstructors().Select(c => Parameters(c.GetParameters()))
                .Concat(t.GetMethods(BindingFlags.Public | BindingFlags.Static).Where(m => m.ReturnType == t).Select(m => $"{m.Name}: {Parameters(m.GetParameters())}"));
            sb.Append(CultureInfo.InvariantCulture, $"| {t.Name} | {string.Join("; ", signatures)} |\n");
        }

        return sb.ToString();
    }

    /// <summary>Every registered closed-form pair, sorted.</summary>
    internal static string PairsTable()
    {
        var pairs = KlRegistry.Default.Pairs.OrderBy(p => p.P.Name, StringComparer.Ordinal).ThenBy(p => p.Q.Name, StringComparer.Ordinal).ToList();
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"{pairs.Count} registered pairs (KL(p ‖ q); subclasses dispatch to the most specific pair).\n\n| p | q |\n| --- | --- |\n");
        foreach (var (p, q) in pairs)
        {
            sb.Append(CultureInfo.InvariantCulture, $"| {p.Name} | {q.Name} |\n");
        }

        return sb.ToString();
    }

    private static string Parameters(ParameterInfo[] parameters) => string.Join(", ", parameters.Select(p => p.Name));

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

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "KlDivergence.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("KlDivergence.sln not found above " + AppContext.BaseDirectory);
    }
}
