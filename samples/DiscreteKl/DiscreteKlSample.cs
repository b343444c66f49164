using KlDivergence.Optimization;
using KlDivergence.Samples.Plotting;
using KlDivergence.Samples.SampleKit;
using KlDivergence.Tensors;
using static KlDivergence.Samples.SampleKit.SampleConsole;

namespace KlDivergence.Samples.DiscreteKl;

/// <summary>
/// Notebook 003-minimizing-kl-discrete: p = N(0, 7) tabulated on the grid x = -10, -9.9, ..., 9.9; q from
/// (μ, var) = (5, 1) as exp(-(x - μ)²/(2 var)) normalised on the grid; KL(P ‖ Q) = Σ p log(p/q) over the
/// points where p ≠ 0; plain gradient descent (learning rate 0.01) on μ and var for 1000 epochs, printing μ
/// and var after epochs 10, 110, ..., 910 as the notebook does. The computation is deterministic, so the
/// numbers match the notebook's (it prints 3.2401, 3.5837 at epoch 10).
/// </summary>
public static class DiscreteKlSample
{
    /// <summary>
    /// tf.train.GradientDescentOptimizer(0.01) keeps its learning rate as a float32 tensor and casts it to the
    /// float64 variables, so each step is (double)0.01f = 0.009999999776482582 times the gradient. With 0.01
    /// itself every printed value is off by about 2e-8 (relative); with this rate they agree to about 1e-15.
    /// </summary>
    internal const double NotebookLearningRate = (double)0.01f;

    /// <summary>The values the notebook prints (μ, var) at epochs 10, 110, ..., 910.</summary>
    public static readonly (double Mu, double Var)[] NotebookValues =
    [
        (3.240110610816026, 3.5837133740472344), (0.335676301228239, 4.877738470788148),
        (0.04580545761442576, 5.254824131297897), (0.006973783831366283, 5.528220577818579),
        (0.001086973839682488, 5.740628256124233), (0.0001211015300097858, 5.9113519404222705),
        (-4.2682146749652654e-05, 6.051780064376497), (-6.734304435137489e-05, 6.169249382073376),
        (-6.694116685784831e-05, 6.2687767527051586), (-6.213468983510558e-05, 6.3539493795592),
    ];

    /// <summary>Runs the sample. Arguments: <c>[--quick] [--out DIR]</c> (the full run is already fast; quick runs it all too).</summary>
    /// <returns>0 on success, 2 on bad arguments.</returns>
    public static int Run(string[] args, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var options = SampleArguments.Parse(args, Path.Combine("figures", "discrete-kl"), output);
        if (options is null)
        {
            return 2;
        }

        Directory.CreateDirectory(options.OutputDirectory);
        var console = new SampleConsole(output);

        // The notebook's grid: np.arange(-10, 10, 0.1), i.e. -10 + 0.1 k for k = 0..199.
        var x = new double[200];
        for (int k = 0; k < x.Length; k++)
        {
            x[k] = -10 + (0.1 * k);
        }

        // p: the N(0, 7) density at the grid points (not renormalised on the grid, as in the notebook), so the sum
        // Σ p log(p/q) is taken as a tabulated sum with unit spacing, exactly the notebook's arithmetic.
        const double varTruth = 7;
        var p = x.Select(v => 1.0 / Math.Sqrt(varTruth) / Math.Sqrt(2 * Math.PI) * Math.Exp(-(v * v) / (2 * varTruth))).ToArray();
        var pt = Tensor.FromArray(p, [1, x.Length]);
        var xt = Tensor.FromArray(x, [x.Length]);

        var mu = new Parameter(Tensor.Vector(5.0), name: "mu");
        var variance = new Parameter(Tensor.Matrix(new[,] { { 1.0 } }), name: "var");
        Tensor Q()
        {
            var normal = ((xt - mu).Square().Negate() / (variance.Value * 2.0)).Exp();
            return normal / normal.Sum();
        }

        console.Heading("KL(P || Q) between densities on a grid, minimised by gradient descent");
        console.Line("grid x = -10, -9.9, ..., 9.9 (200 points); p = N(0, 7) tabulated; q from (mu, var) = (5, 1), normalised on the grid");
        double initial;
        using (Tensor.NoGrad())
        {
            initial = KlDivergence.Divergences.DiscreteKl.Tabulated(pt, Q(), 1.0).ToScalar();
        }

        console.Key("KL_INITIAL", initial, "F6");
        const int epochs = 1000;
        var means = new List<double>();
        var variances = new List<double>();
        var history = new List<double>();
        var printed = new List<IReadOnlyList<string>>();
        var trace = console.Fit("gradient descent, 1000 epochs", epochs, progress => Minimizer.Minimize(
            () => KlDivergence.Divergences.DiscreteKl.Tabulated(pt, Q(), 1.0).Sum(),
            [mu, variance],
            new MinimizeOptions(Optimizers.Sgd(NotebookLearningRate))
            {
                MaxSteps = epochs,
                TraceEvery = 0,
                Callback = step =>
                {
                    // As the notebook: after the update of epoch i, record μ, var and the KL at the new values.
                    double m = mu.ToScalar(), v = variance.ToScalar();
                    means.Add(m);
                    variances.Add(v);
                    using (Tensor.NoGrad())
                    {
                        history.Add(KlDivergence.Divergences.DiscreteKl.Tabulated(pt, Q(), 1.0).ToScalar());
                    }

                    if (step.Step % 100 == 10)
                    {
                        var (nm, nv) = NotebookValues[step.Step / 100];
                        printed.Add([step.Step.ToString(System.Globalization.CultureInfo.InvariantCulture), F(m, "R"), F(v, "R"), F(nm, "F4"), F(nv, "F4")]);
                    }

                    progress?.Invoke(step);
                },
            }));

        console.Table("mu and var after epoch i (i % 100 == 10)", ["epoch", "mu", "var", "notebook mu", "notebook var"], printed);
        foreach (var row in printed)
        {
            console.Line($"EPOCH {row[0]}: MU = {row[1]}, VAR = {row[2]}");
        }

        console.Key("MU_EPOCH_10", means[10]);
        console.Key("VAR_EPOCH_10", variances[10]);
        console.Key("KL_FINAL", history[^1], "G6");
        console.Line($"The fit drifts towards p's variance 7 slowly: the gradient in var is small once mu is 0 ({trace.Steps} epochs).");

        SaveFigures(console, options.OutputDirectory, x, p, means, variances, history);
        return 0;
    }

    private static void SaveFigures(SampleConsole console, string dir, double[] x, double[] p, List<double> means, List<double> variances, List<double> history)
    {
        double[] QOnGrid(double m, double v)
        {
            var q = x.Select(t => Math.Exp(-((t - m) * (t - m)) / (2 * v))).ToArray();
            double s = q.Sum();
            return [.. q.Select(t => t / s / 0.1)];
        }

        var fig = new Figure(1, 2, 1100, 400) { Title = "KL(P || Q) on a grid" };
        var densities = fig[0, 0];
        densities.Title = "p (target) and q at the start and the end";
        densities.XLabel = "x";
        densities.YLabel = "density";
        densities.Plot(x, p, label: "p = N(0, 7)", width: 3);
        densities.Plot(x, QOnGrid(5, 1), label: "q, epoch 0");
        densities.Plot(x, QOnGrid(means[^1], variances[^1]), label: "q, epoch 1000");
        densities.ShowLegend = true;
        var kl = fig[0, 1];
        kl.Title = "KL(P || Q) by epoch";
        kl.XLabel = "epoch";
        kl.YLabel = "KL";
        kl.Plot([.. Enumerable.Range(1, history.Count).Select(i => (double)i)], [.. history]);
        string densityPath = Path.Combine(dir, "densities-and-kl.svg");
        fig.Save(densityPath);
        console.Saved(densityPath);

        var traces = new Figure(1, 2, 1100, 360) { Title = "Parameter traces" };
        var epochs = Enumerable.Range(1, means.Count).Select(i => (double)i).ToArray();
        traces[0, 0].Plot(epochs, [.. means], label: "mu");
        traces[0, 0].Title = "mu";
        traces[0, 0].XLabel = "epoch";
        traces[0, 1].Plot(epochs, [.. variances], label: "var");
        traces[0, 1].Title = "var";
        traces[0, 1].XLabel = "epoch";
        string tracePath = Path.Combine(dir, "traces.svg");
        traces.Save(tracePath);
        console.Saved(tracePath);

        // The notebook's overlay of q every 5 epochs, as an animation.
        var animation = new Animation(0.05);
        for (int i = 0; i < means.Count; i += 25)
        {
            int epoch = i;
            animation.AddFrame(
                axes =>
                {
                    axes.SetLimits(-10, 10, 0, 0.45);
                    axes.Plot(x, p, label: "p", width: 3);
                    axes.Plot(x, QOnGrid(means[epoch], variances[epoch]), label: "q");
                    axes.XLabel = "x";
                },
                $"epoch {epoch + 1}, KL = {F(history[epoch], "F3")}");
        }

        string animationPath = Path.Combine(dir, "fit.svg");
        animation.Save(animationPath);
        console.Saved(animationPath);
    }
}
