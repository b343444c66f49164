using Tensor = KlDivergence.Tensors.Tensor;
using KlDivergence.Distributions;
using KlDivergence.Divergences;
using KlDivergence.Tensors;

namespace KlDivergence.Benchmarks;

/// <summary>The workloads of shared/BENCHMARKS.md, each through the public API and by hand.</summary>
public static class Workloads
{
    public static IEnumerable<Workload> All()
    {
        yield return AutodiffOverhead();
        yield return StandardNormals();
        yield return W1();
        yield return W1b();
        yield return W2(2, "W2", 1.6e-4);
        yield return W2(100, "W2c", 9.1e-4);
        yield return W3();
        yield return FitWorkloads.W4();
        yield return FitWorkloads.W5();
        yield return FitWorkloads.W6();
        yield return W7();
        yield return EngineWorkloads.W8();
        yield return EngineWorkloads.W9();
        yield return FlowWorkloads.WF();
        foreach (var w in UserWorkloads.All())
        {
            yield return w;
        }
        foreach (var w in ModelWorkloads.All())
        {
            yield return w;
        }
    }

    /// <summary>W2/W2c: KL between two d-dimensional full-covariance MVNs built in the loop from covariance matrices.</summary>
    private static Workload W2(int d, string id, double pytorch)
    {
        var (m1, c1) = SpdCase(d, 1);
        var (m2, c2) = SpdCase(d, 2);
        Tensor tm1 = m1, tm2 = m2;
        var tc1 = Tensor.FromArray(c1, [d, d]);
        var tc2 = Tensor.FromArray(c2, [d, d]);
        var l1 = new double[d * d];
        var l2 = new double[d * d];
        var work = new double[d * d];
        var z = new double[d];
        return new Workload(
            id,
            () => Kl.Divergence(MultivariateNormal.FromCovariance(tm1, tc1), MultivariateNormal.FromCovariance(tm2, tc2)).ToScalar(),
            () => HandMvnKl(m1, c1, m2, c2, d, l1, l2, work, z),
            1,
            pytorch);
    }

    /// <summary>Hand-written Gaussian KL from two Cholesky factorisations and triangular solves.</summary>
    private static double HandMvnKl(double[] m1, double[] c1, double[] m2, double[] c2, int d, double[] l1, double[] l2, double[] work, double[] z)
    {
        Cholesky(c1, l1, d);
        Cholesky(c2, l2, d);

        // tr(Σ₂⁻¹Σ₁) = ‖L₂⁻¹L₁‖²: solve column by column (work holds L₂⁻¹L₁ column j in place).
        double trace = 0;
        for (int j = 0; j < d; j++)
        {
            for (int i = 0; i < d; i++)
            {
                double s = l1[(i * d) + j];
                for (int k = 0; k < i; k++)
                {
                    s -= l2[(i * d) + k] * work[k];
                }

                work[i] = s / l2[(i * d) + i];
                trace += work[i] * work[i];
            }
        }

        double maha = 0;
        for (int i = 0; i < d; i++)
        {
            double s = m2[i] - m1[i];
            for (int k = 0; k < i; k++)
            {
                s -= l2[(i * d) + k] * z[k];
            }

            z[i] = s / l2[(i * d) + i];
            maha += z[i] * z[i];
        }

        double logDet = 0;
        for (int i = 0; i < d; i++)
        {
            logDet += Math.Log(l2[(i * d) + i]) - Math.Log(l1[(i * d) + i]);
        }

        return (0.5 * (trace + maha - d)) + logDet;
    }

    private static void Cholesky(double[] a, double[] l, int d)
    {
        for (int j = 0; j < d; j++)
        {
            double s = a[(j * d) + j];
            for (int k = 0; k < j; k++)
            {
                s -= l[(j * d) + k] * l[(j * d) + k];
            }

            double dj = Math.Sqrt(s);
            l[(j * d) + j] = dj;
            for (int i = j + 1; i < d; i++)
            {
                double t = a[(i * d) + j];
                for (int k = 0; k < j; k++)
                {
                    t -= l[(i * d) + k] * l[(j * d) + k];
                }

                l[(i * d) + j] = t / dj;
                l[(j * d) + i] = 0;
            }
        }
    }

    /// <summary>A mean and an SPD matrix A Aᵀ + d I (A with entries in [-1, 1] from a fixed sequence).</summary>
    internal static (double[] Mean, double[] Cov) SpdCase(int d, int seed)
    {
        var a = new double[d * d];
        for (int i = 0; i < a.Length; i++)
        {
            a[i] = Math.Sin((i + 1) * (seed + 0.37));
        }

        var c = new double[d * d];
        for (int i = 0; i < d; i++)
        {
            for (int j = 0; j < d; j++)
            {
                double s = i == j ? d : 0;
                for (int k = 0; k < d; k++)
                {
                    s += a[(i * d) + k] * a[(j * d) + k];
                }

                c[(i * d) + j] = s;
            }
        }

        var m = new double[d];
        for (int i = 0; i < d; i++)
        {
            m[i] = Math.Cos(i * seed);
        }

        return (m, c);
    }

    /// <summary>W3: Monte Carlo KL(N(3, 1) ‖ ½N(-0.2, 0.1) + ½N(1, 0.5)) with 10^6 samples, no gradient.</summary>
    private static Workload W3()
    {
        const int n = 1_000_000;
        var p = new Normal(3, 1);
        var q = new MixtureSameFamily(new Categorical(Tensor.Vector(0.5, 0.5)), new Normal(new[] { -0.2, 1 }, new[] { 0.1, 0.5 }));
        ulong seed = 0;
        var eps = new double[4096];
        return new Workload(
            "W3",
            () => Kl.MonteCarlo(p, q, n, new KlDivergence.Random.RandomStream(++seed)).ToScalar(),
            () =>
            {
                // Chunked: normals into a buffer, then log p - log q by a scalar log-sum-exp.
                var rng = new KlDivergence.Random.RandomStream(++seed);
                double sum = 0;
                const double c = 0.91893853320467274178;
                double la = Math.Log(0.5) - Math.Log(0.1) - c, lb = Math.Log(0.5) - Math.Log(0.5) - c;
                for (int done = 0; done < n; done += eps.Length)
                {
                    rng.FillStandardNormal(eps);
                    foreach (double e in eps)
                    {
                        double x = 3 + e;
                        double logP = (-0.5 * e * e) - c;
                        double za = (x + 0.2) / 0.1, zb = (x - 1) / 0.5;
                        double a = la - (0.5 * za * za), b = lb - (0.5 * zb * zb);
                        double m = Math.Max(a, b);
                        sum += logP - (m + Math.Log(Math.Exp(a - m) + Math.Exp(b - m)));
                    }
                }

                return sum / n;
            },
            n,
            7.6e-8);
    }

    /// <summary>Value and gradient of f(x) = Σ log(1 + exp(a·x + b)) over 10^5 elements (issue 2's overhead ratio).</summary>
    private static Workload AutodiffOverhead()
    {
        const int n = 100_000;
        var x = new double[n];
        for (int i = 0; i < n; i++)
        {
            x[i] = Math.Sin(i * 0.001) * 3;
        }

        double a = 0.7, b = -0.2;
        var xt = Tensor.FromArray(x, [n]);
        var grad = new double[n];
        return new Workload(
            "AD",
            () =>
            {
                var at = Tensor.Scalar(a, requiresGrad: true);
                var bt = Tensor.Scalar(b, requiresGrad: true);
                var f = ((at * xt) + bt).Softplus().Sum();
                f.Backward();
                return f.ToScalar() + at.Grad!.ToScalar() + bt.Grad!.ToScalar();
            },
            () =>
            {
                // f = Σ softplus(z), df/da = Σ σ(z) x, df/db = Σ σ(z), z = a x + b.
                double f = 0, ga = 0, gb = 0;
                for (int i = 0; i < n; i++)
                {
                    double z = (a * x[i]) + b;
                    double e = Math.Exp(-Math.Abs(z));
                    f += Math.Max(z, 0) + Math.Log(1 + e);
                    double s = z >= 0 ? 1 / (1 + e) : e / (1 + e);
                    ga += s * x[i];
                    gb += s;
                }

                return f + ga + gb;
            },
            1,
            double.NaN,
            OnStandardOutput: false);
    }

    /// <summary>Standard normals into a buffer: the library's generator against MathNet's xoshiro256** + Normal.Samples.</summary>
    private static Workload StandardNormals()
    {
        const int n = 8192;
        var buffer = new double[n];
        var ours = new KlDivergence.Random.RandomStream(5UL);
        var mathNet = new MathNet.Numerics.Random.Xoshiro256StarStar(5);
        return new Workload(
            "RNG",
            () =>
            {
                ours.FillStandardNormal(buffer);
                return buffer[n - 1];
            },
            () =>
            {
                MathNet.Numerics.Distributions.Normal.Samples(mathNet, buffer, 0, 1);
                return buffer[n - 1];
            },
            n,
            double.NaN,
            OnStandardOutput: false);
    }

    /// <summary>W1: KL(N(0, 2) ‖ N(1, 4)), closed form, both distributions built in the loop.</summary>
    private static Workload W1() => new(
        "W1",
        () => Kl.Divergence(new Normal(0, 2), new Normal(1, 4)).ToScalar(),
        () =>
        {
            double m1 = 0, s1 = 2, m2 = 1, s2 = 4;
            return Math.Log(s2 / s1) + (((s1 * s1) + ((m1 - m2) * (m1 - m2))) / (2 * s2 * s2)) - 0.5;
        },
        1,
        1.8e-5);

    /// <summary>W1b: closed-form KL between two batches of 10^6 Normals (batch-shaped parameters).</summary>
    private static Workload W1b()
    {
        const int n = 1_000_000;
        double[] m1 = new double[n], s1 = new double[n], m2 = new double[n], s2 = new double[n];
        for (int i = 0; i < n; i++)
        {
            m1[i] = Math.Sin(i);
            s1[i] = 1 + (0.5 * Math.Cos(i));
            m2[i] = Math.Cos(i * 0.5);
            s2[i] = 1.2 + (0.3 * Math.Sin(i * 0.3));
        }

        // The row does not build the distributions in the loop (W1 and W2 say so where they do): built once here.
        var p = new Normal(m1, s1);
        var q = new Normal(m2, s2);
        var result = new double[n];
        return new Workload(
            "W1b",
            () => Kl.Divergence(p, q).Value.Values[n - 1],
            () =>
            {
                for (int i = 0; i < n; i++)
                {
                    double r = s1[i] / s2[i], d = (m1[i] - m2[i]) / s2[i];
                    result[i] = (0.5 * ((d * d) + (r * r) - 1)) - Math.Log(r);
                }

                return result[n - 1];
            },
            n,
            3.7e-8);
    }

    /// <summary>
    /// W7: KL(N(μ, exp(log σ)) ‖ N(0, 1)) summed over a [256, 32] batch, value and gradients in μ and log σ, through
    /// <see cref="Kl.Exact"/> as a user writes it (the distributions built in the loop).
    /// </summary>
    private static Workload W7()
    {
        const int rows = 256, cols = 32, n = rows * cols;
        double[] mu = new double[n], logSigma = new double[n], gMu = new double[n], gLogSigma = new double[n];
        for (int i = 0; i < n; i++)
        {
            mu[i] = 0.5 * Math.Sin(i);
            logSigma[i] = 0.3 * Math.Cos(i * 0.7);
        }

        var tMu = Tensor.FromArray(mu, [rows, cols], requiresGrad: true);
        var tLogSigma = Tensor.FromArray(logSigma, [rows, cols], requiresGrad: true);
        var prior = new Normal(0.0, 1.0);
        return new Workload(
            "W7",
            () =>
            {
                tMu.ZeroGrad();
                tLogSigma.ZeroGrad();
                var kl = Kl.Exact(new Normal(tMu, tLogSigma.Exp()), prior).Sum();
                kl.Backward();
                return kl.ToScalar() + tMu.Grad!.Values[n - 1] + tLogSigma.Grad!.Values[n - 1];
            },
            () =>
            {
                // KL = Σ ½(μ² + σ²) - log σ - ½; ∂/∂μ = μ, ∂/∂log σ = σ² - 1.
                double total = 0;
                for (int i = 0; i < n; i++)
                {
                    double s2 = Math.Exp(2 * logSigma[i]);
                    total += (0.5 * ((mu[i] * mu[i]) + s2)) - logSigma[i] - 0.5;
                    gMu[i] = mu[i];
                    gLogSigma[i] = s2 - 1;
                }

                return total + gMu[n - 1] + gLogSigma[n - 1];
            },
            1,
            double.NaN);
    }
}
