using KlDivergence.Distributions;
using KlDivergence.Divergences;
using KlDivergence.Optimization;
using KlDivergence.Tensors;

namespace KlDivergence.Benchmarks;

/// <summary>
/// U1-U8: work written the way a user writes it, outside shared/BENCHMARKS.md, each with a PyTorch twin in
/// reference/pytorch_workloads.py. They come from sweeps of common calls against PyTorch (issue 14: "the team also
/// measures workloads you do not see"): a logistic-regression likelihood through <see cref="Bernoulli.FromLogits"/>
/// and a matrix product with a transposed data matrix, the Gamma, Beta and Dirichlet closed forms with gradients
/// (session 10); a fit of 10⁵ parameters by <see cref="Minimizer"/> with Adam, LogSumExp and Max over the first axis
/// with gradients, and a 100-dimensional normal's log-density at 1000 points with gradients (session 14); a
/// Categorical's, a Laplace's and a Poisson's log-probabilities over 10⁵ values with gradients, and 10⁵ Beta draws
/// (session 17, from a sweep of each family's common calls).
/// </summary>
internal static class UserWorkloads
{
    private const int Draws = 16, Rows = 20_000, Features = 20, Batch = 1000, Width = 10;

    public static IEnumerable<Workload> All()
    {
        yield return U1();
        yield return U2();
        yield return U3();
        yield return U4();
        yield return U5();
        yield return U6();
        yield return U7();
        yield return U8();
        yield return U9();
        yield return U10();
        yield return U11();
        yield return U12();
    }

    private const int Values = 100_000;

    /// <summary>U9: Σ log Categorical(x; softmax(ℓ)) over 10⁵ category indices of 20 logits, gradient in ℓ.</summary>
    private static Workload U9()
    {
        var logits = Tensor.FromArray([.. Enumerable.Range(0, 20).Select(i => Math.Cos(i))], [20], requiresGrad: true);
        var x = Tensor.FromArray([.. Enumerable.Range(0, Values).Select(i => (double)((i * 7) % 20))], [Values]);
        return new Workload(
            "U9",
            () =>
            {
                logits.ZeroGrad();
                var total = Categorical.FromLogits(logits).LogProb(x).Sum();
                total.Backward();
                return total.ToScalar() + logits.Grad!.Values[0];
            },
            null,
            1,
            double.NaN);
    }

    /// <summary>U10: Σ log Laplace(x; μ, b) over [100, 1000] values with μ and b of [1000] (broadcast over rows), gradients in μ and b.</summary>
    private static Workload U10()
    {
        var loc = Tensor.FromArray([.. Enumerable.Range(0, Batch).Select(i => 0.01 * i)], [Batch], requiresGrad: true);
        var scale = Tensor.FromArray([.. Enumerable.Range(0, Batch).Select(i => 1 + (0.001 * i))], [Batch], requiresGrad: true);
        var x = Tensor.FromArray([.. Enumerable.Range(0, Values).Select(i => 3 * Math.Sin(i * 0.37))], [Values / Batch, Batch]);
        return new Workload(
            "U10",
            () =>
            {
                loc.ZeroGrad();
                scale.ZeroGrad();
                var total = new Laplace(loc, scale).LogProb(x).Sum();
                total.Backward();
                return total.ToScalar() + loc.Grad!.Values[0] + scale.Grad!.Values[0];
            },
            null,
            1,
            double.NaN);
    }

    /// <summary>U11: 10⁵ draws of Beta(2, 3).</summary>
    private static Workload U11()
    {
        var beta = new Beta(Tensor.Scalar(2.0), Tensor.Scalar(3.0));
        ulong seed = 0;
        return new Workload("U11", () => beta.Sample(Values, new KlDivergence.Random.RandomStream(++seed)).Values[0], null, 1, double.NaN);
    }

    /// <summary>U12: Σ log Poisson(kᵢ; λᵢ) over 10⁵ counts, each with its own rate, gradient in λ.</summary>
    private static Workload U12()
    {
        var rate = Tensor.FromArray([.. Enumerable.Range(0, Values).Select(i => 0.5 + (i % 11))], [Values], requiresGrad: true);
        var k = Tensor.FromArray([.. Enumerable.Range(0, Values).Select(i => (double)(i % 13))], [Values]);
        return new Workload(
            "U12",
            () =>
            {
                rate.ZeroGrad();
                var total = new Poisson(rate).LogProb(k).Sum();
                total.Backward();
                return total.ToScalar() + rate.Grad!.Values[0];
            },
            null,
            1,
            double.NaN);
    }

    /// <summary>U8: Σ log N(xᵢ; μ, L Lᵀ) over 1000 points in 100 dimensions, gradients in μ and L.</summary>
    private static Workload U8()
    {
        const int d = 100;
        var x = Tensor.FromArray([.. Enumerable.Range(0, Batch * d).Select(i => Math.Sin(i * 0.71))], [Batch, d]);
        var loc = Tensor.FromArray([.. Enumerable.Range(0, d).Select(i => 0.01 * i)], [d], requiresGrad: true);
        var tril = Tensor.FromArray([.. Enumerable.Range(0, d * d).Select(i => i / d == i % d ? 1.5 : i / d > i % d ? 0.01 * Math.Cos(i) : 0.0)], [d, d], requiresGrad: true);
        return new Workload(
            "U8",
            () =>
            {
                loc.ZeroGrad();
                tril.ZeroGrad();
                var total = MultivariateNormal.FromScaleTril(loc, tril).LogProb(x).Sum();
                total.Backward();
                return total.ToScalar() + loc.Grad!.Values[0];
            },
            null,
            1,
            double.NaN);
    }

    private const int Parameters = 100_000, Steps = 100, Columns = 100;

    /// <summary>
    /// U5: least squares over 10⁵ parameters, Σ (w - t)², minimised by <see cref="Minimizer"/> with Adam (lr 0.01) for
    /// 100 steps, as a user writes a fit (the optimizer's state made afresh each call, as the twin's).
    /// </summary>
    private static Workload U5()
    {
        var start = Tensor.FromArray([.. Enumerable.Range(0, Parameters).Select(i => Math.Sin(i * 0.3))], [Parameters]);
        var target = Tensor.FromArray([.. Enumerable.Range(0, Parameters).Select(i => Math.Cos(i * 0.3))], [Parameters]);
        return new Workload(
            "U5",
            () =>
            {
                var w = new Parameter(start, name: "w");
                var trace = Minimizer.Minimize(() => (w.Value - target).Square().Sum(), [w], new MinimizeOptions(Optimizers.Adam(0.01)) { MaxSteps = Steps });
                return trace.Losses[^1];
            },
            null,
            1,
            double.NaN);
    }

    /// <summary>U6: Σ LogSumExp over the first axis of [1000, 100] (a mixture's columns, a softmax over rows), with the gradient.</summary>
    private static Workload U6() => FirstAxis("U6", x => x.LogSumExp(0));

    /// <summary>U7: Σ Max over the first axis of [1000, 100], with the gradient.</summary>
    private static Workload U7() => FirstAxis("U7", x => x.Max(0));

    private static Workload FirstAxis(string id, Func<Tensor, Tensor> reduce)
    {
        var x = Tensor.FromArray([.. Enumerable.Range(0, Batch * Columns).Select(i => 3 * Math.Sin(i * 0.37))], [Batch, Columns], requiresGrad: true);
        return new Workload(
            id,
            () =>
            {
                x.ZeroGrad();
                var total = reduce(x).Sum();
                total.Backward();
                return total.ToScalar() + x.Grad!.Values[0];
            },
            null,
            1,
            double.NaN);
    }

    /// <summary>Deterministic values in (0.5, 2): concentrations and rates.</summary>
    private static Tensor Positive(int seed, params int[] shape) =>
        Tensor.FromArray([.. Enumerable.Range(0, shape.Aggregate(1, (p, d) => p * d)).Select(i => Math.Exp(0.6 * Math.Sin((i + 1) * (seed + 0.31))))], shape);

    /// <summary>
    /// U1: Σ log Bernoulli(y | σ(z Xᵀ)) over 16 draws z [16, 20] against 20 000 rows of X [20 000, 20] (a posterior's
    /// likelihood at a batch of draws), value and gradient in z.
    /// </summary>
    private static Workload U1()
    {
        var x = Tensor.FromArray([.. Enumerable.Range(0, Rows * Features).Select(i => Math.Sin(i * 0.37))], [Rows, Features]);
        var y = Tensor.FromArray([.. Enumerable.Range(0, Rows).Select(i => Math.Cos(i * 0.91) > 0 ? 1.0 : 0.0)], [Rows]);
        var z = Tensor.FromArray([.. Enumerable.Range(0, Draws * Features).Select(i => 0.3 * Math.Cos(i * 1.3))], [Draws, Features], requiresGrad: true);
        return new Workload(
            "U1",
            () =>
            {
                z.ZeroGrad();
                var logLikelihood = Bernoulli.FromLogits(z.MatMul(x.Transpose())).LogProb(y).Sum();
                logLikelihood.Backward();
                return logLikelihood.ToScalar() + z.Grad!.Values[0];
            },
            null,
            1,
            double.NaN);
    }

    /// <summary>U2: Σ KL(Gamma(α, β) ‖ Gamma(α', β')) over [1000, 10], gradients in α and β.</summary>
    private static Workload U2()
    {
        var (a, b, c, d) = (Positive(1, Batch, Width), Positive(2, Batch, Width), Positive(3, Batch, Width), Positive(4, Batch, Width));
        a.RequireGrad();
        b.RequireGrad();
        return ClosedForm("U2", a, b, () => Kl.Exact(new Gamma(a, b), new Gamma(c, d)));
    }

    /// <summary>U3: Σ KL(Beta(α, β) ‖ Beta(α', β')) over [1000, 10], gradients in α and β.</summary>
    private static Workload U3()
    {
        var (a, b, c, d) = (Positive(1, Batch, Width), Positive(2, Batch, Width), Positive(3, Batch, Width), Positive(4, Batch, Width));
        a.RequireGrad();
        b.RequireGrad();
        return ClosedForm("U3", a, b, () => Kl.Exact(new Beta(a, b), new Beta(c, d)));
    }

    /// <summary>U4: Σ KL(Dirichlet(α) ‖ Dirichlet(α')) over 1000 pairs of 10 concentrations, gradient in α.</summary>
    private static Workload U4()
    {
        var (a, c) = (Positive(1, Batch, Width), Positive(3, Batch, Width));
        a.RequireGrad();
        return ClosedForm("U4", a, a, () => Kl.Exact(new Dirichlet(a), new Dirichlet(c)));
    }

    private static Workload ClosedForm(string id, Tensor first, Tensor second, Func<Tensor> kl) => new(
        id,
        () =>
        {
            first.ZeroGrad();
            second.ZeroGrad();
            var total = kl().Sum();
            total.Backward();
            return total.ToScalar() + first.Grad!.Values[0];
        },
        null,
        1,
        double.NaN);
}
