using KlDivergence.Distributions;
using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Tests.Distributions;

public class MultinomialTests
{
    private static readonly double[] P = [0.2, 0.5, 0.3];

    /// <summary>Every count vector (a, b, n - a - b) of three categories.</summary>
    private static IEnumerable<double[]> Outcomes(int n) =>
        from a in Enumerable.Range(0, n + 1) from b in Enumerable.Range(0, n - a + 1) select new double[] { a, b, n - a - b };

    private static double LogP(Distribution d, double[] x)
    {
        using var scope = Tensor.NoGrad();
        return d.LogProb(x).ToScalar();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(7)]
    public void PmfSumsToOneAndMatchesMathNetAndTheMomentsMatchTheSums(int n)
    {
        var d = new Multinomial(n, P);
        var reference = new MathNet.Numerics.Distributions.Multinomial(P, n);
        double total = 0;
        var mean = new double[3];
        var second = new double[3];
        foreach (var x in Outcomes(n))
        {
            double lp = LogP(d, x);
            lp.Should().BeApproximately(Math.Log(reference.Probability([.. x.Select(v => (int)v)])), 1e-12);
            double p = Math.Exp(lp);
            total += p;
            for (int k = 0; k < 3; k++)
            {
                mean[k] += p * x[k];
                second[k] += p * x[k] * x[k];
            }
        }

        total.Should().BeApproximately(1, 1e-13);
        for (int k = 0; k < 3; k++)
        {
            d.Mean.ToArray()[k].Should().BeApproximately(mean[k], 1e-12);
            d.Variance.ToArray()[k].Should().BeApproximately(second[k] - (mean[k] * mean[k]), 1e-11);
        }
    }

    [Fact]
    public void InvalidCountVectorsHaveNoMass()
    {
        var d = new Multinomial(4, P);
        LogP(d, [1, 1, 1]).Should().Be(double.NegativeInfinity, "the counts must sum to n");
        LogP(d, [1.5, 1.5, 1]).Should().Be(double.NegativeInfinity, "counts are whole");
        LogP(d, [-1, 3, 2]).Should().Be(double.NegativeInfinity, "counts are non-negative");
        LogP(new Multinomial(2, new[] { 0.0, 0.4, 0.6 }), [1, 1, 0]).Should().Be(double.NegativeInfinity, "category 0 has probability 0");
        LogP(new Multinomial(2, new[] { 0.0, 0.4, 0.6 }), [0, 1, 1]).Should().BeApproximately(Math.Log(2 * 0.4 * 0.6), 1e-13);
    }

    [Fact]
    public void SampleMomentsAreWithinFiveStandardErrorsAndCountsSumToN()
    {
        const int n = 6;
        var d = new Multinomial(n, Tensor.Matrix(new[,] { { 0.2, 0.5, 0.3 }, { 0.7, 0.1, 0.2 } }));
        var x = d.Sample(100_000, new RandomStream(20240601UL));
        x.Shape.Should().Equal(100_000, 2, 3);
        x.Sum(-1).ToArray().Should().OnlyContain(v => v == n);

        // Each count is Binomial(n, pₖ): fourth central moment npq(1 + 3(n - 2)pq).
        var fourth = d.Probs.ToArray().Select(p => n * p * (1 - p) * (1 + (3 * (n - 2) * p * (1 - p)))).ToArray();
        DistributionTestHelpers.CheckMeanAndVariance(x, d.Mean, d.Variance, fourth);
    }

    [Fact]
    public void SamplesAreReproducible() =>
        new Multinomial(5, P).Sample(10, new RandomStream(3UL)).ToArray().Should().Equal(new Multinomial(5, P).Sample(10, new RandomStream(3UL)).ToArray());

    [Fact]
    public void LogProbGradientMatchesFiniteDifferences() =>
        GradCheck.Check(
            t => GradCheck.Project(new Multinomial(5, t[0], renormalize: true).LogProb(new[] { 1.0, 3.0, 1.0 })),
            [[0.2, 0.5, 0.3]],
            [[3]],
            tolerance: 1e-6);

    [Fact]
    public void InvalidParametersAreRejectedWithFamilyParameterAndValue()
    {
        FamilyChecks.Rejects(() => _ = new Multinomial(-1, P), "Multinomial: totalCount must be a non-negative whole number, got -1");
        FamilyChecks.Rejects(() => _ = new Multinomial(3, new[] { 0.2, 0.2 }), "Multinomial: probs must sum to 1*");
        FamilyChecks.Rejects(() => _ = new Multinomial(3, new[] { -0.2, 1.2 }), "Multinomial: probs must be non-negative and finite, got -0.2");
    }
}
