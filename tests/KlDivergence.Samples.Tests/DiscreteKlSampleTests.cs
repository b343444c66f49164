using System.Globalization;
using System.Text.RegularExpressions;
using KlDivergence.Samples.DiscreteKl;

namespace KlDivergence.Samples.Tests;

public sealed class DiscreteKlSampleTests : IDisposable
{
    private readonly SampleRun run = new(DiscreteKlSample.Run, "--quick");

    [Fact]
    public void EveryPrintedEpochMatchesTheNotebookToFourDecimals()
    {
        run.ExitCode.Should().Be(0, run.Output);
        run.Text("MU_EPOCH_10").Should().Be("3.2401");
        run.Text("VAR_EPOCH_10").Should().Be("3.5837");

        // The notebook prints μ and var after epochs 10, 110, ..., 910 (values copied from its output); with TF1's
        // float32 learning rate the float64 run reproduces them to rounding.
        (double Mu, double Var)[] notebook =
        [
            (3.240110610816026, 3.5837133740472344), (0.335676301228239, 4.877738470788148),
            (0.04580545761442576, 5.254824131297897), (0.006973783831366283, 5.528220577818579),
            (0.001086973839682488, 5.740628256124233), (0.0001211015300097858, 5.9113519404222705),
            (-4.2682146749652654e-05, 6.051780064376497), (-6.734304435137489e-05, 6.169249382073376),
            (-6.694116685784831e-05, 6.2687767527051586), (-6.213468983510558e-05, 6.3539493795592),
        ];
        for (int k = 0; k < notebook.Length; k++)
        {
            var line = run.Lines.Single(l => l.StartsWith($"EPOCH {(k * 100) + 10}: ", StringComparison.Ordinal));
            var m = Regex.Match(line, @"MU = (\S+), VAR = (\S+)");
            double mu = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            double variance = double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
            mu.Should().BeApproximately(notebook[k].Mu, 1e-10, line);
            variance.Should().BeApproximately(notebook[k].Var, 1e-10, line);
        }
    }

    [Fact]
    public void FiguresAreWellFormedAndTheFitIsAnimated()
    {
        var files = run.SvgFiles();
        files.Select(Path.GetFileName).Should().BeEquivalentTo("densities-and-kl.svg", "traces.svg", "fit.svg");
        SampleRun.LoadPlot(files.Single(f => f.EndsWith("traces.svg", StringComparison.Ordinal)));
        SampleRun.LoadPlot(files.Single(f => f.EndsWith("densities-and-kl.svg", StringComparison.Ordinal)));
        SampleRun.AnimateCount(System.Xml.Linq.XDocument.Load(files.Single(f => f.EndsWith("fit.svg", StringComparison.Ordinal)))).Should().Be(40);
    }

    public void Dispose() => run.Dispose();
}
