using KlDivergence.Samples.SampleKit;
using KlDivergence.Bijectors;
using KlDivergence.Distributions;
using KlDivergence.Divergences;
using KlDivergence.Inference;
using KlDivergence.Models;
using KlDivergence.Optimization;
using KlDivergence.Random;
using KlDivergence.Samples.Plotting;
using KlDivergence.Tensors;
using static KlDivergence.Samples.SampleKit.SampleConsole;

namespace KlDivergence.Samples.UnderstandingKl;

/// <summary>
/// Reproduces the notebook "Understanding KL-Divergence" (seed 000, TensorFlow Probability): closed-form KL
/// between normals (G1), fitting q to p by gradient descent on KL(q ‖ p) (G2), KL between a normal and a
/// Gaussian mixture where TFP has no registered KL (G3), the reparameterised fit to the mixture (G4), the
/// 2-D diagonal-versus-full-covariance fit, and the notebook's unfinished ELBO section, fixed so that it works.
/// </summary>
public static class UnderstandingKlSample
{
    private const string Name = "understanding-kl";

    /// <summary>Runs the sample.</summary>
    /// <param name="args"><c>[--quick] [--out DIR]</c>: a reduced run of a few seconds; where the SVG figures go
    /// (default <c>./figures/understanding-kl</c>).</param>
    /// <param name="output">Where the report goes; plain text lines unless it is the interactive console.</param>
    /// <returns>0 on success, 2 on bad arguments.</returns>
    public static int Run(string[] args, TextWriter output) =>
        SampleHost.Run(args, output, Name, "Understanding KL-Divergence", (console, quick, dir) =>
        {
            var run = new Runner(console, quick, dir);
            run.G1();
            run.LocScaleGrid();
            run.G2();
            run.G3();
            run.G4();
            run.TwoDimensional();
            run.Elbo();
        });

    private sealed class Runner(SampleConsole console, bool quick, string dir)
    {
        // p ~ N(1, 4), the target of G1 and G2; z from -5 to 15 as the notebook's tf.linspace(-5, 15, 200).
        private readonly Normal p = new(1.0, 4.0);
        private readonly double[] z = Grid.Linspace(-5, 15, quick ? 100 : 200);

        // p_s = 0.5 N(-0.2, 0.1) + 0.5 N(1, 0.5), the mixture of G3 and G4.
        private readonly MixtureSameFamily ps = new(
            new Categorical(Tensor.Vector(0.5, 0.5)),
            new Normal(Tensor.Vector(-0.2, 1.0), Tensor.Vector(0.1, 0.5)));

        private string Save(Figure figure, string file)
        {
            var path = Path.Combine(dir, file);
            figure.Save(path);
            console.Saved(path);
            return path;
        }

        private string Save(Animation animation, string file)
        {
            var path = Path.Combine(dir, file);
            animation.Save(path);
            console.Saved(path);
            return path;
        }

        public void G1()
        {
            console.Heading("G1: KL divergence between p = N(1, 4) and two normals");
            var q1 = new Normal(0.0, 2.0);
            var q2 = new Normal(1.0, 3.0);
            var kl1 = Kl.Divergence(q1, p);
            var kl2 = Kl.Divergence(q2, p);

            // The notebook prints f"{kl:0.2f}": 0.35 and 0.07.
            console.Key("G1 KL(q(0,2)||p)", kl1.ToScalar(), "F2");
            console.Key("G1 KL(q(1,3)||p)", kl2.ToScalar(), "F2");
            console.Table(
                "KL(q || p), p = N(1, 4)",
                ["q", "KL(q||p)", "method", "notebook"],
                [
                    ["N(0, 2)", F(kl1.ToScalar(), "F6"), kl1.Method.ToString(), "0.35"],
                    ["N(1, 3)", F(kl2.ToScalar(), "F6"), kl2.Method.ToString(), "0.07"],
                ]);

            var fig = new Figure(1, 1, 640, 360);
            var ax = fig[0, 0];
            ax.Plot(z, Grid.Density(p, z), label: "p ~ N(1.00, 4.00)", width: 3);
            ax.Plot(z, Grid.Density(q1, z), label: $"q1 ~ N(0.00, 2.00), KL = {F(kl1.ToScalar(), "F2")}", style: LineStyle.Dashed, width: 2);
            ax.Plot(z, Grid.Density(q2, z), label: $"q2 ~ N(1.00, 3.00), KL = {F(kl2.ToScalar(), "F2")}", style: LineStyle.DashDot, width: 2);
            ax.XLabel = "x";
            ax.YLabel = "PDF";
            ax.ShowLegend = true;
            ax.Title = "D_KL(q2 || p) < D_KL(q1 || p)";
            Save(fig, "g1-densities.svg");
        }

        public void LocScaleGrid()
        {
            console.Heading("A grid of (loc, scale) pairs");
            var rows = new List<IReadOnlyList<string>>();
            var fig = new Figure(1, 2, 1100, 400);
            var ax = fig[0, 0];
            ax.Plot(z, Grid.Density(p, z), label: "p ~ N(1.00, 4.00)", width: 4);
            foreach (int loc in new[] { 0, 1 })
            {
                foreach (int scale in new[] { 1, 2 })
                {
                    var q = new Normal(loc, scale);
                    double kl = Kl.Exact(q, p).ToScalar();
                    rows.Add([loc.ToString(System.Globalization.CultureInfo.InvariantCulture), scale.ToString(System.Globalization.CultureInfo.InvariantCulture), F(kl)]);
                    console.Key($"GRID KL(q({loc},{scale})||p)", kl);
                    ax.Plot(z, Grid.Density(q, z), label: $"q ~ N({loc}, {scale}), KL = {F(kl, "F2")}");
                }
            }

            console.Table("KL(q || p) over the notebook's grid", ["loc", "scale", "KL(q||p)"], rows);
            ax.XLabel = "x";
            ax.YLabel = "PDF";
            ax.ShowLegend = true;

            // A finer grid as a heat map: the minimum is at (1, 4) = p itself.
            int n = quick ? 25 : 61;
            var locs = Grid.Linspace(-3, 5, n);
            var scales = Grid.Linspace(0.5, 8, n);
            var locData = new double[n * n];
            var scaleData = new double[n * n];
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    locData[(i * n) + j] = locs[j];
                    scaleData[(i * n) + j] = scales[i];
                }
            }

            double[] kls;
            using (Tensor.NoGrad())
            {
                kls = Kl.Exact(new Normal(Tensor.FromArray(locData, [n, n]), Tensor.FromArray(scaleData, [n, n])), p).ToArray();
            }

            var map = new double[n, n];
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    map[i, j] = Math.Log10(kls[(i * n) + j]);
                }
            }

            var heat = fig[0, 1];
            heat.ContourFilled(locs, scales, map, levelCount: 12);
            heat.Contour(locs, scales, map, levelCount: 12, color: "white", width: 0.6);
            heat.Scatter([1.0], [4.0], color: "red", label: "p = N(1, 4): KL = 0", size: 5);
            heat.XLabel = "loc";
            heat.YLabel = "scale";
            heat.Title = "log10 KL(N(loc, scale) || p)";
            heat.ShowLegend = true;
            Save(fig, "grid-kl.svg");
        }

        public void G2()
        {
            console.Heading("G2: fit q = N(loc, scale) to p by Adam on the closed-form KL(q || p)");

            // As the notebook: loc starts at -1, scale at 1 through an Exp bijector, Adam(0.01), 500 steps.
            int steps = 500; // cheap (closed form): the quick run keeps the notebook's 500 steps
            var loc = new Parameter(-1.0, name: "loc");
            var scale = new Parameter(1.0, new ExpBijector(), "scale");
            double start = Kl.Exact(new Normal(-1.0, 1.0), p).ToScalar();
            console.Key("G2 KL start", start);
            int every = Math.Max(1, steps / 50);
            var trace = console.Fit(
                $"G2 Adam(0.01), {steps} steps",
                steps,
                cb => Minimizer.Minimize(
                    () => Kl.Exact(new Normal(loc.Value, scale.Value), p),
                    [loc, scale],
                    new MinimizeOptions(Optimizers.Adam(0.01)) { MaxSteps = steps, TraceEvery = every, Callback = cb }));
            double finalKl = Kl.Exact(new Normal(loc.ToScalar(), scale.ToScalar()), p).ToScalar();
            console.Key("G2 final loc", loc.ToScalar(), note: "notebook 0.9887 after 500 steps");
            console.Key("G2 final scale", scale.ToScalar(), note: "notebook 4.0000 after 500 steps");
            console.Key("G2 final KL", finalKl, "G4");
            console.Key("G2 KL monotone", IsNonIncreasing(trace.Losses) ? 1 : 0, "F0", "1 if the KL never increased");

            var animation = new Animation(0.1);
            foreach (var snap in trace.Snapshots)
            {
                double l = snap.Values[0][0], s = snap.Values[1][0];
                var q = new Normal(l, s);
                double kl = Kl.Exact(q, p).ToScalar();
                var frame = new Figure(1, 1, 640, 320);
                var ax = frame[0, 0];
                ax.Plot(z, Grid.Density(p, z), label: "p ~ N(1.00, 4.00)", width: 4);
                ax.Plot(z, Grid.Density(q, z), label: $"q ~ N({F(l, "F2")}, {F(s, "F2")})", width: 2);
                ax.Title = $"Iteration: {snap.Step + 1}, D_KL(q||p): {F(kl, "F2")}";
                ax.SetLimits(-5, 15, 0, 0.45);
                ax.XLabel = "x";
                ax.YLabel = "PDF";
                ax.ShowLegend = true;
                animation.AddFrame(frame);
            }

            Save(animation, "g2-fit.svg");
        }

        public void G3()
        {
            console.Heading("G3: KL between a normal and a Gaussian mixture (no closed form)");
            var q1 = new Normal(3.0, 1.0);
            var q2 = new Normal(3.0, 4.5);
            try
            {
                // TFP: "No KL(distribution_a || distribution_b) registered for distribution_a type Normal and
                // distribution_b type MixtureSameFamily". Here too there is no closed form, and Exact says so.
                Kl.Exact(q1, ps);
            }
            catch (NoClosedFormException e)
            {
                console.Line($"Kl.Exact: {e.Message}");
            }

            int n = quick ? 20_000 : 100_000;
            var rows = new List<IReadOnlyList<string>>();
            foreach (var (label, q, notebook) in new[] { ("q1", q1, "9.4656"), ("q2", q2, "46.4800") })
            {
                var mc = Kl.MonteCarlo(q, ps, n, new RandomStream(label == "q1" ? 1UL : 2UL));
                var quad = Kl.Quadrature(q, ps);
                double value = mc.ToScalar(), se = mc.StandardError.ToScalar(), exact = quad.ToScalar();
                console.Key($"G3 KL({label}||p_s) MC", value, note: $"{n} samples");
                console.Key($"G3 KL({label}||p_s) MC SE", value: se);
                console.Key($"G3 KL({label}||p_s) quadrature", exact, "F6", $"error estimate {F(quad.StandardError.ToScalar(), "G2")}");
                rows.Add([label, F(value), F(se), F(exact, "F6"), F((value - exact) / se, "F2"), notebook]);
            }

            console.Table(
                "KL(q || p_s): Monte Carlo beside quadrature",
                ["q", "Monte Carlo", "standard error", "quadrature", "(MC - quad)/SE", "notebook (MC, 1e5)"],
                rows);

            var fig = new Figure(1, 1, 640, 360);
            var ax = fig[0, 0];
            ax.Plot(z, Grid.Density(ps, z), label: "MOG p_s");
            ax.Plot(z, Grid.Density(q1, z), label: "q1 ~ N(3, 1.0)");
            ax.Plot(z, Grid.Density(q2, z), label: "q2 ~ N(3, 4.5)");
            ax.XLabel = "x";
            ax.YLabel = "PDF";
            ax.ShowLegend = true;
            Save(fig, "g3-densities.svg");
        }

        public void G4()
        {
            console.Heading("G4: reparameterised Monte Carlo fit of q = N(loc, scale) to the mixture");

            // As the notebook: loc = 3, scale = 4 as plain variables, Adam(0.05), 150 steps, 1000 samples of
            // loc + scale·ε per step. Our random stream differs from TensorFlow's, so the path differs.
            int steps = 150;
            var loc = new Parameter(3.0, name: "loc");
            var scale = new Parameter(4.0, name: "scale");
            var trace = console.Fit(
                $"G4 Adam(0.05), {steps} steps x 1000 samples",
                steps,
                cb => KlFitting.Reverse(
                    ps,
                    () => new Normal(loc.Value, scale.Value),
                    [loc, scale],
                    new MinimizeOptions(Optimizers.Adam(0.05)) { MaxSteps = steps, TraceEvery = 1, Callback = cb },
                    sampleCount: 1000,
                    seed: 4).Trace);
            var rows = new List<IReadOnlyList<string>>();
            string[] notebook = ["38.7590 (3, 4)", "0.4970 (0.7369, 0.6807)", "0.5286 (0.7741, 0.6178)"];
            for (int i = 0; i < steps; i += 50)
            {
                // Snapshot i holds the values before step i (snapshot 0 is the start), as the notebook's tf.print.
                var s = trace.Snapshots[i].Values;
                console.Key($"G4 loss step {i}", trace.Losses[i]);
                rows.Add([i.ToString(System.Globalization.CultureInfo.InvariantCulture), F(trace.Losses[i]), F(s[0][0]), F(s[1][0]), notebook[i / 50]]);
            }

            console.Table("G4 trace (loss, loc, scale before the step)", ["step", "loss", "loc", "scale", "notebook loss (loc, scale)"], rows);
            double finalLoc = loc.ToScalar(), finalScale = scale.ToScalar();
            var quad = Kl.Quadrature(new Normal(finalLoc, finalScale), ps);
            console.Key("G4 final loc", finalLoc, note: "notebook 0.7741 at step 100");
            console.Key("G4 final scale", finalScale, note: "notebook 0.6178 at step 100");
            console.Key("G4 final KL quadrature", quad.ToScalar());

            var locs = trace.Snapshots.Select(sn => sn.Values[0][0]).ToArray();
            var scales = trace.Snapshots.Select(sn => sn.Values[1][0]).ToArray();
            var iters = Enumerable.Range(0, locs.Length).Select(i => (double)i).ToArray();
            var fig = new Figure(1, 2, 1100, 360);
            fig[0, 0].Plot(iters, locs, label: "loc");
            fig[0, 0].Plot(iters, scales, label: "scale");
            fig[0, 0].XLabel = "Iterations";
            fig[0, 0].ShowLegend = true;
            fig[0, 1].Plot(z, Grid.Density(ps, z), label: "p");
            fig[0, 1].Plot(z, Grid.Density(new Normal(finalLoc, finalScale), z), label: "q");
            fig[0, 1].XLabel = "x";
            fig[0, 1].YLabel = "PDF";
            fig[0, 1].ShowLegend = true;
            Save(fig, "g4-trace.svg");

            var animation = new Animation(0.1);
            int every = quick ? 15 : 3;
            double[] pDensity = Grid.Density(ps, z);
            for (int i = 0; i < steps; i += every)
            {
                var frame = new Figure(1, 1, 640, 320);
                var ax = frame[0, 0];
                ax.Plot(z, pDensity, label: "p");
                ax.Plot(z, Grid.Density(new Normal(locs[i], scales[i]), z), label: "q");
                ax.Title = $"Iteration {i}, Loss: {F(trace.Losses[i], "F2")}";
                ax.SetLimits(-5, 15, 0, 2.2);
                ax.ShowLegend = true;
                animation.AddFrame(frame);
            }

            Save(animation, "g4-fit.svg");
        }

        public void TwoDimensional()
        {
            console.Heading("2-D: diagonal q fitted to a correlated p by reverse KL");
            var sigma = Tensor.Matrix(new[,] { { 1.0, 0.5 }, { 0.5, 2.0 } });
            var p2 = MultivariateNormal.FromCovariance(Tensor.Vector(0.0, 0.0), sigma);
            var loc = new Parameter(Tensor.Vector(2.0, -2.0), name: "loc");
            var scale = new Parameter(Tensor.Vector(1.0, 2.0), new ExpBijector(), "scale");
            double start = Kl.Exact(new MultivariateNormalDiag(Tensor.Vector(2.0, -2.0), Tensor.Vector(1.0, 2.0)), p2).ToScalar();
            console.Key("2D KL(q||p) start", start, note: "notebook 4.8723755");

            // The notebook's loop body is lost; Adam(0.05) as in its other fits. The best diagonal q has
            // variances 1/(Σ⁻¹)ᵢᵢ = (0.875, 1.75) and KL = ½ ln(8/7).
            int steps = quick ? 150 : 300;
            var trace = console.Fit(
                $"2-D Adam(0.05), {steps} steps",
                steps,
                cb => Minimizer.Minimize(
                    () => Kl.Exact(new MultivariateNormalDiag(loc.Value, scale.Value), p2),
                    [loc, scale],
                    new MinimizeOptions(Optimizers.Adam(0.05)) { MaxSteps = steps, TraceEvery = quick ? 10 : 5, Callback = cb }));
            var m = loc.ToArray();
            var s = scale.ToArray();
            double final = Kl.Exact(new MultivariateNormalDiag(Tensor.Vector(m), Tensor.Vector(s)), p2).ToScalar();
            double optimum = 0.5 * Math.Log(8.0 / 7.0);
            console.Key("2D KL(q||p) final", final, note: "notebook 0.0670591");
            console.Key("2D KL optimum", optimum, note: "½ ln(8/7)");
            console.Line($"2D final loc = {Vec(m)}, covariance diag = {Vec(s.Select(v => v * v))} (notebook [0.0159, -0.0159], [0.8755, 1.7570]; optimum [0, 0], [0.875, 1.75])");
            console.Table(
                "2-D fit",
                ["", "loc", "covariance diagonal", "KL(q||p)"],
                [
                    ["start", "[2, -2]", "[1, 4]", F(start)],
                    ["fitted", Vec(m), Vec(s.Select(v => v * v)), F(final)],
                    ["optimum", "[0, 0]", "[0.875, 1.75]", F(optimum)],
                ]);

            int n = quick ? 30 : 45;
            var xs = Grid.Linspace(-3, 3, n);
            var ys = Grid.Linspace(-3, 4, n);
            var pz = Grid.Density2D(p2, xs, ys);
            var animation = new Animation(0.1);
            foreach (var snap in trace.Snapshots)
            {
                var qm = snap.Values[0];
                var qs = snap.Values[1];
                var q = new MultivariateNormalDiag(Tensor.Vector(qm), Tensor.Vector(qs));
                double kl = Kl.Exact(q, p2).ToScalar();
                var frame = new Figure(1, 1, 480, 480);
                var ax = frame[0, 0];
                ax.ContourFilled(xs, ys, pz, levelCount: 8, colormap: Colormap.Blues, alpha: 0.5);
                ax.Contour(xs, ys, Grid.Density2D(q, xs, ys), levelCount: 6);
                ax.SetLimits(-3, 3, -3, 4);
                ax.XLabel = "x1";
                ax.YLabel = "x2";
                ax.Title = $"step {snap.Step + 1}: mu = {Vec(qm, "F1")}, Sigma = diag{Vec(qs.Select(v => v * v), "F1")}, KL = {F(kl, "F3")}";
                animation.AddFrame(frame);
            }

            Save(animation, "kl-2d-fit.svg");
        }

        public void Elbo()
        {
            console.Heading("ELBO: Bayesian linear regression (the notebook's to-fix section, fixed)");

            // The notebook's model: θ ~ N(0, I₂), y = θ₀ + θ₁ x + ε with ε ~ N(0, 1), x = linspace(-5, 5, 100).
            // Its data came from tf.random.set_seed(0) and printed θ = [1.5110626, 0.42292204]; we keep that θ
            // and draw the noise from our own stream. What was broken there: the loss drew samples from N(0, I)
            // rather than from q (no reparameterisation, so no gradient reaches loc), SoftClip(0.5, 1) kept the
            // scale above 0.5 while the posterior sd is about 0.1, and fit_surrogate_posterior started a
            // mean-field q at sd 1e-4 for 100 steps. Here: the model written with Model.Define and fitted by Model.Fit with a full-rank q.
            const int count = 100;
            double[] theta = [1.5110626, 0.42292204];
            var x = Grid.Linspace(-5, 5, count);
            var noise = new double[count];
            new RandomStream(0UL).FillStandardNormal(noise);
            var y = x.Select((xi, i) => theta[0] + (theta[1] * xi) + noise[i]).ToArray();

            // Exact conjugate posterior: Σ = (I + XᵀX)⁻¹, μ = Σ Xᵀy (prior N(0, I), noise variance 1).
            double a00 = 1 + count, a01 = x.Sum(), a11 = 1 + x.Sum(v => v * v);
            double b0 = y.Sum(), b1 = x.Zip(y, (xi, yi) => xi * yi).Sum();
            double det = (a00 * a11) - (a01 * a01);
            double s00 = a11 / det, s01 = -a01 / det, s11 = a00 / det;
            double[] exactMean = [(s00 * b0) + (s01 * b1), (s01 * b0) + (s11 * b1)];

            // The model, written once as it reads: θ ~ N(0, I₂), y ~ N(θ₀ + θ₁ x, 1). The library packs θ, adds
            // the log-densities and hands a full-rank normal surrogate over θ to the ELBO fit.
            var xT = Tensor.Vector(x);
            var yT = Tensor.Vector(y);
            var model = Model.Define(m =>
            {
                var th = m.Latent("theta", new Normal(0.0, 1.0), shape: [2]);
                m.Observe("y", new Normal(th.Narrow(1, 0, 1) + (th.Narrow(1, 1, 1) * xT), 1.0), yT);
            });

            int steps = quick ? 600 : 3000;
            int samples = quick ? 32 : 100;
            var fit = console.Fit(
                $"ELBO FullRankNormal, Adam(0.05), {steps} steps x {samples} samples",
                steps,
                cb => model.Fit(new ModelFitOptions
                {
                    Surrogate = SurrogateFamily.FullRank,
                    InitialScale = 0.1,
                    Optimizer = Optimizers.Adam(Schedules.ExponentialDecay(0.1, 0.01, steps)),
                    Steps = steps,
                    SampleCount = samples,
                    Seed = 5,
                    Gradient = ElboGradient.StickingTheLanding,
                    Callback = cb,
                }));
            var viMean = fit.Posterior.Mean.ToArray();
            var viCov = ((MultivariateNormal)fit.Posterior).CovarianceMatrix.ToArray();
            console.Key("ELBO exact mean[0]", exactMean[0]);
            console.Key("ELBO exact mean[1]", exactMean[1]);
            console.Key("ELBO VI mean[0]", viMean[0]);
            console.Key("ELBO VI mean[1]", viMean[1]);
            console.Key("ELBO exact sd[0]", Math.Sqrt(s00));
            console.Key("ELBO exact sd[1]", Math.Sqrt(s11));
            console.Key("ELBO VI sd[0]", Math.Sqrt(viCov[0]));
            console.Key("ELBO VI sd[1]", Math.Sqrt(viCov[3]));
            console.Key("ELBO final -ELBO", -fit.ElboTrace[^1]);
            console.Table(
                "Posterior over θ: VI (full-rank normal) beside the exact conjugate posterior",
                ["", "mean θ0", "mean θ1", "cov 00", "cov 01", "cov 11"],
                [
                    ["exact", F(exactMean[0]), F(exactMean[1]), F(s00, "F6"), F(s01, "F6"), F(s11, "F6")],
                    ["VI", F(viMean[0]), F(viMean[1]), F(viCov[0], "F6"), F(viCov[1], "F6"), F(viCov[3], "F6")],
                    ["true θ", F(theta[0]), F(theta[1]), "", "", ""],
                ]);

            var fig = new Figure(1, 2, 1100, 380);
            var ax = fig[0, 0];
            ax.Scatter(x, y, color: "#555555", size: 2, label: "data");
            ax.Plot(x, x.Select(v => theta[0] + (theta[1] * v)).ToArray(), label: "true θ", style: LineStyle.Dashed);
            ax.Plot(x, x.Select(v => exactMean[0] + (exactMean[1] * v)).ToArray(), label: "exact posterior mean");
            ax.Plot(x, x.Select(v => viMean[0] + (viMean[1] * v)).ToArray(), label: "VI posterior mean", style: LineStyle.Dotted, width: 2.5);
            ax.ShowLegend = true;
            ax.XLabel = "x";
            ax.YLabel = "y";
            var losses = fit.ElboTrace.Select(e => -e).ToArray();
            fig[0, 1].Plot(Enumerable.Range(0, losses.Length).Select(i => (double)i).ToArray(), losses, label: "-ELBO");
            fig[0, 1].XLabel = "step";
            fig[0, 1].YLabel = "-ELBO";
            fig[0, 1].YLimits = new Interval(losses.Min() - 5, Math.Min(losses.Max(), losses.Min() + 200));
            Save(fig, "elbo-regression.svg");
        }

        private static bool IsNonIncreasing(IReadOnlyList<double> values)
        {
            for (int i = 1; i < values.Count; i++)
            {
                if (values[i] > values[i - 1] + 1e-12)
                {
                    return false;
                }
            }

            return true;
        }
    }
}
