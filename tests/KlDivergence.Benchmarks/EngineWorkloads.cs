using System.Diagnostics;
using System.Globalization;
using KlDivergence.Bijectors;
using KlDivergence.Distributions;
using KlDivergence.Divergences;
using KlDivergence.Optimization;
using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Benchmarks;

/// <summary>
/// The engine workloads: W8 (stochastic VI for a Bayesian logistic regression on mini-batches) and W9 (a 256 x 256 x 256
/// matrix product), plus per-operation timings and W8's allocations and collections on standard error.
/// </summary>
internal static class EngineWorkloads
{
    private const int Rows = 100_000;
    private const int Features = 50;
    private const int BatchSize = 1000;
    private const int Steps = 500;
    private const double LikelihoodScale = (double)Rows / BatchSize;

    /// <summary>The W8 data: X ~ N(0, 1) [100000, 50], w* ~ N(0, 1)/√50, y ~ Bernoulli(σ(X w*)), seed 8.</summary>
    private static readonly Lazy<(double[] X, double[] Y)> Data = new(() =>
    {
        var rng = new RandomStream(8UL);
        var x = new double[Rows * Features];
        rng.FillStandardNormal(x);
        var w = new double[Features];
        rng.FillStandardNormal(w);
        var y = new double[Rows];
        for (int i = 0; i < Rows; i++)
        {
            double logit = 0;
            for (int j = 0; j < Features; j++)
            {
                logit += x[(i * Features) + j] * w[j] / Math.Sqrt(Features);
            }

            y[i] = rng.NextDouble() < 1 / (1 + Math.Exp(-logit)) ? 1 : 0;
        }

        return (x, y);
    });

    /// <summary>
    /// W8: mean-field Normal(loc, softplus(ρ)) over 50 weights, prior N(0, 1) by the closed-form KL (Kl.Exact), one
    /// reparameterised draw per step, the Bernoulli log-likelihood y·l - softplus(l) of a mini-batch of 1000 rows
    /// (drawn with replacement) scaled by 100, Adam 0.01, 500 steps; one unit is one whole fit.
    /// </summary>
    public static Workload W8()
    {
        var (x, y) = Data.Value;
        var xt = Tensor.FromArray(x, [Rows, Features]);
        var yt = Tensor.FromArray(y, [Rows]);
        return new Workload("W8", () => LibraryW8(xt, yt, Steps, null), () => HandW8(x, y), 1, double.NaN);
    }

    /// <summary>One W8 fit through the public API; <paramref name="afterStep"/> runs after every step (for measurements).</summary>
    internal static double LibraryW8(Tensor xt, Tensor yt, int steps, Action<int>? afterStep)
    {
        var loc = new Parameter(Tensor.Zeros(Features), name: "loc");
        var scale = new Parameter(Tensor.Ones(Features), new SoftplusBijector(), "scale");
        var prior = new Normal(0.0, 1.0);
        var rng = new RandomStream(1UL);
        var indices = new int[BatchSize];
        var options = new MinimizeOptions(Optimizers.Adam(0.01)) { MaxSteps = steps, TraceEvery = 0, Callback = afterStep is null ? null : p => afterStep(p.Step) };

        var trace = Minimizer.Minimize(
            () =>
            {
                for (int i = 0; i < indices.Length; i++)
                {
                    indices[i] = rng.NextInt(Rows);
                }

                var q = new Normal(loc.Value, scale.Value);
                var w = q.ReparameterizedSample(1, rng).Reshape(Features);
                var logits = xt.IndexSelect(0, indices).MatMul(w);
                var logLikelihood = ((yt.IndexSelect(0, indices) * logits) - logits.Softplus()).Sum();
                return Kl.Exact(q, prior).Sum() - (logLikelihood * LikelihoodScale);
            },
            [loc, scale],
            options);
        return trace.FinalLoss;
    }

    /// <summary>W8 by hand: gradients derived on paper (∂ℓ/∂l = y - σ(l); KL(N(μ, s²) ‖ N(0, 1)) = Σ ½(s² + μ² - 1) - log s), Adam written out.</summary>
    private static double HandW8(double[] x, double[] y)
    {
        var mu = new double[Features];
        var rho = new double[Features];
        Array.Fill(rho, Math.Log(Math.E - 1));
        double[] mM = new double[Features], vM = new double[Features], mR = new double[Features], vR = new double[Features];
        var eps = new double[Features];
        var w = new double[Features];
        var s = new double[Features];
        var gw = new double[Features];
        var rng = new RandomStream(1UL);
        var indices = new int[BatchSize];
        double loss = 0;
        for (int t = 1; t <= Steps; t++)
        {
            for (int i = 0; i < indices.Length; i++)
            {
                indices[i] = rng.NextInt(Rows);
            }

            rng.FillStandardNormal(eps);
            double kl = 0;
            for (int j = 0; j < Features; j++)
            {
                s[j] = Math.Max(rho[j], 0) + Math.Log(1 + Math.Exp(-Math.Abs(rho[j])));
                w[j] = mu[j] + (s[j] * eps[j]);
                kl += (0.5 * ((s[j] * s[j]) + (mu[j] * mu[j]) - 1)) - Math.Log(s[j]);
            }

            Array.Clear(gw);
            double logLik = 0;
            foreach (int row in indices)
            {
                var xr = x.AsSpan(row * Features, Features);
                double l = System.Numerics.Tensors.TensorPrimitives.Dot<double>(xr, w);
                logLik += (y[row] * l) - (Math.Max(l, 0) + Math.Log(1 + Math.Exp(-Math.Abs(l))));
                System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(xr, -LikelihoodScale * (y[row] - (1 / (1 + Math.Exp(-l)))), gw, gw);
            }

            loss = kl - (LikelihoodScale * logLik);
            for (int j = 0; j < Features; j++)
            {
                double gMu = gw[j] + mu[j];
                double gS = (gw[j] * eps[j]) + s[j] - (1 / s[j]);
                double gRho = gS / (1 + Math.Exp(-rho[j]));
                FitWorkloads.Adam(ref mu[j], ref mM[j], ref vM[j], gMu, t, 0.01);
                FitWorkloads.Adam(ref rho[j], ref mR[j], ref vR[j], gRho, t, 0.01);
            }
        }

        return loss;
    }

    /// <summary>W9: one 256 x 256 x 256 product (NumPy's @ is the reference); one unit is one product.</summary>
    public static Workload W9()
    {
        const int n = 256;
        var a = Tensor.FromArray(Filled(n * n, 1), [n, n]);
        var b = Tensor.FromArray(Filled(n * n, 2), [n, n]);
        double[] ad = [.. a.Values], bd = [.. b.Values];
        var c = new double[n * n];
        return new Workload(
            "W9",
            () => a.MatMul(b).Values[0],
            () =>
            {
                // By hand: the i-p-j loop order with a vectorised inner row update.
                Array.Clear(c);
                for (int i = 0; i < n; i++)
                {
                    var row = c.AsSpan(i * n, n);
                    for (int p = 0; p < n; p++)
                    {
                        System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(bd.AsSpan(p * n, n), ad[(i * n) + p], row, row);
                    }
                }

                return c[0];
            },
            1,
            double.NaN);
    }

    /// <summary>Per-operation timings and W8's allocations and full collections, on standard error.</summary>
    public static void Report()
    {
        var (x, y) = Data.Value;
        var xt = Tensor.FromArray(x, [Rows, Features]);
        var yt = Tensor.FromArray(y, [Rows]);
        var indices = new int[BatchSize];
        var rng = new RandomStream(3UL);
        for (int i = 0; i < indices.Length; i++)
        {
            indices[i] = rng.NextInt(Rows);
        }

        var w = Tensor.FromArray(Filled(Features, 4), [Features, 1]).RequireGrad();
        var batch = xt.IndexSelect(0, indices);
        var xg = Tensor.FromArray(x, [Rows, Features]).RequireGrad();
        Line("IndexSelect 1000 rows of [100000, 50]", Time(() => xt.IndexSelect(0, indices).Values[0]));
        Line("IndexSelect 1000 rows of [100000, 50] (source requires grad), forward and backward", Time(() =>
        {
            xg.ZeroGrad();
            xg.IndexSelect(0, indices).Sum().Backward();
            return xg.Grad!.Values[0];
        }));
        var ka = Filled(256 * 256, 1);
        var kb = Filled(256 * 256, 2);
        var kc = new double[256 * 256];
        Line("Gemm kernel alone 256 x 256 x 256 (output reused, no allocation)", Time(() =>
        {
            Gemm.Multiply(ka, 256, false, kb, 256, false, kc, 256, 256, 256, 256);
            return kc[0];
        }));
        Line("Gemm kernel alone 256 x 256 x 256, one worker", OneWorker(() => Time(() =>
        {
            Gemm.Multiply(ka, 256, false, kb, 256, false, kc, 256, 256, 256, 256);
            return kc[0];
        })));
        Line("MatMul [1000, 50] x [50, 1] forward", Time(() => batch.MatMul(w).Values[0]));
        Line("MatMul [1000, 50] x [50, 1] forward and backward", Time(() =>
        {
            w.ZeroGrad();
            batch.MatMul(w).Sum().Backward();
            return w.Grad!.Values[0];
        }));
        foreach (int d in new[] { 256, 1000 })
        {
            var m = Tensor.FromArray(Filled(d * d, 5), [d, d]);
            var spd = m.MatMul(m.Transpose()) + (Tensor.Ones(d).DiagEmbed() * d);
            var spd2 = spd + (Tensor.Ones(d).DiagEmbed() * 1.0);
            var p = MultivariateNormal.FromCovariance(Tensor.Zeros(d), spd);
            var q = MultivariateNormal.FromCovariance(Tensor.Ones(d), spd2);
            Line($"MatMul [{d}, {d}] x [{d}, {d}] forward", Time(() => m.MatMul(m).Values[0]));
            Line($"MatMul [{d}, {d}] x [{d}, {d}] forward, one worker", OneWorker(() => Time(() => m.MatMul(m).Values[0])));
            Line($"Cholesky d = {d}", Time(() => spd.Cholesky().Values[0]));
            Line($"Cholesky d = {d}, one worker", OneWorker(() => Time(() => spd.Cholesky().Values[0])));
            Line($"MVN KL (covariances) d = {d}", Time(() => Kl.Divergence(MultivariateNormal.FromCovariance(Tensor.Zeros(d), spd), MultivariateNormal.FromCovariance(Tensor.Ones(d), spd2)).ToScalar()));
            Line($"MVN KL (factors given) d = {d}", Time(() => Kl.Divergence(p, q).ToScalar()));
            Line($"MVN KL (factors given) d = {d}, one worker", OneWorker(() => Time(() => Kl.Divergence(p, q).ToScalar())));
        }

        // W8's memory: allocated bytes per step and full collections over one fit after a warm-up fit.
        LibraryW8(xt, yt, 50, null);
        long bytes = 0;
        int gen2 = GC.CollectionCount(2), gen0 = GC.CollectionCount(0);
        long startBytes = GC.GetAllocatedBytesForCurrentThread();
        var sw = Stopwatch.StartNew();
        LibraryW8(xt, yt, Steps, _ => { });
        sw.Stop();
        bytes = GC.GetAllocatedBytesForCurrentThread() - startBytes;
        Console.Error.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"# W8 memory: {bytes / (double)Steps / 1024:F1} KiB allocated per step, {GC.CollectionCount(2) - gen2} full and {GC.CollectionCount(0) - gen0} gen-0 collections in {Steps} steps ({sw.Elapsed.TotalSeconds:F3} s)"));
    }

    private static void Line(string what, (double Seconds, double FullCollectionsPerCall) timing) =>
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"# op: {what}: {timing.Seconds * 1e6:F1} us ({timing.FullCollectionsPerCall:F3} full collections per call)"));

    /// <summary>Median seconds of one call over batches of about 20 ms after a short warm-up, and full collections per call.</summary>
    private static (double Seconds, double FullCollectionsPerCall) Time(Func<double> body)
    {
        double sink = 0;
        var warm = Stopwatch.StartNew();
        int calls = 0;
        while (warm.Elapsed.TotalSeconds < 0.2 || calls < 3)
        {
            sink += body();
            calls++;
        }

        int batch = Math.Max(1, (int)(0.02 / (warm.Elapsed.TotalSeconds / calls)));
        var times = new List<double>();
        int gen2 = GC.CollectionCount(2);
        for (int r = 0; r < 7; r++)
        {
            var sw = Stopwatch.StartNew();
            for (int i = 0; i < batch; i++)
            {
                sink += body();
            }

            times.Add(sw.Elapsed.TotalSeconds / batch);
        }

        double collections = (GC.CollectionCount(2) - gen2) / (7.0 * batch);
        times.Sort();
        return (double.IsNaN(sink) ? double.NaN : times[times.Count / 2], collections);
    }

    private static T OneWorker<T>(Func<T> body)
    {
        int saved = TensorParallelism.MaxDegreeOfParallelism;
        TensorParallelism.MaxDegreeOfParallelism = 1;
        try
        {
            return body();
        }
        finally
        {
            TensorParallelism.MaxDegreeOfParallelism = saved;
        }
    }

    private static double[] Filled(int n, int seed)
    {
        var v = new double[n];
        for (int i = 0; i < n; i++)
        {
            v[i] = Math.Sin((i + 1) * (seed + 0.37));
        }

        return v;
    }
}
