using KlDivergence.Distributions;
using KlDivergence.Divergences.Quadrature;
using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Tests.Distributions;

public class RelaxedOneHotCategoricalTests
{
    private static readonly double[] P3 = [0.2, 0.5, 0.3];

    private static double LogP(Distribution d, double[] y)
    {
        using var scope = Tensor.NoGrad();
        return d.LogProb(y).ToScalar();
    }

    /// <summary>The Concrete log-density of Maddison et al. 2017 (Def. 1), written out term by term.</summary>
    private static double ConcreteLogDensity(double tau, double[] p, double[] y)
    {
        int k = p.Length;
        double logDenominator = Math.Log(Enumerable.Range(0, k).Sum(i => p[i] * Math.Pow(y[i], -tau)));
        return MathNet.Numerics.SpecialFunctions.GammaLn(k) + ((k - 1) * Math.Log(tau))
            + Enumerable.Range(0, k).Sum(i => Math.Log(p[i]) - ((tau + 1) * Math.Log(y[i]))) - (k * logDenominator);
    }

    [Theory]
    [InlineData(0.7, 0.3)]
    [InlineData(1.0, 0.5)]
    [InlineData(2.5, 0.8)]
    public void TwoCategoriesIntegrateToOneAndAreTheBinaryConcrete(double tau, double p)
    {
        // Integrated in logit space y₁ = sigmoid(x), dy₁ = y₁(1 - y₁) dx (see RelaxedBernoulliTests for why τ ≥ 0.7).
        var d = new RelaxedOneHotCategorical(tau, new[] { p, 1 - p });
        double Integrand(double x)
        {
            double y = 1 / (1 + Math.Exp(-x)), z = 1 / (1 + Math.Exp(x));
            return y <= 0 || z <= 0 ? 0 : Math.Exp(LogP(d, [y, z])) * y * z;
        }

        AdaptiveQuadrature.Integrate(Integrand, double.NegativeInfinity, double.PositiveInfinity, 1e-13, 1e-12).Value.Should().BeApproximately(1, 1e-9);
        foreach (double y in new[] { 0.03, 0.4, 0.9 })
        {
            LogP(d, [y, 1 - y]).Should().BeApproximately(ConcreteLogDensity(tau, [p, 1 - p], [y, 1 - y]), 1e-12);
            using var scope = Tensor.NoGrad();
            LogP(d, [y, 1 - y]).Should().BeApproximately(new RelaxedBernoulli(tau, p).LogProb(y).ToScalar(), 1e-12);
        }
    }

    /// <summary>n points uniform on the 2-simplex (normalised exponentials), shape [n, 3], and log p at all of them at once.</summary>
    private static (double[] Points, double[] LogP) UniformSimplexPoints(Distribution d, int n, ulong seed)
    {
        var rng = new RandomStream(seed);
        var y = new double[3 * n];
        for (int i = 0; i < n; i++)
        {
            double e1 = -Math.Log(rng.NextOpenDouble()), e2 = -Math.Log(rng.NextOpenDouble()), e3 = -Math.Log(rng.NextOpenDouble());
            double s = e1 + e2 + e3;
            (y[3 * i], y[(3 * i) + 1], y[(3 * i) + 2]) = (e1 / s, e2 / s, e3 / s);
        }

        using var scope = Tensor.NoGrad();
        return (y, d.LogProb(Tensor.FromArray(y, [n, 3])).ToArray());
    }

    [Theory]
    [InlineData(0.9)]
    [InlineData(1.6)]
    public void ThreeCategoriesIntegrateToOneByMonteCarloOverTheSimplex(double tau)
    {
        // ∫ p(y) dy over the 2-simplex = E[p(Y)]/2 for Y uniform on it (density 2): 10⁵ normalised exponentials.
        var d = new RelaxedOneHotCategorical(tau, P3);
        var (y, logP) = UniformSimplexPoints(d, 100_000, 99UL);
        var values = new double[logP.Length];
        for (int i = 0; i < values.Length; i++)
        {
            double[] point = [y[3 * i], y[(3 * i) + 1], y[(3 * i) + 2]];
            if (i < 1000)
            {
                logP[i].Should().BeApproximately(ConcreteLogDensity(tau, P3, point), 1e-9 * Math.Max(1, Math.Abs(logP[i])));
            }

            values[i] = Math.Exp(logP[i]) / 2;
        }

        MatrixFamilyChecks.AverageIs(values, 1.0, "∫ p");
    }

    [Theory]
    [InlineData(0.3)]
    [InlineData(1.5)]
    public void SamplesLieOnTheSimplexAndTheirArgmaxIsCategorical(double tau)
    {
        // Gumbel-max: argmaxₖ (log pₖ + Gₖ)/τ = argmaxₖ (log pₖ + Gₖ) ~ Categorical(p), whatever τ.
        const int n = 100_000;
        var d = new RelaxedOneHotCategorical(tau, P3);
        var y = d.Sample(n, new RandomStream(20240601UL)).ToArray();
        var counts = new int[3];
        for (int i = 0; i < n; i++)
        {
            (y[3 * i] + y[(3 * i) + 1] + y[(3 * i) + 2]).Should().BeApproximately(1, 1e-14);
            int best = 0;
            for (int k = 1; k < 3; k++)
            {
                best = y[(3 * i) + k] > y[(3 * i) + best] ? k : best;
            }

            counts[best]++;
        }

        for (int k = 0; k < 3; k++)
        {
            SamplerChecks.FractionMatches(counts[k], n, P3[k], $"argmax = {k}");
        }
    }

    [Fact]
    public void SampleMeanMatchesTheMeanIntegratedOverTheSimplex()
    {
        // E[Y₁] has no closed form: estimate it independently as E_U[Y₁ p(Y)]/2 with Y uniform on the simplex, and compare
        // with the sample mean; the two estimates are independent, so their difference has SE √(se₁² + se₂²).
        const int n = 100_000;
        var d = new RelaxedOneHotCategorical(1.3, P3);
        var (points, logP) = UniformSimplexPoints(d, n, 17UL);
        double[] weighted = [.. Enumerable.Range(0, n).Select(i => points[3 * i] * Math.Exp(logP[i]) / 2)];

        var y = d.Sample(n, new RandomStream(3UL)).ToArray();
        double[] first = [.. Enumerable.Range(0, n).Select(i => y[3 * i])];
        static double Se(double[] v)
        {
            double m = v.Average();
            return Math.Sqrt(v.Sum(x => (x - m) * (x - m)) / (v.Length - 1.0) / v.Length);
        }

        Math.Abs(first.Average() - weighted.Average()).Should().BeLessThan(5 * Math.Sqrt((Se(first) * Se(first)) + (Se(weighted) * Se(weighted))));
    }

    [Fact]
    public void SamplesAreReproducibleReparameterisedAndBatched()
    {
        var d = RelaxedOneHotCategorical.FromLogits(Tensor.Vector(0.5, 2.0), Tensor.FromArray([0.1, -0.4, 0.9, 0.0, 0.3, -1.2], [2, 3]));
        d.BatchShape.Should().Equal(2);
        d.EventShape.Should().Equal(3);
        d.Sample(7, new RandomStream(3UL)).ToArray().Should().Equal(d.Sample(7, new RandomStream(3UL)).ToArray());

        // The same stream gives the same Gumbel noise, so the draws are a smooth function of τ and the logits.
        GradCheck.Check(
            t => GradCheck.Project(RelaxedOneHotCategorical.FromLogits(t[0], t[1]).ReparameterizedSample(4, new RandomStream(5UL))),
            [[0.8], [0.1, -0.4, 0.9]],
            [[], [3]],
            tolerance: 1e-6);
    }

    [Fact]
    public void LogProbGradientsMatchFiniteDifferences() =>
        GradCheck.Check(
            t => RelaxedOneHotCategorical.FromLogits(t[0], t[1]).LogProb(t[2] / t[2].Sum()),
            [[0.8], [0.1, -0.4, 0.9], [0.2, 0.5, 0.3]],
            [[], [3], [3]],
            tolerance: 1e-6);

    [Fact]
    public void PointsOffTheOpenSimplexHaveNoDensity()
    {
        var d = new RelaxedOneHotCategorical(0.7, P3);
        LogP(d, [0.2, 0.2, 0.2]).Should().Be(double.NegativeInfinity);
        LogP(d, [0.0, 0.5, 0.5]).Should().Be(double.NegativeInfinity);
        LogP(d, [-0.1, 0.6, 0.5]).Should().Be(double.NegativeInfinity);
        d.Invoking(x => x.LogProb(new[] { 0.5, 0.5 })).Should().Throw<ArgumentException>().WithMessage("*event dimension 3*");
        d.Invoking(x => x.Mean).Should().Throw<NotSupportedException>();
        d.Invoking(x => x.Variance).Should().Throw<NotSupportedException>();
    }

    [Fact]
    public void InvalidParametersAreRejectedWithFamilyParameterAndValue()
    {
        FamilyChecks.Rejects(() => _ = new RelaxedOneHotCategorical(0.0, P3), "RelaxedOneHotCategorical: temperature must be positive and finite, got 0");
        FamilyChecks.Rejects(() => _ = new RelaxedOneHotCategorical(1.0, new[] { 0.0, 0.4, 0.6 }), "RelaxedOneHotCategorical: probs must be positive (the relaxation lives on the open simplex), got 0");
        FamilyChecks.Rejects(() => _ = new RelaxedOneHotCategorical(1.0, new[] { 0.5, 0.6 }), "RelaxedOneHotCategorical: probs must sum to 1");
        FamilyChecks.Rejects(() => _ = new RelaxedOneHotCategorical(1.0, new[] { 1.0 }), "RelaxedOneHotCategorical: probs needs a last axis of at least 2 categories");
        FamilyChecks.Rejects(() => _ = RelaxedOneHotCategorical.FromLogits(1.0, new[] { 0.0, double.NegativeInfinity }), "RelaxedOneHotCategorical: logits must be finite, got -Infinity");
        FamilyChecks.Rejects(() => _ = new RelaxedOneHotCategorical(Tensor.Vector(1.0, 2.0, 3.0), Tensor.FromArray([0.5, 0.5, 0.5, 0.5], [2, 2])), "RelaxedOneHotCategorical: the shapes of temperature");
    }
}
