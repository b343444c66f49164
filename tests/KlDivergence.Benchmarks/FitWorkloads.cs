using KlDivergence.Bijectors;
using KlDivergence.Distributions;
using KlDivergence.Inference;
using KlDivergence.Optimization;
using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Benchmarks;

/// <summary>The fitting workloads W4-W6 of shared/BENCHMARKS.md, through the public API and by hand.</summary>
internal static class FitWorkloads
{
    private const double LogSqrtTwoPi = 0.91893853320467274178;

    /// <summary>W4: seed 000 G4, Normal(loc, scale) from (3, 4) to the mixture, reverse KL, 1000 samples per step, Adam 0.05, 150 steps.</summary>
    public static Workload W4()
    {
        var target = new MixtureSameFamily(new Categorical(Tensor.Vector(0.5, 0.5)), new Normal(new[] { -0.2, 1 }, new[] { 0.1, 0.5 }));
        return new Workload(
            "W4",
            () =>
            {
                var loc = new Parameter(3.0, name: "loc");
                var scale = new Parameter(4.0, name: "scale");
                var trace = KlFitting.Reverse(target, () => new Normal(loc, scale), [loc, scale], new MinimizeOptions(Optimizers.Adam(0.05)) { MaxSteps = 150, TraceEvery = 0 }, 1000, 1).Trace;
                return trace.FinalLoss;
            },
            HandW4,
            1,
            5.0e-2);
    }

    /// <summary>W4 by hand: reparameterised gradients derived on paper, Adam written out.</summary>
    private static double HandW4()
    {
        double[] w = [0.5, 0.5], mu = [-0.2, 1], sd = [0.1, 0.5];
        double loc = 3, scale = 4, mLoc = 0, vLoc = 0, mScale = 0, vScale = 0, loss = 0;
        var rng = new RandomStream(1UL);
        var eps = new double[1000];
        for (int t = 1; t <= 150; t++)
        {
            rng.FillStandardNormal(eps);
            double gLoc = 0, gScale = 0;
            loss = 0;
            foreach (double e in eps)
            {
                double x = loc + (scale * e);

                // log q(x) = -½ε² - log σ - c; d/dx log p(x) = Σ rₖ (μₖ - x)/σₖ² with responsibilities rₖ.
                double a0 = Math.Log(w[0]) - Math.Log(sd[0]) - (0.5 * ((x - mu[0]) / sd[0]) * ((x - mu[0]) / sd[0]));
                double a1 = Math.Log(w[1]) - Math.Log(sd[1]) - (0.5 * ((x - mu[1]) / sd[1]) * ((x - mu[1]) / sd[1]));
                double m = Math.Max(a0, a1);
                double lse = m + Math.Log(Math.Exp(a0 - m) + Math.Exp(a1 - m));
                double r0 = Math.Exp(a0 - lse), r1 = Math.Exp(a1 - lse);
                double dLogP = (r0 * (mu[0] - x) / (sd[0] * sd[0])) + (r1 * (mu[1] - x) / (sd[1] * sd[1]));
                loss += (-0.5 * e * e) - Math.Log(scale) - lse;
                gLoc -= dLogP;
                gScale -= dLogP * e;
            }

            loss /= eps.Length;
            gLoc /= eps.Length;
            gScale = (gScale / eps.Length) - (1 / scale);
            Adam(ref loc, ref mLoc, ref vLoc, gLoc, t, 0.05);
            Adam(ref scale, ref mScale, ref vScale, gScale, t, 0.05);
        }

        return loss;
    }

    /// <summary>W5: seed 001 part B, reverse-KL fit of a 2-D full-covariance MVN to the 0.8/0.2 MVN mixture, 1000 samples, SGD 0.1, 100 steps.</summary>
    public static Workload W5()
    {
        var target = Seed001Mixture();
        return new Workload(
            "W5",
            () =>
            {
                var loc = new Parameter(Tensor.Vector(0.1, -0.2), name: "loc");
                var tril = new Parameter(Tensor.Matrix(new[,] { { 1.0, 0 }, { 0.2, 1.0 } }), new FillScaleTriLBijector(), "scaleTril");
                var trace = KlFitting.Reverse(target, () => MultivariateNormal.FromScaleTril(loc, tril), [loc, tril], new MinimizeOptions(Optimizers.Sgd(0.1)) { MaxSteps = 100, TraceEvery = 0 }, 1000, 1).Trace;
                return trace.FinalLoss;
            },
            HandW5,
            1,
            6.4e-2);
    }

    /// <summary>
    /// W5 by hand: q = N(μ, LLᵀ) with L from v = [v₀, v₁, v₂] as FillScaleTriL does (row by row, softplus + 1e-5 on
    /// the diagonal); loss = mean[log q(x) - log p(x)], x = μ + Lε; ∇ₓ log p = Σₖ rₖ(x) Σₖ⁻¹(μₖ - x);
    /// ∂/∂μ = -mean ∇ₓ log p, ∂/∂L = -mean(∇ₓ log p εᵀ) - diag(1/Lᵢᵢ); plain SGD.
    /// </summary>
    private static double HandW5()
    {
        double[] w = [0.8, 0.2];
        double[][] mu = [[0.5, 1.2], [-1.0, -0.8]];
        double[][] cov = [[0.6, 0.2, 0.2, 0.4], [0.3, -0.1, -0.1, 0.5]];
        var inv = new double[2][];
        var logNorm = new double[2];
        for (int k = 0; k < 2; k++)
        {
            double det = (cov[k][0] * cov[k][3]) - (cov[k][1] * cov[k][2]);
            inv[k] = [cov[k][3] / det, -cov[k][1] / det, -cov[k][2] / det, cov[k][0] / det];
            logNorm[k] = Math.Log(w[k]) - (0.5 * Math.Log(det)) - (2 * LogSqrtTwoPi);
        }

        double m0 = 0.1, m1 = -0.2;
        double v0 = InverseSoftplus(1.0 - 1e-5), v1 = 0.2, v2 = InverseSoftplus(1.0 - 1e-5);
        var rng = new RandomStream(1UL);
        var eps = new double[2000];
        var logs = new double[2];
        double loss = 0;
        for (int step = 0; step < 100; step++)
        {
            rng.FillStandardNormal(eps);
            double l00 = Softplus(v0) + 1e-5, l10 = v1, l11 = Softplus(v2) + 1e-5;
            double gm0 = 0, gm1 = 0, g00 = 0, g10 = 0, g11 = 0;
            loss = 0;
            for (int i = 0; i < 1000; i++)
            {
                double e0 = eps[2 * i], e1 = eps[(2 * i) + 1];
                double x0 = m0 + (l00 * e0), x1 = m1 + (l10 * e0) + (l11 * e1);
                double a0, a1, gx0 = 0, gx1 = 0;
                for (int k = 0; k < 2; k++)
                {
                    double d0 = x0 - mu[k][0], d1 = x1 - mu[k][1];
                    double s0 = (inv[k][0] * d0) + (inv[k][1] * d1), s1 = (inv[k][2] * d0) + (inv[k][3] * d1);
                    logs[k] = logNorm[k] - (0.5 * ((d0 * s0) + (d1 * s1)));
                }

                double mx = Math.Max(logs[0], logs[1]);
                double lse = mx + Math.Log(Math.Exp(logs[0] - mx) + Math.Exp(logs[1] - mx));
                for (int k = 0; k < 2; k++)
                {
                    double r = Math.Exp(logs[k] - lse);
                    double d0 = x0 - mu[k][0], d1 = x1 - mu[k][1];
                    a0 = (inv[k][0] * d0) + (inv[k][1] * d1);
                    a1 = (inv[k][2] * d0) + (inv[k][3] * d1);
                    gx0 -= r * a0;
                    gx1 -= r * a1;
                }

                loss += (-0.5 * ((e0 * e0) + (e1 * e1))) - Math.Log(l00) - Math.Log(l11) - (2 * LogSqrtTwoPi) - lse;
                gm0 -= gx0;
                gm1 -= gx1;
                g00 -= gx0 * e0;
                g10 -= gx1 * e0;
                g11 -= gx1 * e1;
            }

            loss /= 1000;
            gm0 /= 1000;
            gm1 /= 1000;
            g00 = (g00 / 1000) - (1 / l00);
            g10 /= 1000;
            g11 = (g11 / 1000) - (1 / l11);
            m0 -= 0.1 * gm0;
            m1 -= 0.1 * gm1;
            v0 -= 0.1 * g00 * Sigmoid(v0);
            v1 -= 0.1 * g10;
            v2 -= 0.1 * g11 * Sigmoid(v2);
        }

        return loss;
    }

    private static double InverseSoftplus(double y) => y + Math.Log(1 - Math.Exp(-y));

    /// <summary>W6: seed 000 ELBO, Bayesian linear regression (100 points), mean-field Normal over 2 weights, 100 samples, Adam 0.05, 1000 steps.</summary>
    public static Workload W6()
    {
        var (x, y) = RegressionData();
        var xt = Tensor.FromArray(x, [1, x.Length]);
        var yt = Tensor.FromArray(y, [1, y.Length]);
        var prior = new Normal(0, 1);
        Tensor Target(Tensor z)
        {
            var pred = z.Narrow(1, 0, 1) + (z.Narrow(1, 1, 1) * xt);
            return new Normal(pred, 1.0).LogProb(yt).Sum(1) + prior.LogProb(z).Sum(1);
        }

        return new Workload(
            "W6",
            () =>
            {
                var fit = VariationalInference.Fit(Target, new MeanFieldNormal(2), new MinimizeOptions(Optimizers.Adam(0.05)) { MaxSteps = 1000, TraceEvery = 0 }, 100, 1);
                return fit.Trace.FinalLoss;
            },
            () => HandW6(x, y),
            1,
            4.6e-1);
    }

    /// <summary>W6 by hand: -ELBO = mean[log q(z) - log p(y, z)], z = μ + softplus(ρ) ε, gradients derived on paper.</summary>
    private static double HandW6(double[] x, double[] y)
    {
        double[] mu = [0, 0], rho = [Math.Log(Math.E - 1), Math.Log(Math.E - 1)];
        double[] mM = new double[2], vM = new double[2], mR = new double[2], vR = new double[2];
        var rng = new RandomStream(1UL);
        var eps = new double[200];
        double loss = 0;
        for (int t = 1; t <= 1000; t++)
        {
            rng.FillStandardNormal(eps);
            double s0 = Softplus(rho[0]), s1 = Softplus(rho[1]);
            double g0 = 0, g1 = 0, gs0 = 0, gs1 = 0;
            loss = 0;
            for (int k = 0; k < 100; k++)
            {
                double e0 = eps[2 * k], e1 = eps[(2 * k) + 1];
                double z0 = mu[0] + (s0 * e0), z1 = mu[1] + (s1 * e1);
                double logLik = 0, d0 = 0, d1 = 0;
                for (int i = 0; i < x.Length; i++)
                {
                    double r = y[i] - z0 - (z1 * x[i]);
                    logLik -= 0.5 * r * r;
                    d0 += r;
                    d1 += r * x[i];
                }

                // log p(y, z) = Σ log N(yᵢ; z₀ + z₁xᵢ, 1) + Σ log N(zⱼ; 0, 1); log q(z) = Σ(-½εⱼ² - log sⱼ) - 2c.
                double logJoint = logLik - (x.Length * LogSqrtTwoPi) - (0.5 * ((z0 * z0) + (z1 * z1))) - (2 * LogSqrtTwoPi);
                double logQ = (-0.5 * ((e0 * e0) + (e1 * e1))) - Math.Log(s0) - Math.Log(s1) - (2 * LogSqrtTwoPi);
                loss += logQ - logJoint;
                double dz0 = -(d0 - z0), dz1 = -(d1 - z1);
                g0 += dz0;
                g1 += dz1;
                gs0 += dz0 * e0;
                gs1 += dz1 * e1;
            }

            loss /= 100;
            double[] gMu = [g0 / 100, g1 / 100];
            double[] gRho = [((gs0 / 100) - (1 / s0)) * Sigmoid(rho[0]), ((gs1 / 100) - (1 / s1)) * Sigmoid(rho[1])];
            for (int j = 0; j < 2; j++)
            {
                Adam(ref mu[j], ref mM[j], ref vM[j], gMu[j], t, 0.05);
                Adam(ref rho[j], ref mR[j], ref vR[j], gRho[j], t, 0.05);
            }
        }

        return loss;
    }

    internal static (double[] X, double[] Y) RegressionData()
    {
        // The notebook's design: x = linspace(-5, 5, 100), y ~ N(θ₀ + θ₁x, 1) with its drawn θ = (1.5110626, 0.42292204).
        var rng = new RandomStream(0UL);
        var x = new double[100];
        var y = new double[100];
        for (int i = 0; i < 100; i++)
        {
            x[i] = -5 + (10.0 * i / 99);
            y[i] = 1.5110626 + (0.42292204 * x[i]) + rng.NextStandardNormal();
        }

        return (x, y);
    }

    internal static MixtureSameFamily Seed001Mixture() =>
        new(
            new Categorical(Tensor.Vector(0.8, 0.2)),
            MultivariateNormal.FromCovariance(
                Tensor.FromArray([0.5, 1.2, -1.0, -0.8], [2, 2]),
                Tensor.FromArray([0.6, 0.2, 0.2, 0.4, 0.3, -0.1, -0.1, 0.5], [2, 2, 2])));

    internal static void Adam(ref double theta, ref double m, ref double v, double g, int t, double lr)
    {
        // Kingma & Ba, Algorithm 1.
        m = (0.9 * m) + (0.1 * g);
        v = (0.999 * v) + (0.001 * g * g);
        double mHat = m / (1 - Math.Pow(0.9, t)), vHat = v / (1 - Math.Pow(0.999, t));
        theta -= lr * mHat / (Math.Sqrt(vHat) + 1e-8);
    }

    private static double Softplus(double x) => Math.Max(x, 0) + Math.Log(1 + Math.Exp(-Math.Abs(x)));

    private static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));
}
