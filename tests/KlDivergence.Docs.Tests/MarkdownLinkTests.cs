using System.Text.RegularExpressions;

namespace KlDivergence.Docs.Tests;

/// <summary>
/// Every relative link in README.md and docs/*.md resolves to a file or folder inside the repository, and every
/// "#anchor" to a heading of its page: a link that leaves the repository (../shared/...) or names a moved file fails.
/// </summary>
public partial class MarkdownLinkTests
{
    private static readonly string Root = RepositoryRoot.Path;

    public static TheoryData<string> Pages() => new(PageList());

    private static List<string> PageList() =>
    [
        "README.md",
        .. Directory.EnumerateFiles(Path.Combine(Root, "docs"), "*.md").Select(f => Path.GetRelativePath(Root, f).Replace('\\', '/')).Order(StringComparer.Ordinal),
    ];

    [Fact]
    public void TheDocsFolderHoldsTheCliContractAndTheBenchmarks()
    {
        PageList().Should().Contain(["docs/CLI.md", "docs/BENCHMARKS.md"]);
    }

    [Fact]
    public void TheExamplesAreFileBasedProgramsNoProjectGlobs()
    {
        // A project file in the root or in examples/ would compile examples/*.cs into itself (default globbing).
        Directory.GetFiles(Root, "*.csproj").Should().BeEmpty();
        Directory.GetFiles(Path.Combine(Root, "examples"), "*.csproj").Should().BeEmpty();
        var examples = Directory.GetFiles(Path.Combine(Root, "examples"), "*.cs").Select(Path.GetFileName).Order(StringComparer.Ordinal);
        examples.Should().Equal("discrete-kl.cs", "forward-reverse-kl.cs", "understanding-kl.cs", "vi-from-scratch.cs");
        foreach (var file in Directory.GetFiles(Path.Combine(Root, "examples"), "*.cs"))
        {
            var lines = File.ReadAllLines(file);
            lines.Should().Contain("#:project ../src/KlDivergence/KlDivergence.csproj", $"{Path.GetFileName(file)} references the library by project");
            lines.Length.Should().BeLessThanOrEqualTo(45, $"{Path.GetFileName(file)} should read in one screen");
        }
    }

    [Theory]
    [MemberData(nameof(Pages))]
    public void EveryRelativeLinkResolvesInsideTheRepository(string page)
    {
        string path = Path.Combine(Root, page);
        var broken = BrokenLinks(File.ReadAllText(path), Path.GetDirectoryName(path)!).ToList();
        broken.Should().BeEmpty($"every relative link in {page} must name a file in the repository");
    }

    [Fact]
    public void TheCheckFindsALinkOutsideTheRepositoryAMissingFileAndAMissingAnchor()
    {
        const string text = "See [cli](../shared/CLI.md), [gone](docs/Nope.md), [here](#no-such-heading), `../shared/X.md`,\n"
            + "[ok](README.md), [web](https://example.org/a.md), [top](#a-heading).\n\n## A heading\n\n```bash\n[not a link](nowhere.md)\n```\n";
        BrokenLinks(text, Root).Should().BeEquivalentTo("../shared/CLI.md", "docs/Nope.md", "#no-such-heading", "../shared/X.md");
    }

    /// <summary>
    /// The relative targets of inline links, reference definitions and image links, plus code spans that spell a path
    /// to a Markdown file (as `../shared/CLI.md` once did), outside fenced code blocks, that do not resolve.
    /// </summary>
    private static IEnumerable<string> BrokenLinks(string markdown, string directory)
    {
        string text = FencedBlock().Replace(markdown.Replace("\r\n", "\n", StringComparison.Ordinal), string.Empty);
        var anchors = Heading().Matches(text).Select(m => Slug(m.Groups[1].Value)).ToHashSet(StringComparer.Ordinal);
        var targets = InlineLink().Matches(text).Select(m => m.Groups[1].Value)
            .Concat(ReferenceDefinition().Matches(text).Select(m => m.Groups[1].Value))
            .Concat(MarkdownPathInCode().Matches(text).Select(m => m.Groups[1].Value));
        foreach (string target in targets)
        {
            if (UriScheme().IsMatch(target))
            {
                continue;
            }

            int hash = target.IndexOf('#', StringComparison.Ordinal);
            string file = hash >= 0 ? target[..hash] : target;
            if (file.Length == 0)
            {
                if (!anchors.Contains(target[1..]))
                {
                    yield return target;
                }

                continue;
            }

            string full = Path.GetFullPath(Path.Combine(directory, Uri.UnescapeDataString(file)));
            bool inside = full.StartsWith(Root + Path.DirectorySeparatorChar, StringComparison.Ordinal);
            if (!inside || !(File.Exists(full) || Directory.Exists(full)))
            {
                yield return target;
            }
        }
    }

    /// <summary>GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens.</summary>
    private static string Slug(string heading) =>
        Regex.Replace(heading.Trim().ToLowerInvariant().Replace("`", string.Empty, StringComparison.Ordinal), @"[^\p{L}\p{Nd}\s_-]", string.Empty).Replace(' ', '-');

    [GeneratedRegex(@"^```.*?^```", RegexOptions.Singleline | RegexOptions.Multiline)]
    private static partial Regex FencedBlock();

    [GeneratedRegex(@"^#{1,6}\s+(.+?)\s*$", RegexOptions.Multiline)]
    private static partial Regex Heading();

    [GeneratedRegex(@"\]\(\s*<?([^)\s>]+)>?(?:\s+""[^""]*"")?\s*\)")]
    private static partial Regex InlineLink();

    [GeneratedRegex(@"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)", RegexOptions.Multiline)]
    private static partial Regex ReferenceDefinition();

    [GeneratedRegex(@"`((?:\.\./|\./)?[\w./-]+\.md)`")]
    private static partial Regex MarkdownPathInCode();

    [GeneratedRegex(@"^[a-zA-Z][a-zA-Z0-9+.-]*:")]
    private static partial Regex UriScheme();
}
