using KlDivergence.Samples.ForwardReverseKl;

namespace KlDivergence.Samples.Tests;

/// <summary>One quick in-process run of the ForwardReverseKl sample, shared by the tests.</summary>
public sealed class ForwardReverseKlRun : IDisposable
{
    internal SampleRun Run { get; } = new(ForwardReverseKlSample.Run, "--quick");

    public void Dispose() => Run.Dispose();
}

/// <summary>Checks the ForwardReverseKl sample (seed 001): forward KL covers, reverse KL seeks a mode.</summary>
public sealed class ForwardReverseKlSampleTests(ForwardReverseKlRun fixture) : IClassFixture<ForwardReverseKlRun>
{
    private SampleRun R => fixture.Run;

    [Fact]
    public void Succeeds() => R.ExitCode.Should().Be(0, R.Output);

    [Fact]
    public void PartAForwardFitReachesTheGaussiansMean()
    {
        var line = R.Lines.First(l => l.StartsWith("A p mean = [", StringComparison.Ordinal));
        var parts = line["A p mean = [".Length..line.IndexOf(']', StringComparison.Ordinal)].Split(',');
        double m0 = double.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture);
        double m1 = double.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
        R.Number("A final mean[0]").Should().BeApproximately(m0, 0.02);
        R.Number("A final mean[1]").Should().BeApproximately(m1, 0.02);
        R.Number("A KL(p||q) after 20").Should().BeLessThan(R.Number("A KL(p||q) start"));
        R.Number("A KL(p||q) final").Should().BeLessThan(1e-3);
    }

    [Fact]
    public void ForwardKlOnTheMixtureCoversBothModes()
    {
        // Maximum likelihood matches the moments: p's mean is 0.8·(0.5, -0.7) + 0.2·(-2.5, 2.5) = (-0.1, -0.06);
        // the fit sits between the modes, far from the major mode (0.5, -0.7).
        R.Number("FWD final mean[0]").Should().BeApproximately(-0.1, 0.25);
        R.Number("FWD final mean[1]").Should().BeApproximately(-0.06, 0.25);
    }

    [Fact]
    public void ReverseKlOnTheMixtureSeeksTheMajorMode()
    {
        R.Number("REV final mean[0]").Should().BeApproximately(0.5, 0.1);
        R.Number("REV final mean[1]").Should().BeApproximately(-0.7, 0.1);
        R.Number("REV KL(q||p) final").Should().BeLessThan(R.Number("REV KL(q||p) after 20") + 1e-9);

        // q ≈ the major component alone: KL(q || p) ≈ -ln 0.8 = 0.223.
        R.Number("REV KL(q||p) final").Should().BeApproximately(-Math.Log(0.8), 0.02);
    }

    [Fact]
    public void PartCMixtureSurrogateRecoversBothComponents()
    {
        // The quick run's fit is shorter than the unit test's (GaussianMixtureSurrogateTests), so the tolerances are wider.
        R.Number("C mixture weight major").Should().BeApproximately(0.8, 0.05);
        R.Number("C mixture weight minor").Should().BeApproximately(0.2, 0.05);
        R.Number("C mixture minor mean[0]").Should().BeApproximately(-2.5, 0.2);
        R.Number("C mixture minor mean[1]").Should().BeApproximately(2.5, 0.2);

        // Far below the single Gaussian's -ln 0.8 = 0.223 of part B.
        R.Number("C mixture KL(q||p)").Should().BeLessThan(0.05);
    }

    [Fact]
    public void PartCFlowCapturesBothModes()
    {
        // A single Gaussian (part B) puts almost no mass near the minor mode (p puts 0.2 there); the annealed flow of the
        // quick run puts a clear share there (about 0.07 with its 400 steps) and has a smaller reverse KL than part B.
        R.Number("C p minor-side mass").Should().BeApproximately(0.2, 0.01);
        R.Number("C flow minor-side mass").Should().BeGreaterThan(0.05);
        R.Number("C flow KL(q||p)").Should().BeLessThan(-Math.Log(0.8));
    }

    [Fact]
    public void PartCFigureHasEightPanels()
    {
        var doc = SampleRun.LoadPlot(Path.Combine(R.Directory, "mixture-reverse-rich.svg"));
        doc.Descendants().Count(e => e.Name.LocalName == "g" && (string?)e.Attribute("class") == "axes").Should().Be(8);
    }

    [Fact]
    public void GridsHaveTwentyPanelsTitledByIteration()
    {
        foreach (var name in new[] { "a-gaussian-forward.svg", "mixture-forward.svg", "mixture-reverse.svg" })
        {
            var doc = SampleRun.LoadPlot(Path.Combine(R.Directory, name));
            var text = string.Join("\n", doc.Descendants().Where(e => e.Name.LocalName == "text").Select(e => e.Value));
            for (int k = 0; k < 20; k++)
            {
                text.Should().Contain($"iter: {k}", name);
            }

            doc.Descendants().Count(e => e.Name.LocalName == "g" && (string?)e.Attribute("class") == "axes").Should().Be(20, name);
        }
    }

    [Fact]
    public void EverySvgParses()
    {
        R.SvgFiles().Should().HaveCountGreaterOrEqualTo(5);
        foreach (var file in R.SvgFiles())
        {
            SampleRun.LoadPlot(file);
        }
    }
}
