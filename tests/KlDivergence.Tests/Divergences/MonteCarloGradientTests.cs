using KlDivergence.Bijectors;
using KlDivergence.Distributions;
using KlDivergence.Divergences;
using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Tests.Divergences;

/// <summary>
/// Monte Carlo KL gradients, pathwise or score-function, against the gradient of the exact KL: for every built-in
/// family with a closed form against itself, the mean of independent seeded gradient estimates must lie within 5
/// standard errors (estimated from the repeats) of the central finite difference of the closed-form value.
/// </summary>
public class MonteCarloGradientTests
{
    private const int Repeats = 16;
    private const int SamplesPerRepeat = 4000;

    /// <summary>A pair KL(p ‖ q) built from one flat list of differentiable parameters, and the estimator it should use.</summary>
    public sealed record Case(string Name, double[] Parameters, int[][] Shapes, Func<Tensor[], (Distribution P, Distribution Q)> Build, KlGradientEstimator Expected)
    {
        public override string ToString() => Name;
    }

    private static readonly KlGradientEstimator Pathwise = KlGradientEstimator.Reparameterized;
    private static readonly KlGradientEstimator Score = KlGradientEstimator.ScoreFunction;

    private static Case Uni(string name, double[] p, double[] q, Func<Tensor[], Distribution> make, KlGradientEstimator expected) =>
        new(name, [.. p, .. q], [.. p.Select(_ => Array.Empty<int>()), .. q.Select(_ => Array.Empty<int>())], t => (make(t[..p.Length]), make(t[p.Length..])), expected);

    private static Case Vec(string name, double[][] p, double[][] q, int[][] shapes, Func<Tensor[], Distribution> make, KlGradientEstimator expected) =>
        new(name, [.. p.SelectMany(v => v), .. q.SelectMany(v => v)], [.. shapes, .. shapes], t => (make(t[..shapes.Length]), make(t[shapes.Length..])), expected);

    public static TheoryData<Case> Cases() =>
    [
        Uni("Normal", [0.3, 1.2], [-0.5, 2.0], t => new Normal(t[0], t[1]), Pathwise),
        Uni("Exponential", [1.5], [0.7], t => new Exponential(t[0]), Pathwise),
        Uni("Gamma", [2.5, 1.5], [1.7, 0.9], t => new Gamma(t[0], t[1]), Score),
        Uni("Beta", [2.0, 3.0], [1.5, 1.2], t => new Beta(t[0], t[1]), Score),
        Uni("Uniform", [0.2, 1.1], [-0.5, 2.0], t => new Uniform(t[0], t[1]), Pathwise),
        Uni("Laplace", [0.3, 1.1], [-0.2, 1.6], t => new Laplace(t[0], t[1]), Pathwise),
        Uni("Cauchy", [0.2, 0.8], [-0.4, 1.5], t => new Cauchy(t[0], t[1]), Pathwise),
        Uni("Gumbel", [0.5, 1.2], [-0.3, 2.0], t => new Gumbel(t[0], t[1]), Pathwise),
        Uni("HalfNormal", [1.3], [0.8], t => new HalfNormal(t[0]), Pathwise),
        Uni("Pareto", [1.5, 3.0], [1.0, 2.0], t => new Pareto(t[0], t[1]), Pathwise),
        Uni("Bernoulli", [0.3], [0.6], t => new Bernoulli(t[0]), Score),
        Uni("ContinuousBernoulli", [0.3], [0.7], t => new ContinuousBernoulli(t[0]), Score),
        Uni("Geometric", [0.3], [0.5], t => new Geometric(t[0]), Score),
        Uni("Binomial", [0.3], [0.5], t => new Binomial(10.0, t[0]), Score),
        Uni("Poisson", [2.0], [3.0], t => new Poisson(t[0]), Score),
        Uni("LogNormal", [0.2, 0.6], [-0.1, 0.9], t => new LogNormal(t[0], t[1]), Pathwise),
        Vec("Categorical", [[0.2, -0.4, 0.5]], [[0.1, 0.3, -0.2]], [[3]], t => Categorical.FromLogits(t[0]), Score),
        Vec("OneHotCategorical", [[0.2, -0.4, 0.5]], [[0.1, 0.3, -0.2]], [[3]], t => OneHotCategorical.FromLogits(t[0]), Score),
        Vec("Dirichlet", [[1.5, 2.0, 2.5]], [[1.0, 3.0, 2.0]], [[3]], t => new Dirichlet(t[0]), Score),
        Vec("MultivariateNormalDiag", [[0.3, -0.2], [1.1, 0.7]], [[0.0, 0.4], [1.5, 0.9]], [[2], [2]], t => new MultivariateNormalDiag(t[0], t[1]), Pathwise),
        Vec("MultivariateNormal", [[0.3, -0.2], [1.1, 0.4, 0.8]], [[0.0, 0.4], [1.5, -0.3, 0.9]], [[2], [3]], t => MultivariateNormal.FromScaleTril(t[0], new FillScaleTriLBijector().Forward(t[1])), Pathwise),
        Vec("LowRankMultivariateNormal", [[0.3, -0.2], [0.5, -0.3], [0.8, 0.6]], [[0.0, 0.4], [0.2, 0.4], [1.1, 0.7]], [[2], [2, 1], [2]], t => new LowRankMultivariateNormal(t[0], t[1], t[2]), Pathwise),
        Vec("Independent", [[0.3, -0.2], [1.1, 0.7]], [[0.0, 0.4], [1.5, 0.9]], [[2], [2]], t => new Independent(new Normal(t[0], t[1]), 1), Pathwise),
    ];

    [Theory]
    [MemberData(nameof(Cases))]
    public void MonteCarloGradientMatchesTheClosedFormGradient(Case c)
    {
        var reference = FiniteDifference(c, t => Kl.Exact(t.P, t.Q));
        var (mean, se, estimator) = RepeatedMonteCarloGradient(c);
        estimator.Should().Be(c.Expected);
        for (int i = 0; i < reference.Length; i++)
        {
            double tolerance = (5 * se[i]) + (1e-6 * (1 + Math.Abs(reference[i])));
            mean[i].Should().BeApproximately(reference[i], tolerance, $"{c.Name}: d KL / d parameter {i} (Monte Carlo {mean[i]:G5} ± {se[i]:G3}, exact {reference[i]:G5})");
        }
    }

    [Fact]
    public void BernoulliGradientIsTheExactLogOdds()
    {
        // The case: d/dπ KL(Bernoulli(π) ‖ Bernoulli(½)) = log(π/(1 - π)) - log(½/½) = log(3/7) = -0.8473 at π = 0.3
        // (the old estimator gave -0.0000: only E[∇log p] = 0 was recorded).
        var estimates = Enumerable.Range(1, Repeats).Select(seed =>
        {
            var pi = Tensor.Scalar(0.3, requiresGrad: true);
            var r = Kl.MonteCarlo(new Bernoulli(pi), new Bernoulli(0.5), SamplesPerRepeat, new RandomStream((ulong)seed));
            r.GradientEstimator.Should().Be(KlGradientEstimator.ScoreFunction);
            r.Value.Backward();
            return pi.Grad!.ToScalar();
        }).ToArray();
        var (mean, se) = MeanAndError(estimates);
        mean.Should().BeApproximately(Math.Log(3.0 / 7), 5 * se);
        se.Should().BeLessThan(0.05, "the leave-one-out baseline keeps the score-function estimate usable");
    }

    [Fact]
    public void MixtureLocationGradientMatchesTheQuadratureGradient()
    {
        // The case: a MixtureSameFamily p has no reparameterised sampler; the location gradient must match the
        // finite difference of the quadrature KL (old: [0.0006, 0] against about [0.09, -0.53]).
        double[] locs = [-1.0, 1.5];
        static (Distribution P, Distribution Q) Pair(Tensor loc) =>
            (new MixtureSameFamily(new Categorical(Tensor.Vector(0.4, 0.6)), new Normal(loc, Tensor.Vector(0.6, 0.8))), new Normal(0.5, 1.5));
        var reference = new double[2];
        for (int i = 0; i < 2; i++)
        {
            const double h = 1e-4;
            var plus = (double[])locs.Clone();
            var minus = (double[])locs.Clone();
            plus[i] += h;
            minus[i] -= h;
            var (pp, qp) = Pair(Tensor.Vector(plus));
            var (pm, qm) = Pair(Tensor.Vector(minus));
            reference[i] = (Kl.Quadrature(pp, qp).ToScalar() - Kl.Quadrature(pm, qm).ToScalar()) / (2 * h);
        }

        var grads = Enumerable.Range(1, Repeats).Select(seed =>
        {
            var loc = Tensor.FromArray(locs, [2], requiresGrad: true);
            var (p, q) = Pair(loc);
            var r = Kl.MonteCarlo(p, q, SamplesPerRepeat, new RandomStream((ulong)seed));
            r.GradientEstimator.Should().Be(KlGradientEstimator.ScoreFunction);
            r.Value.Backward();
            return loc.Grad!.ToArray();
        }).ToArray();
        for (int i = 0; i < 2; i++)
        {
            var (mean, se) = MeanAndError([.. grads.Select(g => g[i])]);
            mean.Should().BeApproximately(reference[i], 5 * se, $"d KL / d loc[{i}]");
            Math.Abs(reference[i]).Should().BeGreaterThan(10 * se, "the test must be able to tell a missing score term");
        }
    }

    [Fact]
    public void TheEstimatorIsReportedAndTheValueIsUnchangedByTheScoreTerm()
    {
        // No gradient recorded: None. Only q's parameters tracked with a discrete p: the draws do not depend on them,
        // so the plain mean is pathwise. The score term adds exactly 0 to the value.
        Kl.MonteCarlo(new Poisson(2.0), new Poisson(3.0), 1000, new RandomStream(1UL)).GradientEstimator.Should().Be(KlGradientEstimator.None);
        var rate = Tensor.Scalar(3.0, requiresGrad: true);
        Kl.MonteCarlo(new Poisson(2.0), new Poisson(rate), 1000, new RandomStream(1UL)).GradientEstimator.Should().Be(KlGradientEstimator.Reparameterized);
        var own = Tensor.Scalar(2.0, requiresGrad: true);
        var tracked = Kl.MonteCarlo(new Poisson(own), new Poisson(3.0), 1000, new RandomStream(1UL));
        tracked.GradientEstimator.Should().Be(KlGradientEstimator.ScoreFunction);
        tracked.ToScalar().Should().Be(Kl.MonteCarlo(new Poisson(2.0), new Poisson(3.0), 1000, new RandomStream(1UL)).ToScalar());
    }

    private static (double[] Mean, double[] StandardError, KlGradientEstimator Estimator) RepeatedMonteCarloGradient(Case c)
    {
        var grads = new double[Repeats][];
        var estimator = KlGradientEstimator.None;
        for (int r = 0; r < Repeats; r++)
        {
            var inputs = Inputs(c, c.Parameters, requiresGrad: true);
            var (p, q) = c.Build(inputs);
            var result = Kl.MonteCarlo(p, q, SamplesPerRepeat, new RandomStream((ulong)(r + 1)));
            estimator = result.GradientEstimator;
            result.Value.Sum().Backward();
            grads[r] = [.. inputs.SelectMany(t => t.Grad?.ToArray() ?? new double[t.Length])];
        }

        int k = c.Parameters.Length;
        double[] mean = new double[k], se = new double[k];
        for (int i = 0; i < k; i++)
        {
            (mean[i], se[i]) = MeanAndError([.. grads.Select(g => g[i])]);
        }

        return (mean, se, estimator);
    }

    private static double[] FiniteDifference(Case c, Func<(Distribution P, Distribution Q), Tensor> kl)
    {
        using var scope = Tensor.NoGrad();
        var values = (double[])c.Parameters.Clone();
        var gradient = new double[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            double h = 1e-6 * Math.Max(1, Math.Abs(values[i]));
            double orig = values[i];
            values[i] = orig + h;
            double plus = kl(c.Build(Inputs(c, values, false))).Sum().ToScalar();
            values[i] = orig - h;
            double minus = kl(c.Build(Inputs(c, values, false))).Sum().ToScalar();
            values[i] = orig;
            gradient[i] = (plus - minus) / (2 * h);
        }

        return gradient;
    }

    private static Tensor[] Inputs(Case c, double[] values, bool requiresGrad)
    {
        var inputs = new Tensor[c.Shapes.Length];
        int offset = 0;
        for (int i = 0; i < inputs.Length; i++)
        {
            int length = c.Shapes[i].Aggregate(1, (a, b) => a * b);
            inputs[i] = Tensor.FromArray(values.AsSpan(offset, length), c.Shapes[i], requiresGrad);
            offset += length;
        }

        return inputs;
    }

    private static (double Mean, double StandardError) MeanAndError(double[] x)
    {
        double mean = x.Average();
        double sd = Math.Sqrt(x.Sum(v => (v - mean) * (v - mean)) / (x.Length - 1));
        return (mean, sd / Math.Sqrt(x.Length));
    }
}
