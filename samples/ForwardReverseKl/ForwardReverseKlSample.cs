using KlDivergence.Samples.SampleKit;
using KlDivergence.Distributions;
using KlDivergence.Divergences;
using KlDivergence.Inference;
using KlDivergence.Inference.Flows;
using KlDivergence.Optimization;
using KlDivergence.Random;
using KlDivergence.Samples.Plotting;
using KlDivergence.Tensors;
using static KlDivergence.Samples.SampleKit.SampleConsole;

namespace KlDivergence.Samples.ForwardReverseKl;

/// <summary>
/// Reproduces the notebook "forward-backward-kl" (seed 001, TF1 + TensorFlow Probability): a 2-D normal
/// q = N(m, R Rᵀ) fitted by plain gradient descent (lr 0.1, 20 iterations drawn as a 5 x 4 grid) to
/// (A) a 2-D Gaussian by the closed-form forward KL(p ‖ q), (A') a 0.8/0.2 mixture of two 2-D Gaussians by
/// forward KL from samples, which is maximum likelihood and covers both modes, and (B) the same mixture by
/// reverse KL(q ‖ p) with reparameterised Monte Carlo (1000 samples per step), which seeks one mode, and (C) the same
/// reverse KL with richer surrogates, a two-component Gaussian mixture (stratified ELBO) and a RealNVP flow, which
/// capture both modes. Part C goes beyond the notebook.
/// </summary>
/// <remarks>
/// The notebook seeds numpy (555 and 8) to draw p's parameters, the samples of p and q's starting point; numpy's
/// stream cannot be reproduced here, so every draw comes from <see cref="RandomStream"/> with the same fixed
/// seeds (555 for part A, 8 for the mixture parts), and the printed numbers are ours, not the notebook's.
/// </remarks>
public static class ForwardReverseKlSample
{
    private const string Name = "forward-reverse-kl";
    private const int Iterations = 20;

    /// <summary>Runs the sample.</summary>
    /// <param name="args"><c>[--quick] [--out DIR]</c>: a reduced run of a few seconds; where the SVG figures go
    /// (default <c>./figures/forward-reverse-kl</c>).</param>
    /// <param name="output">Where the report goes; plain text lines unless it is the interactive console.</param>
    /// <returns>0 on success, 2 on bad arguments.</returns>
    public static int Run(string[] args, TextWriter output) =>
        SampleHost.Run(args, output, Name, "Forward and reverse KL", (console, quick, dir) =>
        {
            var run = new Runner(console, quick, dir);
            run.ForwardGaussian();
            run.ForwardMixture();
            run.ReverseMixture();
            run.ReverseMixtureRichSurrogates();
            run.Summary();
        });

    private sealed class Runner(SampleConsole console, bool quick, string dir)
    {
        private readonly int gridSize = quick ? 40 : 128;
        private readonly int extraSteps = quick ? 150 : 1000;
        private readonly int klSamples = quick ? 20_000 : 200_000;
        private readonly List<IReadOnlyList<string>> summary = [];

        /// <summary>The notebook's build_p: 0.8 N([0.5, -0.7], [[1, 1], [1, 2]]) + 0.2 N([-2.5, 2.5], [[0.5, 0.1], [0.1, 0.5]]).</summary>
        private static Mixture BuildP(double mix = 0.8) => new(
            Tensor.Vector(mix, 1 - mix),
            [
                MultivariateNormal.FromCovariance(Tensor.Vector(0.5, -0.7), Tensor.Matrix(new[,] { { 1.0, 1.0 }, { 1.0, 2.0 } })),
                MultivariateNormal.FromCovariance(Tensor.Vector(-2.5, 2.5), Tensor.Matrix(new[,] { { 0.5, 0.1 }, { 0.1, 0.5 } })),
            ]);

        /// <summary>q's parameters as the notebook: qm ~ N(0, I₂) and a raw 2 x 2 matrix R ~ N(0, 1), covariance R Rᵀ.</summary>
        private static (Parameter Mean, Parameter Raw) InitialQ(RandomStream random)
        {
            var m = new double[2];
            var r = new double[4];

            // Redraw a nearly singular R (|det R| < 0.5): gradient descent at lr 0.1 on R then takes steps of
            // size ~ 0.1 / |det R| and blows q up, which the notebook's numpy draws happened not to do.
            do
            {
                random.FillStandardNormal(m);
                random.FillStandardNormal(r);
            }
            while (Math.Abs((r[0] * r[3]) - (r[1] * r[2])) < 0.5);
            return (new Parameter(Tensor.Vector(m), name: "q_mean"), new Parameter(Tensor.FromArray(r, [2, 2]), name: "q_raw"));
        }

        private static double SmallestEigenvalue(double[] a)
        {
            double c00 = a[0] * a[0], c01 = a[0] * a[2], c11 = (a[2] * a[2]) + (a[3] * a[3]);
            double tr = c00 + c11, det = (c00 * c11) - (c01 * c01);
            return 0.5 * (tr - Math.Sqrt(Math.Max(0, (tr * tr) - (4 * det))));
        }

        private static MultivariateNormal Q(Tensor mean, Tensor raw) => MultivariateNormal.FromCovariance(mean, raw.MatMul(raw.Transpose()));

        private static MultivariateNormal Q(double[] mean, double[] raw) => Q(Tensor.Vector(mean), Tensor.FromArray(raw, [2, 2]));

        private static double[] Cov(double[] raw) =>
            [(raw[0] * raw[0]) + (raw[1] * raw[1]), (raw[0] * raw[2]) + (raw[1] * raw[3]), (raw[0] * raw[2]) + (raw[1] * raw[3]), (raw[2] * raw[2]) + (raw[3] * raw[3])];

        private static string Mat(double[] c) => $"[[{F(c[0])}, {F(c[1])}], [{F(c[2])}, {F(c[3])}]]";

        public void ForwardGaussian()
        {
            console.Heading("Part A: forward KL(p || q) to a 2-D Gaussian p, closed form, gradient descent lr 0.1");

            // gen_gaussian_params: mean ~ N(0, I) + 0.8, covariance A Aᵀ with A ~ N(0, 1) and A[0, 1] = 0.
            var random = new RandomStream(555UL);
            var pm = new double[2];
            var a = new double[4];
            // Redrawn until p fits the notebook's plot window [-2.5, 3.5]² (both standard deviations at most 1.5
            // and the mean inside), as the notebook's draw did, and until its smallest variance is at least 0.4: with a
            // thinner p, plain gradient descent at lr 0.1 on R overshoots (the curvature grows like 1/λmin).
            do
            {
                random.FillStandardNormal(pm);
                random.FillStandardNormal(a);
                pm[0] += 0.8;
                pm[1] += 0.8;
                a[1] = 0;
            }
            while (Math.Abs(a[0]) > 1.5 || ((a[2] * a[2]) + (a[3] * a[3])) > 2.25 || SmallestEigenvalue(a) < 0.4
                || pm.Any(v => v < -1.5 || v > 2.5));
            double[] pc = [a[0] * a[0], a[0] * a[2], a[0] * a[2], (a[2] * a[2]) + (a[3] * a[3])];
            var p = MultivariateNormal.FromCovariance(Tensor.Vector(pm), Tensor.FromArray(pc, [2, 2]));
            var sample = p.Sample(1000, random);
            var (mean, raw) = InitialQ(random);
            console.Line($"A p mean = {Vec(pm)}, p covariance = {Mat(pc)}");

            double[] lim = [-2.5, 3.5, -2.5, 3.5];
            SaveTarget(p, sample, lim, "a-gaussian-target.svg");

            // The notebook's loss ½(log det Σq + tr(Σq⁻¹ Σp) + (μp - μq)ᵀ Σq⁻¹ (μp - μq)) is KL(p ‖ q) up to constants.
            Tensor Loss() => Kl.Exact(p, Q(mean.Value, raw.Value));
            var trace = console.Fit("A forward KL, SGD(0.1)", Iterations, cb => Minimizer.Minimize(Loss, [mean, raw], Options(Iterations, cb)));
            SaveGrid(trace, sample, lim, "a-gaussian-forward.svg", "Part A: forward KL to a Gaussian");
            double kl20 = KlOf(p, mean, raw, reverse: false).Value;
            console.Key("A KL(p||q) start", trace.Losses[0]);
            console.Key("A KL(p||q) after 20", kl20);
            console.Line($"A q after 20: mean = {Vec(mean.ToArray())}, covariance = {Mat(Cov(raw.ToArray()))}");

            var more = console.Fit($"A continued, {extraSteps} steps", extraSteps, cb => Minimizer.Minimize(Loss, [mean, raw], Options(extraSteps, cb)));
            var m = mean.ToArray();
            double klEnd = KlOf(p, mean, raw, reverse: false).Value;
            console.Key("A KL(p||q) final", klEnd, "G4", $"after {Iterations + extraSteps} steps");
            console.Key("A final mean[0]", m[0], note: $"p {F(pm[0])}");
            console.Key("A final mean[1]", m[1], note: $"p {F(pm[1])}");
            console.Line($"A final covariance = {Mat(Cov(raw.ToArray()))} (p {Mat(pc)})");
            summary.Add(["A forward, Gaussian p", F(kl20), F(klEnd, "G4"), Vec(m), Mat(Cov(raw.ToArray()))]);
            _ = more;
        }

        public void ForwardMixture()
        {
            console.Heading("Part A': forward KL to the 0.8/0.2 mixture from 1000 samples = maximum likelihood (mode-covering)");
            var random = new RandomStream(8UL);
            var p = BuildP();
            var sample = p.Sample(1000, random);
            var (mean, raw) = InitialQ(random);
            double[] lim = [-4, 4, -4, 4];
            SaveTarget(p, sample, lim, "mixture-target.svg");

            // loss = -E_sample[log q(x)]: forward KL(p ‖ q) up to p's entropy.
            Tensor Loss() => -Q(mean.Value, raw.Value).LogProb(sample).Mean();
            var trace = console.Fit("A' forward KL (ML), SGD(0.1)", Iterations, cb => Minimizer.Minimize(Loss, [mean, raw], Options(Iterations, cb)));
            SaveGrid(trace, sample, lim, "mixture-forward.svg", "Part A': forward KL to the mixture (maximum likelihood)");
            var kl20 = KlOf(p, mean, raw, reverse: false);
            console.Key("FWD KL(p||q) after 20", kl20.Value, note: $"Monte Carlo, SE {F(kl20.Se)}");
            console.Line($"FWD q after 20: mean = {Vec(mean.ToArray())}, covariance = {Mat(Cov(raw.ToArray()))}");

            console.Fit($"A' continued, {extraSteps} steps", extraSteps, cb => Minimizer.Minimize(Loss, [mean, raw], Options(extraSteps, cb)));
            var klEnd = KlOf(p, mean, raw, reverse: false);
            var m = mean.ToArray();

            // The forward-KL optimum over all Gaussians matches p's moments: mean Σ wᵢμᵢ, covariance Σ wᵢ(Σᵢ + μᵢμᵢᵀ) - μμᵀ.
            double[] pMean = [(0.8 * 0.5) + (0.2 * -2.5), (0.8 * -0.7) + (0.2 * 2.5)];
            double[] second =
            [
                (0.8 * (1.0 + 0.25)) + (0.2 * (0.5 + 6.25)),
                (0.8 * (1.0 - 0.35)) + (0.2 * (0.1 - 6.25)),
                (0.8 * (1.0 - 0.35)) + (0.2 * (0.1 - 6.25)),
                (0.8 * (2.0 + 0.49)) + (0.2 * (0.5 + 6.25)),
            ];
            double[] pCov = [second[0] - (pMean[0] * pMean[0]), second[1] - (pMean[0] * pMean[1]), second[2] - (pMean[0] * pMean[1]), second[3] - (pMean[1] * pMean[1])];
            console.Key("FWD KL(p||q) final", klEnd.Value, note: $"Monte Carlo, SE {F(klEnd.Se)}, after {Iterations + extraSteps} steps");
            console.Key("FWD final mean[0]", m[0], note: $"sample mean {F(SampleMean(sample)[0])}, p mean {F(pMean[0])}");
            console.Key("FWD final mean[1]", m[1], note: $"sample mean {F(SampleMean(sample)[1])}, p mean {F(pMean[1])}");
            console.Line($"FWD final covariance = {Mat(Cov(raw.ToArray()))} (p's covariance {Mat(pCov)})");
            summary.Add(["A' forward, mixture p", F(kl20.Value), F(klEnd.Value), Vec(m), Mat(Cov(raw.ToArray()))]);
        }

        public void ReverseMixture()
        {
            console.Heading("Part B: reverse KL(q || p) to the mixture, reparameterised Monte Carlo, 1000 samples (mode-seeking)");
            var random = new RandomStream(8UL);
            var p = BuildP();
            var sample = p.Sample(1000, random);

            // The notebook draws q's start after the forward part's; we skip that draw the same way.
            _ = InitialQ(random);
            var (mean, raw) = InitialQ(random);
            double[] lim = [-4, 4, -4, 4];
            MinimizeTrace Fit(int steps, ulong seed, Action<MinimizeProgress>? cb) => KlFitting.Reverse(
                p, () => Q(mean.Value, raw.Value), [mean, raw], Options(steps, cb), sampleCount: 1000, seed: seed).Trace;
            var trace = console.Fit("B reverse KL, SGD(0.1)", Iterations, cb => Fit(Iterations, 11, cb));
            SaveGrid(trace, sample, lim, "mixture-reverse.svg", "Part B: reverse KL to the mixture");
            var kl20 = KlOf(p, mean, raw, reverse: true);
            console.Key("REV KL(q||p) after 20", kl20.Value, note: $"Monte Carlo, SE {F(kl20.Se)}");
            console.Line($"REV q after 20: mean = {Vec(mean.ToArray())}, covariance = {Mat(Cov(raw.ToArray()))}");

            console.Fit($"B continued, {extraSteps} steps", extraSteps, cb => Fit(extraSteps, 12, cb));
            var klEnd = KlOf(p, mean, raw, reverse: true);
            var m = mean.ToArray();
            console.Key("REV KL(q||p) final", klEnd.Value, note: $"Monte Carlo, SE {F(klEnd.Se)}, after {Iterations + extraSteps} steps");
            console.Key("REV final mean[0]", m[0], note: "the major mode is at 0.5");
            console.Key("REV final mean[1]", m[1], note: "the major mode is at -0.7");
            console.Line($"REV final covariance = {Mat(Cov(raw.ToArray()))} (major component [[1, 1], [1, 2]])");
            summary.Add(["B reverse, mixture p", F(kl20.Value), F(klEnd.Value), Vec(m), Mat(Cov(raw.ToArray()))]);
        }

        public void ReverseMixtureRichSurrogates()
        {
            console.Heading("Part C: reverse KL(q || p) to the mixture with a 2-component mixture surrogate and a RealNVP flow (both modes)");
            var random = new RandomStream(8UL);
            var p = BuildP();
            var sample = p.Sample(1000, random);
            double[] lim = [-4, 4, -4, 4];

            // The mixture: K = 2 full-covariance components from distinct starts, stratified ELBO (gradients reach the weights).
            int mixtureSteps = quick ? 600 : 3000;
            var mixture = new GaussianMixtureSurrogate(Tensor.FromArray([1.0, -1.0, -1.0, 1.0], [2, 2]), fullCovariance: true);
            var mixturePanels = FitWithPanels(
                "C mixture surrogate, Adam(cosine 0.05)", mixture, p, mixtureSteps, quick ? 128 : 256, Optimizers.Adam(Schedules.CosineDecay(0.05, mixtureSteps, 0.01)), 21);
            var qm = (MixtureSameFamily)mixture.DetachedDistribution;
            var w = qm.MixtureDistribution.Probs.ToArray();
            var locs = ((MultivariateNormal)qm.Components).Loc.ToArray();
            int major = w[0] >= w[1] ? 0 : 1;
            var klMixture = ReverseKl(qm, p);
            console.Key("C mixture weight major", w[major], note: "p 0.8");
            console.Key("C mixture weight minor", w[1 - major], note: "p 0.2");
            console.Line($"C mixture locations: major {Vec([locs[2 * major], locs[(2 * major) + 1]])} (p [0.5, -0.7]), minor {Vec([locs[2 * (1 - major)], locs[(2 * (1 - major)) + 1]])} (p [-2.5, 2.5])");
            console.Key("C mixture KL(q||p)", klMixture.Value, "G4", $"Monte Carlo, SE {F(klMixture.Se, "G2")}");
            console.Key("C mixture minor mean[0]", locs[2 * (1 - major)], note: "p -2.5");
            console.Key("C mixture minor mean[1]", locs[(2 * (1 - major)) + 1], note: "p 2.5");

            // The flow: RealNVP, 4 couplings with 2 hidden layers of 32.
            int flowSteps = quick ? 400 : 2000;
            var flow = FlowSurrogate.RealNvp(2, 4, [32, 32], seed: 1);
            var flowPanels = FitWithPanels(
                "C RealNVP flow, Adam(cosine 0.005), annealed", flow, p, flowSteps, 256, Optimizers.Adam(Schedules.CosineDecay(5e-3, flowSteps, 0.05)), 22, anneal: true);
            var qf = flow.DetachedDistribution;
            var klFlow = ReverseKl(qf, p);

            // Both modes captured: the flow's mass on the minor mode's side (closer to (-2.5, 2.5) than to (0.5, -0.7)).
            double qMinor = MinorSideMass(qf, 23);
            double pMinor = MinorSideMass(p, 24);
            console.Key("C flow KL(q||p)", klFlow.Value, "G4", $"Monte Carlo, SE {F(klFlow.Se, "G2")}");
            console.Key("C flow minor-side mass", qMinor, note: $"p {F(pMinor)} (the same region under p)");
            console.Key("C p minor-side mass", pMinor);

            var fig = new Figure(2, 4, 960, 520) { Title = "Part C: reverse KL to the mixture with a mixture surrogate (top) and a RealNVP flow (bottom)" };
            for (int k = 0; k < 4; k++)
            {
                DrawPanel(fig[0, k], mixturePanels[k].Q, sample, lim, $"mixture, step {mixturePanels[k].Step}");
                DrawPanel(fig[1, k], flowPanels[k].Q, sample, lim, $"flow, step {flowPanels[k].Step}");
            }

            Save(fig, "mixture-reverse-rich.svg");
            summary.Add(["C reverse, mixture surrogate", "", F(klMixture.Value, "G4"), Vec([locs[2 * major], locs[(2 * major) + 1]]) + " / " + Vec([locs[2 * (1 - major)], locs[(2 * (1 - major)) + 1]]), $"weights {F(w[major])}/{F(w[1 - major])}"]);
            summary.Add(["C reverse, RealNVP flow", "", F(klFlow.Value, "G4"), "", $"minor-side mass {F(qMinor)}"]);
        }

        /// <summary>
        /// Fits the surrogate by VI to log p, keeping q at 0, 1/8, 1/2 of the steps and at the end for the panels. With
        /// <paramref name="anneal"/> the target is β log p with β rising linearly from 0.2 to 1 over the first 60% of the
        /// steps (annealed VI): the tempered target is broad enough at first for the surrogate to spread over both modes,
        /// which plain reverse KL from a start between them does not do (it seeks the major mode, as part B shows).
        /// </summary>
        private List<(int Step, Distribution Q)> FitWithPanels(
            string label, SurrogatePosterior surrogate, Distribution p, int steps, int samples, IGradientTransformation optimizer, ulong seed, bool anneal = false)
        {
            var panels = new List<(int, Distribution)> { (0, surrogate.DetachedDistribution) };
            int[] marks = [steps / 8, steps / 2];
            double beta = anneal ? 0.2 : 1;
            console.Fit(label, steps, cb => VariationalInference.Fit(
                z => p.LogProb(z) * beta,
                surrogate,
                new MinimizeOptions(optimizer)
                {
                    MaxSteps = steps,
                    TraceEvery = 0,
                    Callback = progress =>
                    {
                        cb?.Invoke(progress);
                        beta = anneal ? Math.Min(1, 0.2 + (0.8 * progress.Step / (0.6 * steps))) : 1;
                        if (marks.Contains(progress.Step))
                        {
                            panels.Add((progress.Step, surrogate.DetachedDistribution));
                        }
                    },
                },
                samples,
                seed).Trace);
            panels.Add((steps, surrogate.DetachedDistribution));
            return panels;
        }

        private (double Value, double Se) ReverseKl(Distribution q, Distribution p)
        {
            var result = Kl.Divergence(q, p, new KlOptions { Method = KlMethodChoice.MonteCarlo, SampleCount = klSamples, Seed = 99 });
            return (result.ToScalar(), result.StandardError.ToScalar());
        }

        /// <summary>A distribution's mass on the minor mode's side of the bisector between the two modes, from its own draws.</summary>
        private double MinorSideMass(Distribution d, ulong seed)
        {
            var draws = d.Sample(klSamples, new RandomStream(seed)).ToArray();
            int minor = 0;
            for (int i = 0; i < draws.Length / 2; i++)
            {
                double dMajor = Square(draws[2 * i] - 0.5) + Square(draws[(2 * i) + 1] + 0.7);
                double dMinor = Square(draws[2 * i] + 2.5) + Square(draws[(2 * i) + 1] - 2.5);
                minor += dMinor < dMajor ? 1 : 0;
            }

            return (double)minor / (draws.Length / 2);
        }

        private static double Square(double v) => v * v;

        public void Summary() => console.Table(
            "Final fits (forward KL(p||q) for A and A', reverse KL(q||p) for B and C)",
            ["fit", "KL after 20 iterations", $"KL after {Iterations + extraSteps}", "q mean", "q covariance"],
            summary);

        private static MinimizeOptions Options(int steps, Action<MinimizeProgress>? cb) =>
            new(Optimizers.Sgd(0.1)) { MaxSteps = steps, TraceEvery = 1, Callback = cb };

        private (double Value, double Se) KlOf(Distribution p, Parameter mean, Parameter raw, bool reverse)
        {
            var q = Q(mean.ToArray(), raw.ToArray());
            var (a, b) = reverse ? ((Distribution)q, p) : (p, q);
            var result = Kl.Divergence(a, b, new KlOptions { SampleCount = klSamples, Seed = 99 });
            return (result.ToScalar(), result.StandardError.ToScalar());
        }

        private static double[] SampleMean(Tensor sample)
        {
            using var scope = Tensor.NoGrad();
            return sample.Mean(0).ToArray();
        }

        private void SaveTarget(Distribution p, Tensor sample, double[] lim, string file)
        {
            var fig = new Figure(1, 2, 900, 450);
            DrawPanel(fig[0, 0], p, null, lim, "p(x)");
            DrawPanel(fig[0, 1], null, sample, lim, "1000 samples of p (200 shown)");
            Save(fig, file);
        }

        /// <summary>The notebook's 5 x 4 grid: panel k shows q before iteration k over the samples of p.</summary>
        private void SaveGrid(MinimizeTrace trace, Tensor sample, double[] lim, string file, string title)
        {
            var fig = new Figure(5, 4, 960, 1200) { Title = title };
            for (int k = 0; k < Iterations; k++)
            {
                var values = trace.Snapshots[k].Values;
                DrawPanel(fig[k / 4, k % 4], Q(values[0], values[1]), sample, lim, $"iter: {k}");
            }

            Save(fig, file);
        }

        private void DrawPanel(Axes ax, Distribution? q, Tensor? sample, double[] lim, string title)
        {
            if (sample is not null)
            {
                var s = sample.ToArray();
                int n = Math.Min(200, s.Length / 2);
                ax.Scatter(
                    Enumerable.Range(0, n).Select(i => s[2 * i]).ToArray(),
                    Enumerable.Range(0, n).Select(i => s[(2 * i) + 1]).ToArray(),
                    color: "black",
                    size: 2.5,
                    alpha: 0.7);
            }

            if (q is not null)
            {
                var xs = Grid.Linspace(lim[0], lim[1], gridSize);
                var ys = Grid.Linspace(lim[2], lim[3], gridSize);
                var z = Grid.Density2D(q, xs, ys);
                double max = z.Cast<double>().Max();

                // np.linspace(0, 1.1 max, 10) without the zero level.
                var levels = Enumerable.Range(1, 9).Select(i => 1.1 * max * i / 9).ToArray();
                ax.Contour(xs, ys, z, levels: levels, width: 2);
            }

            ax.SetLimits(lim[0], lim[1], lim[2], lim[3]);
            ax.Title = title;
        }

        private void Save(Figure figure, string file)
        {
            var path = Path.Combine(dir, file);
            figure.Save(path);
            console.Saved(path);
        }
    }
}
