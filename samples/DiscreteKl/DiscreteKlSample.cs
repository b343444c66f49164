using System.Globalization;
using KlDivergence.Optimization;
using KlDivergence.Samples.Plotting;
using KlDivergence.Tensors;
using static KlDivergence.Samples.DiscreteKl.SampleConsole;
using VectorKl = KlDivergence.Divergences.DiscreteKl;

namespace KlDivergence.Samples.DiscreteKl;

/// <summary>
/// Reproduces the notebook "Minimizing KL Divergence" (seed 003, TensorFlow 1, float64): a target p, the
/// N(0, 7) density tabulated on x = -10, -9.9, ..., 9.9, and q(mu, var) = exp(-(x - mu)²/(2 var)) normalised
/// on the grid; KL(P ‖ Q) = Σ p log(p / q) without the terms where p = 0 (the notebook's tf.where); plain
/// gradient descent (learning rate 0.01, 1000 epochs) on mu (from 5) and var (from 1, unconstrained as in
/// the notebook). As the notebook, mu and var are printed after the update of every epoch i with
/// i % 100 == 10 (i zero-based), so "epoch 10" is the state after 11 updates.
/// </summary>
public static class DiscreteKlSample
{
    private const string Name = "discrete-kl";

    /// <summary>The notebook's printed (mu, var) at epochs 10, 110, ..., 910 (its float64 output).</summary>
    public static readonly IReadOnlyList<(int Epoch, double Mu, double Var)> NotebookPrints =
    [
        (10, 3.240110610816026, 3.5837133740472344),
        (110, 0.335676301228239, 4.877738470788148),
        (210, 0.04580545761442576, 5.254824131297897),
        (310, 0.006973783831366283, 5.528220577818579),
        (410, 0.001086973839682488, 5.740628256124233),
        (510, 0.0001211015300097858, 5.9113519404222705),
        (610, -4.2682146749652654e-05, 6.051780064376497),
        (710, -6.734304435137489e-05, 6.169249382073376),
        (810, -6.694116685784831e-05, 6.2687767527051586),
        (910, -6.213468983510558e-05, 6.3539493795592),
    ];

    /// <summary>Runs the sample.</summary>
    /// <param name="args"><c>[--quick] [--out DIR]</c>: the quick run still does all 1000 epochs (they take well
    /// under a second) and draws fewer curves; where the SVG figures go (default <c>./figures/discrete-kl</c>).</param>
    /// <param name="output">Where the report goes; plain text lines unless it is the interactive console.</param>
    /// <returns>0 on success, 2 on bad arguments.</returns>
    public static int Run(string[] args, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        var parsed = SampleArguments.Parse(args, Path.Combine("figures", Name), output);
        if (parsed is null)
        {
            return 2;
        }

        var console = new SampleConsole(output);
        string dir = parsed.OutputDirectory;
        Directory.CreateDirectory(dir);
        console.Line($"Minimizing KL Divergence ({(parsed.Quick ? "quick" : "full")} run), figures in {dir}");

        // x = np.arange(-10, 10, 0.1), reproduced bit for bit: numpy fills start + i * delta with
        // delta = (start + step) - start.
        double[] x = Arange(-10, 10, 0.1);
        console.Key("grid points", x.Length, "F0", "notebook x.shape[0] = 200");

        // p: the N(0, 7) density on the grid, as the notebook's second p_pdf0 (not normalised on the grid: Σp ≈ 10).
        const double muTruth = 0, varTruth = 7;
        double[] pValues = x.Select(v => 1.0 / Math.Sqrt(varTruth) / Math.Sqrt(2 * Math.PI) * Math.Exp(-((v - muTruth) * (v - muTruth)) / (2 * varTruth))).ToArray();
        var p = Tensor.Vector(pValues);
        var xt = Tensor.Vector(x);
        console.Key("sum of p on the grid", pValues.Sum(), "F6", "a density, not a probability vector: the loss is about 10 x KL");

        // tf.train.GradientDescentOptimizer(0.01) keeps its learning rate as a float32 tensor and casts it to the
        // variables' float64: the step is (double)0.01f = 0.009999999776482582, not 0.01. With 0.01 itself every
        // printed value is off by about 2e-8 (relative); with the float32 rate they agree to about 1e-14.
        const double notebookLearningRate = 0.01;
        double learningRate = (double)(float)notebookLearningRate;
        const int epochs = 500 * 2;
        var mu = new Parameter(5.0, name: "mu");
        var variance = new Parameter(1.0, name: "var");

        Tensor Q(Tensor m, Tensor v)
        {
            var normal = (-(xt - m).Square() / (2.0 * v)).Exp();
            return normal / normal.Sum();
        }

        // Σ where(p == 0, 0, p log(p / q)), as the library's tensor KL (terms with p = 0 contribute 0, no gradient).
        Tensor Loss() => VectorKl.Divergence(p, Q(mu.Value, variance.Value));

        double startKl;
        using (Tensor.NoGrad())
        {
            startKl = Loss().ToScalar();
        }

        console.Key("KL(P||Q) at mu = 5, var = 1", startKl, "F6");
        console.Line($"learning rate = {R(learningRate)} (TensorFlow 1's float32 0.01 cast to float64), {epochs} epochs of plain gradient descent");

        var history = new List<double>(epochs);
        var means = new List<double>(epochs);
        var variances = new List<double>(epochs);
        var printed = new List<(int Epoch, double Mu, double Var)>();
        var trace = console.Fit(
            $"SGD({notebookLearningRate.ToString(CultureInfo.InvariantCulture)}f), {epochs} epochs",
            epochs,
            cb => Minimizer.Minimize(
                Loss,
                [mu, variance],
                new MinimizeOptions(Optimizers.Sgd(learningRate))
                {
                    MaxSteps = epochs,
                    TraceEvery = 0,
                    Callback = progress =>
                    {
                        // After the update of epoch i, as sess.run(kl_divergence), sess.run(mu), sess.run(varq).
                        using (Tensor.NoGrad())
                        {
                            history.Add(Loss().ToScalar());
                        }

                        means.Add(mu.ToScalar());
                        variances.Add(variance.ToScalar());
                        if (progress.Step % 100 == 10)
                        {
                            printed.Add((progress.Step, mu.ToScalar(), variance.ToScalar()));
                        }

                        cb?.Invoke(progress);
                    },
                }));

        if (trace.SkippedSteps != 0 || history.Count != epochs)
        {
            console.Line($"unexpected: {trace.SkippedSteps} skipped steps, {history.Count} epochs recorded");
            return 1;
        }

        console.Heading("mu and var after the update of epochs 10, 110, ..., 910 (the notebook's prints)");
        var rows = new List<IReadOnlyList<string>>();
        foreach (var (epoch, m, v) in printed)
        {
            var nb = NotebookPrints.FirstOrDefault(n => n.Epoch == epoch);
            console.Line($"epoch {epoch} mu = {R(m)} (notebook {R(nb.Mu)})");
            console.Line($"epoch {epoch} var = {R(v)} (notebook {R(nb.Var)})");
            rows.Add([epoch.ToString(CultureInfo.InvariantCulture), F(m, "F6"), F(nb.Mu, "F6"), F(v, "F6"), F(nb.Var, "F6"), F(Math.Max(Math.Abs(m - nb.Mu), Math.Abs(v - nb.Var)), "E2")]);
        }

        console.Table("mu, var: ours vs the notebook", ["epoch", "mu", "notebook mu", "var", "notebook var", "max |diff|"], rows);
        double maxDiff = printed.Max(t =>
        {
            var nb = NotebookPrints.First(n => n.Epoch == t.Epoch);
            return Math.Max(Math.Abs(t.Mu - nb.Mu), Math.Abs(t.Var - nb.Var));
        });
        console.Key("max |ours - notebook| over the printed epochs", maxDiff, "E2");
        console.Key("final mu", means[^1], "F6", "target 0");
        console.Key("final var", variances[^1], "F6", "target 7; still rising slowly after 1000 epochs");
        console.Key("final KL(P||Q)", history[^1], "F6", "the notebook's plot title shows it to 3 decimals");

        // Figures: the family of q over the run with p (the notebook's In [25]), p with the initial and final q
        // (In [26]), mean and variance traces (In [27], [28]) and the KL history (In [29]).
        var fig = new Figure(1, 2, 1100, 420);
        var ax = fig[0, 0];
        int every = parsed.Quick ? 50 : 5;
        for (int g = 0; g < means.Count; g += every)
        {
            double alpha = 0.1 + (0.9 * g / (means.Count - 1));
            ax.Plot(x, NormalPdf(x, means[g], variances[g]), color: "#ff0000", alpha: alpha, width: 1);
        }

        ax.Plot(x, pValues, color: "#1f77b4", width: 3, label: "p = N(0, 7)");
        ax.Title = $"KL(P||Q) = {F(history[^1], "F3")}";
        ax.XLabel = "x";
        ax.YLabel = "density";
        ax.ShowLegend = true;

        var ends = fig[0, 1];
        ends.Plot(x, pValues, width: 5, label: "target p = N(0, 7)");
        ends.Plot(x, NormalPdf(x, means[0], variances[0]), label: $"initial q (after epoch 0): N({F(means[0], "F2")}, {F(variances[0], "F2")})");
        ends.Plot(x, NormalPdf(x, means[^1], variances[^1]), color: "red", label: $"final q: N({F(means[^1], "F2")}, {F(variances[^1], "F2")})");
        ends.Title = "p, initial q and final q";
        ends.XLabel = "x";
        ends.YLabel = "density";
        ends.ShowLegend = true;
        Save(console, fig, dir, "densities.svg");

        double[] epochAxis = Enumerable.Range(0, epochs).Select(i => (double)i).ToArray();
        var traces = new Figure(1, 2, 1000, 380);
        traces[0, 0].Plot(epochAxis, means, label: "mean");
        traces[0, 0].HorizontalLine(muTruth, label: "target 0");
        traces[0, 0].XLabel = "epoch";
        traces[0, 0].YLabel = "mean";
        traces[0, 0].ShowLegend = true;
        traces[0, 1].Plot(epochAxis, variances, label: "variance");
        traces[0, 1].HorizontalLine(varTruth, label: "target 7");
        traces[0, 1].XLabel = "epoch";
        traces[0, 1].YLabel = "variances";
        traces[0, 1].ShowLegend = true;
        Save(console, traces, dir, "mu-var-traces.svg");

        var hist = new Figure(1, 1, 640, 380);
        hist[0, 0].Plot(epochAxis, history, label: "KL(P||Q)");
        hist[0, 0].Title = "history";
        hist[0, 0].XLabel = "epoch";
        hist[0, 0].YLabel = "KL(P||Q)";
        Save(console, hist, dir, "kl-history.svg");
        console.Line("done");
        return 0;
    }

    /// <summary>numpy.arange(start, stop, step) for floats, bit for bit.</summary>
    internal static double[] Arange(double start, double stop, double step)
    {
        int length = (int)Math.Ceiling((stop - start) / step);
        double delta = (start + step) - start;
        var result = new double[length];
        result[0] = start;
        if (length > 1)
        {
            result[1] = start + delta;
        }

        for (int i = 2; i < length; i++)
        {
            result[i] = start + (i * delta);
        }

        return result;
    }

    private static double[] NormalPdf(double[] x, double mean, double variance) =>
        x.Select(v => Math.Exp(-((v - mean) * (v - mean)) / (2 * variance)) / Math.Sqrt(2 * Math.PI * variance)).ToArray();

    private static string R(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static void Save(SampleConsole console, Figure figure, string dir, string file)
    {
        var path = Path.Combine(dir, file);
        figure.Save(path);
        console.Saved(path);
    }
}
