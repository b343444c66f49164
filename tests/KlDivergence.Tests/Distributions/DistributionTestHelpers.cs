using KlDivergence.Tensors;

namespace KlDivergence.Tests.Distributions;

/// <summary>Moment checks against seeded samples and 1-D numerical integration, shared by the distribution tests.</summary>
internal static class DistributionTestHelpers
{
    public const int SampleCount = 100_000;

    /// <summary>
    /// Checks, for every element of [...BatchShape, ...EventShape], that the sample mean is within 5 standard errors
    /// sqrt(σ²/n) of <paramref name="mean"/> and the sample variance within 5 standard errors sqrt((μ₄ - σ⁴)/n) of
    /// <paramref name="variance"/>, with μ₄ the true fourth central moment.
    /// </summary>
    public static void CheckMeanAndVariance(Tensor samples, Tensor mean, Tensor variance, double[] fourthCentral)
    {
        int n = samples.Shape[0];
        int m = samples.Length / n;
        mean.Length.Should().Be(m);
        variance.Length.Should().Be(m);
        var x = samples.Values;
        for (int j = 0; j < m; j++)
        {
            double s = 0;
            for (int i = 0; i < n; i++)
            {
                s += x[(i * m) + j];
            }

            double sampleMean = s / n;
            double ss = 0;
            for (int i = 0; i < n; i++)
            {
                double d = x[(i * m) + j] - sampleMean;
                ss += d * d;
            }

            double sampleVar = ss / (n - 1);
            double v = variance.Values[j];
            double seMean = Math.Sqrt(v / n);
            double seVar = Math.Sqrt((fourthCentral[j] - (v * v)) / n);
            Math.Abs(sampleMean - mean.Values[j]).Should().BeLessThan(5 * seMean, $"sample mean of element {j}: {sampleMean} vs {mean.Values[j]}");
            Math.Abs(sampleVar - v).Should().BeLessThan(5 * seVar, $"sample variance of element {j}: {sampleVar} vs {v}");
        }
    }

    /// <summary>3σ⁴ for each variance: the fourth central moment of a normal.</summary>
    public static double[] NormalFourth(Tensor variance) => [.. variance.ToArray().Select(v => 3 * v * v)];

    /// <summary>E[(X - m)⁴] for X ~ Σₖ wₖ N(μₖ, σₖ²): Σₖ wₖ (dₖ⁴ + 6 dₖ² σₖ² + 3 σₖ⁴) with dₖ = μₖ - m.</summary>
    public static double NormalMixtureFourth(double[] w, double[] mu, double[] variance, double m)
    {
        double s = 0;
        for (int k = 0; k < w.Length; k++)
        {
            double d = mu[k] - m;
            s += w[k] * ((d * d * d * d) + (6 * d * d * variance[k]) + (3 * variance[k] * variance[k]));
        }

        return s;
    }

    /// <summary>
    /// Checks the sample covariance of samples [n, d] against <paramref name="covariance"/> [d, d] for any
    /// distribution, each entry within 5 standard errors estimated from the samples themselves.
    /// </summary>
    public static void CheckCovarianceEmpirically(Tensor samples, Tensor covariance)
    {
        int n = samples.Shape[0];
        int d = samples.Shape[1];
        var x = samples.Values;
        var means = new double[d];
        for (int i = 0; i < n; i++)
        {
            for (int a = 0; a < d; a++)
            {
                means[a] += x[(i * d) + a] / n;
            }
        }

        for (int a = 0; a < d; a++)
        {
            for (int c = 0; c < d; c++)
            {
                double s = 0, s2 = 0;
                for (int i = 0; i < n; i++)
                {
                    double prod = (x[(i * d) + a] - means[a]) * (x[(i * d) + c] - means[c]);
                    s += prod;
                    s2 += prod * prod;
                }

                double sample = s / n;
                double se = Math.Sqrt(((s2 / n) - (sample * sample)) / n);
                Math.Abs(sample - covariance[a, c]).Should().BeLessThan(5 * se, $"sample covariance [{a},{c}]: {sample} vs {covariance[a, c]}");
            }
        }
    }

    /// <summary>
    /// Checks the sample covariance of samples [n, ...batch, d] against <paramref name="covariance"/> [...batch, d, d],
    /// each entry within 5 standard errors sqrt((ΣᵢᵢΣⱼⱼ + Σᵢⱼ²)/n) (Isserlis' theorem for a Gaussian).
    /// </summary>
    public static void CheckGaussianCovariance(Tensor samples, Tensor covariance)
    {
        int n = samples.Shape[0];
        int d = samples.Shape[^1];
        int batches = samples.Length / (n * d);
        var x = samples.Values;
        for (int b = 0; b < batches; b++)
        {
            var means = new double[d];
            for (int i = 0; i < n; i++)
            {
                for (int a = 0; a < d; a++)
                {
                    means[a] += x[(((i * batches) + b) * d) + a] / n;
                }
            }

            for (int a = 0; a < d; a++)
            {
                for (int c = 0; c < d; c++)
                {
                    double s = 0;
                    for (int i = 0; i < n; i++)
                    {
                        int o = ((i * batches) + b) * d;
                        s += (x[o + a] - means[a]) * (x[o + c] - means[c]);
                    }

                    double sample = s / (n - 1);
                    double caa = covariance.Values[(b * d * d) + (a * d) + a];
                    double ccc = covariance.Values[(b * d * d) + (c * d) + c];
                    double cac = covariance.Values[(b * d * d) + (a * d) + c];
                    double se = Math.Sqrt(((caa * ccc) + (cac * cac)) / n);
                    Math.Abs(sample - cac).Should().BeLessThan(5 * se, $"sample covariance [{b}][{a},{c}]: {sample} vs {cac}");
                }
            }
        }
    }

    /// <summary>Composite Simpson's rule for f over [a, b] with an even number of intervals (f evaluated on all nodes at once).</summary>
    public static double[] Simpson(Func<Tensor, Tensor> f, double a, double b, int intervals, int outputs)
    {
        int n = intervals + 1;
        double h = (b - a) / intervals;
        var nodes = new double[n];
        for (int i = 0; i < n; i++)
        {
            nodes[i] = a + (i * h);
        }

        Tensor y;
        using (Tensor.NoGrad())
        {
            y = f(Tensor.FromArray(nodes, [n, 1]));
        }

        var result = new double[outputs];
        for (int j = 0; j < outputs; j++)
        {
            double s = 0;
            for (int i = 0; i < n; i++)
            {
                double w = i == 0 || i == n - 1 ? 1 : (i % 2 == 1 ? 4 : 2);
                double v = y.Values[(i * outputs) + j];
                s += w * v;
            }

            result[j] = s * h / 3;
        }

        return result;
    }

    /// <summary>-p log p with 0 log 0 = 0, from a log-density.</summary>
    public static Tensor EntropyIntegrand(Tensor logDensity)
    {
        var values = logDensity.ToArray().Select(lp => double.IsNegativeInfinity(lp) ? 0 : -Math.Exp(lp) * lp).ToArray();
        return Tensor.FromArray(values, logDensity.Shape.AsSpan());
    }

    /// <summary>Asserts that every entry of the tensor is finite.</summary>
    public static void ShouldBeFinite(this Tensor? t, string because)
    {
        t.Should().NotBeNull(because);
        foreach (double v in t!.Values)
        {
            double.IsFinite(v).Should().BeTrue($"{because}: got {v}");
        }
    }
}
