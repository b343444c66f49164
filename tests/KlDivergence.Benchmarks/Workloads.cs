using Tensor = KlDivergence.Tensors.Tensor;
using KlDivergence.Distributions;
using KlDivergence.Divergences;
using KlDivergence.Tensors;

namespace KlDivergence.Benchmarks;

/// <summary>The workloads of shared/BENCHMARKS.md, each through the public API and by hand.</summary>
internal static class Workloads
{
    public static IEnumerable<Workload> All()
    {
        yield return AutodiffOverhead();
        yield return W1();
        yield return W1b();
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
            double.NaN);
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

        Tensor tm1 = m1, ts1 = s1, tm2 = m2, ts2 = s2;
        var result = new double[n];
        return new Workload(
            "W1b",
            () => Kl.Divergence(new Normal(tm1, ts1), new Normal(tm2, ts2)).Value.Values[n - 1],
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
}
