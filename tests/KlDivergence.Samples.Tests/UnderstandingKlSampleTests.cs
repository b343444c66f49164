using KlDivergence.Samples.UnderstandingKl;

namespace KlDivergence.Samples.Tests;

/// <summary>One quick in-process run of the UnderstandingKl sample, shared by the tests.</summary>
public sealed class UnderstandingKlRun : IDisposable
{
    internal SampleRun Run { get; } = new(UnderstandingKlSample.Run, "--quick");

    public void Dispose() => Run.Dispose();
}

/// <summary>Checks the UnderstandingKl sample's printed numbers against the notebook (seed 000) and its figures.</summary>
public sealed class UnderstandingKlSampleTests(UnderstandingKlRun fixture) : IClassFixture<UnderstandingKlRun>
{
    private SampleRun R => fixture.Run;

    [Fact]
    public void Succeeds() => R.ExitCode.Should().Be(0, R.Output);

    [Fact]
    public void G1PrintsTheNotebooksRoundedValues()
    {
        R.Text("G1 KL(q(0,2)||p)").Should().Be("0.35");
        R.Text("G1 KL(q(1,3)||p)").Should().Be("0.07");
    }

    [Fact]
    public void GridValuesMatchTheClosedForm()
    {
        // KL(N(a, s) || N(1, 4)) = ln(4/s) + (s² + (a - 1)²)/32 - 1/2, derived by hand.
        foreach (var (loc, scale) in new[] { (0, 1), (0, 2), (1, 1), (1, 2) })
        {
            double expected = Math.Log(4.0 / scale) + (((scale * scale) + ((loc - 1.0) * (loc - 1.0))) / 32.0) - 0.5;
            R.Number($"GRID KL(q({loc},{scale})||p)").Should().BeApproximately(expected, 1e-4);
        }
    }

    [Fact]
    public void G2ReachesTheNotebooksFitAndTheKlNeverIncreases()
    {
        // Deterministic (closed-form loss, Adam 0.01, 500 steps): the notebook printed loc 0.98873746, scale 3.9999995.
        R.Number("G2 final loc").Should().BeApproximately(0.9887, 1e-3);
        R.Number("G2 final scale").Should().BeApproximately(4.0, 1e-3);
        R.Number("G2 final loc").Should().BeApproximately(1.0, 2e-2);
        R.Number("G2 KL monotone").Should().Be(1);
        R.Number("G2 final KL").Should().BeLessThan(R.Number("G2 KL start"));
    }

    [Fact]
    public void G3MonteCarloIsWithinFiveStandardErrorsOfQuadrature()
    {
        foreach (var q in new[] { "q1", "q2" })
        {
            double mc = R.Number($"G3 KL({q}||p_s) MC");
            double se = R.Number($"G3 KL({q}||p_s) MC SE");
            double quad = R.Number($"G3 KL({q}||p_s) quadrature");
            se.Should().BePositive();
            Math.Abs(mc - quad).Should().BeLessThan(5 * se, q);
        }

        // The notebook's Monte Carlo values (1e5 samples): 9.465648 and 46.48004.
        R.Number("G3 KL(q1||p_s) quadrature").Should().BeApproximately(9.4656, 0.1);
        R.Number("G3 KL(q2||p_s) quadrature").Should().BeApproximately(46.48, 1.0);
        R.Output.Should().Contain("No closed-form KL divergence is registered");
    }

    [Fact]
    public void G4DescendsFromTheNotebooksStartingLossToTheMixture()
    {
        // Notebook: loss 38.76 at step 0 (one Monte Carlo draw), loc 0.77 and scale 0.62 near the end.
        R.Number("G4 loss step 0").Should().BeInRange(30, 48);
        R.Number("G4 final loc").Should().BeApproximately(0.77, 0.15);
        R.Number("G4 final scale").Should().BeApproximately(0.62, 0.1);
        R.Number("G4 final KL quadrature").Should().BeLessThan(0.6);
    }

    [Fact]
    public void TwoDimensionalFitStartsAtTheNotebooksKlAndReachesTheOptimum()
    {
        R.Number("2D KL(q||p) start").Should().BeApproximately(4.8724, 1e-4);
        R.Number("2D KL optimum").Should().BeApproximately(0.5 * Math.Log(8.0 / 7.0), 1e-4);
        R.Number("2D KL(q||p) final").Should().BeApproximately(0.5 * Math.Log(8.0 / 7.0), 2e-3);
    }

    [Fact]
    public void ElboPosteriorMatchesTheExactConjugatePosterior()
    {
        R.Number("ELBO VI mean[0]").Should().BeApproximately(R.Number("ELBO exact mean[0]"), 0.03);
        R.Number("ELBO VI mean[1]").Should().BeApproximately(R.Number("ELBO exact mean[1]"), 0.01);
        R.Number("ELBO exact mean[0]").Should().BeApproximately(1.511, 0.4);
        R.Number("ELBO exact mean[1]").Should().BeApproximately(0.423, 0.1);
        R.Number("ELBO VI sd[0]").Should().BeApproximately(R.Number("ELBO exact sd[0]"), 0.03);
    }

    [Fact]
    public void EverySvgParsesWithAxesAndLines()
    {
        var files = R.SvgFiles();
        files.Select(Path.GetFileName).Should().Contain(["g1-densities.svg", "grid-kl.svg", "g2-fit.svg", "g3-densities.svg", "g4-trace.svg", "g4-fit.svg", "kl-2d-fit.svg", "elbo-regression.svg"]);
        foreach (var file in files)
        {
            SampleRun.LoadPlot(file);
        }
    }

    [Fact]
    public void AnimationsHaveAnimateElements()
    {
        foreach (var name in new[] { "g2-fit.svg", "g4-fit.svg", "kl-2d-fit.svg" })
        {
            SampleRun.AnimateCount(SampleRun.LoadPlot(Path.Combine(R.Directory, name))).Should().BeGreaterThan(1, name);
        }
    }

    [Fact]
    public void RejectsUnknownArguments()
    {
        using var writer = new StringWriter();
        UnderstandingKlSample.Run(["--bogus"], writer).Should().Be(2);
    }
}
