using System.Globalization;
using KlDivergence.Samples.DiscreteKl;

namespace KlDivergence.Samples.Tests;

/// <summary>One quick in-process run of the DiscreteKl sample, shared by the tests.</summary>
public sealed class DiscreteKlRun : IDisposable
{
    internal SampleRun Run { get; } = new(DiscreteKlSample.Run, "--quick");

    public void Dispose() => Run.Dispose();
}

/// <summary>Checks the DiscreteKl sample (notebook 003, deterministic float64) against the notebook's prints.</summary>
public sealed class DiscreteKlSampleTests(DiscreteKlRun fixture) : IClassFixture<DiscreteKlRun>
{
    // The notebook's output of print(sess.run(mu)[0], sess.run(varq)[0][0]) at i % 100 == 10.
    public static TheoryData<int, double, double> NotebookPrints => new()
    {
        { 10, 3.240110610816026, 3.5837133740472344 },
        { 110, 0.335676301228239, 4.877738470788148 },
        { 210, 0.04580545761442576, 5.254824131297897 },
        { 310, 0.006973783831366283, 5.528220577818579 },
        { 410, 0.001086973839682488, 5.740628256124233 },
        { 510, 0.0001211015300097858, 5.9113519404222705 },
        { 610, -4.2682146749652654e-05, 6.051780064376497 },
        { 710, -6.734304435137489e-05, 6.169249382073376 },
        { 810, -6.694116685784831e-05, 6.2687767527051586 },
        { 910, -6.213468983510558e-05, 6.3539493795592 },
    };

    private SampleRun R => fixture.Run;

    [Fact]
    public void Succeeds() => R.ExitCode.Should().Be(0, R.Output);

    [Fact]
    public void Epoch10MatchesTheNotebookToFourDecimals()
    {
        R.Number("epoch 10 mu").ToString("F4", CultureInfo.InvariantCulture).Should().Be("3.2401");
        R.Number("epoch 10 var").ToString("F4", CultureInfo.InvariantCulture).Should().Be("3.5837");
    }

    [Theory]
    [MemberData(nameof(NotebookPrints))]
    public void EveryPrintedEpochMatchesTheNotebook(int epoch, double mu, double variance)
    {
        // Deterministic float64 with TF1's float32 learning rate: agreement to rounding, far below 4 decimals.
        R.Number($"epoch {epoch} mu").Should().BeApproximately(mu, 1e-10);
        R.Number($"epoch {epoch} var").Should().BeApproximately(variance, 1e-10);
    }

    [Fact]
    public void PrintsExactlyTheNotebooksEpochs() =>
        R.Lines.Where(l => l.StartsWith("epoch ", StringComparison.Ordinal) && l.Contains(" mu = ", StringComparison.Ordinal))
            .Select(l => int.Parse(l.Split(' ')[1], CultureInfo.InvariantCulture))
            .Should().Equal(10, 110, 210, 310, 410, 510, 610, 710, 810, 910);

    [Fact]
    public void TheGridIsTheNotebooks200Points() => R.Number("grid points").Should().Be(200);

    [Fact]
    public void TheFitApproachesTheTarget()
    {
        Math.Abs(R.Number("final mu")).Should().BeLessThan(1e-3);
        R.Number("final var").Should().BeInRange(6.35, 7.0);
        R.Number("final KL(P||Q)").Should().BeLessThan(R.Number("KL(P||Q) at mu = 5, var = 1"));
    }

    [Fact]
    public void WritesTheFigures()
    {
        R.SvgFiles().Select(Path.GetFileName).Should().BeEquivalentTo("densities.svg", "mu-var-traces.svg", "kl-history.svg");
        foreach (var svg in R.SvgFiles())
        {
            SampleRun.LoadPlot(svg);
        }
    }

    [Fact]
    public void ArangeIsNumpys()
    {
        // numpy fills start + i * ((start + step) - start); Arange is internal, so reach it by reflection.
        var method = typeof(DiscreteKlSample).GetMethod("Arange", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!;
        var x = (double[])method.Invoke(null, [-10.0, 10.0, 0.1])!;
        x.Should().HaveCount(200);
        x[0].Should().Be(-10);
        x[1].Should().Be(-10 + 0.1);
        x[^1].Should().Be(-10 + (199 * ((-10 + 0.1) + 10)));
    }
}
