using KlDivergence.Distributions;
using KlDivergence.Divergences.Quadrature;
using KlDivergence.Random;
using KlDivergence.Tensors;
using static MathNet.Numerics.SpecialFunctions;

namespace KlDivergence.Tests.Distributions;

public class LKJCholeskyTests
{
    private static double LogP(Distribution d, double[] l)
    {
        using var scope = Tensor.NoGrad();
        int n = (int)Math.Sqrt(l.Length);
        return d.LogProb(Tensor.FromArray(l, [n, n])).ToScalar();
    }

    private static double[] TwoByTwo(double r) => [1.0, 0.0, r, Math.Sqrt(1 - (r * r))];

    [Theory]
    [InlineData(0.4)]
    [InlineData(1.0)]
    [InlineData(3.5)]
    public void TwoByTwoIsTheScaledSymmetricBetaOfTheCorrelationAndIntegratesToOne(double eta)
    {
        // d = 2: r = L₂₁ has density ∝ (1 - r²)^(η-1) on (-1, 1), i.e. (r + 1)/2 ~ Beta(η, η): MathNet's density / 2.
        var d = new LKJCholesky(2, eta);
        var beta = new MathNet.Numerics.Distributions.Beta(eta, eta);
        foreach (double r in new[] { -0.93, -0.2, 0.0, 0.55, 0.999 })
        {
            LogP(d, TwoByTwo(r)).Should().BeApproximately(beta.DensityLn((r + 1) / 2) - Math.Log(2), 1e-11);
        }

        // Integrated over r = tanh x (dr = sech²x dx, L₂₂ = sech x exactly), where the endpoint singularity of η < 1 is gone.
        double Integrand(double x)
        {
            double logSech = Math.Log(2) - Math.Abs(x) - Math.Log(1 + Math.Exp(-2 * Math.Abs(x)));
            double sech = Math.Exp(logSech);
            return sech == 0 ? 0 : Math.Exp(LogP(d, [1.0, 0.0, Math.Tanh(x), sech]) + (2 * logSech));
        }

        AdaptiveQuadrature.Integrate(Integrand, double.NegativeInfinity, double.PositiveInfinity, 1e-13, 1e-12).Value.Should().BeApproximately(1, 1e-9);
    }

    [Theory]
    [InlineData(3, 0.5)]
    [InlineData(4, 1.0)]
    [InlineData(5, 2.7)]
    public void NormaliserIsLewandowskiKurowickaJoesProductOfBetaFunctions(int dim, double eta)
    {
        // LKJ 2009 (section 3.2): ∫ det(Ω)^(η-1) dΩ = Πₖ₌₁..d-1 [2^(2βₖ-1) B(βₖ, βₖ)]^(d-k), βₖ = η + (d - k - 1)/2,
        // and the density at L = I (det Ω = 1, every Lᵢᵢ = 1) is its reciprocal.
        double logC = 0;
        for (int k = 1; k < dim; k++)
        {
            double b = eta + ((dim - k - 1) / 2.0);
            logC += (dim - k) * ((((2 * b) - 1) * Math.Log(2)) + BetaLn(b, b));
        }

        var identity = new double[dim * dim];
        for (int i = 0; i < dim; i++)
        {
            identity[(i * dim) + i] = 1;
        }

        LogP(new LKJCholesky(dim, eta), identity).Should().BeApproximately(-logC, 1e-11);
    }

    [Theory]
    [InlineData(0.6)]
    [InlineData(2.0)]
    public void ThreeByThreeDensityIntegratesToOneByMonteCarlo(double eta)
    {
        // The free entries are L₂₁ ∈ (-1, 1) and (L₃₁, L₃₂) in the unit disc: draw them uniformly (density ½ · 1/π);
        // E_q[p/q] = ∫ p = 1, within 5 standard errors.
        var d = new LKJCholesky(3, eta);
        var rng = new RandomStream(5UL);
        var ratios = new double[100_000];
        for (int i = 0; i < ratios.Length; i++)
        {
            double r = (2 * rng.NextOpenDouble()) - 1, rho = Math.Sqrt(rng.NextOpenDouble()), phi = 2 * Math.PI * rng.NextOpenDouble();
            double a = rho * Math.Cos(phi), b = rho * Math.Sin(phi);
            double[] l = [1, 0, 0, r, Math.Sqrt(1 - (r * r)), 0, a, b, Math.Sqrt(1 - (a * a) - (b * b))];
            ratios[i] = Math.Exp(LogP(d, l)) * 2 * Math.PI;
        }

        MatrixFamilyChecks.AverageIs(ratios, 1.0, "∫ p");
    }

    [Theory]
    [InlineData(4, 1.5)]
    [InlineData(3, 0.3)]
    public void CorrelationsOfSamplesHaveTheScaledBetaMarginal(int dim, double eta)
    {
        // Every correlation Ωᵢⱼ is distributed as 2 Beta(β, β) - 1 with β = η - 1 + d/2 (LKJ 2009, section 3.2): mean 0,
        // variance 1/(2β + 1), fourth moment 3/((2β + 1)(2β + 3)); and P(Ωᵢⱼ ≤ 0.3) from MathNet's Beta CDF.
        const int n = 100_000;
        var d = new LKJCholesky(dim, eta);
        var l = d.Sample(n, new RandomStream(20240601UL));
        var omega = l.MatMul(l.Transpose()).ToArray();
        double beta = eta - 1 + (dim / 2.0);
        double variance = 1 / ((2 * beta) + 1), fourth = 3 / (((2 * beta) + 1) * ((2 * beta) + 3));
        double below = MathNet.Numerics.Distributions.Beta.CDF(beta, beta, 0.65);
        for (int i = 0; i < dim; i++)
        {
            double[] diagonal = [.. Enumerable.Range(0, n).Select(s => omega[(s * dim * dim) + (i * dim) + i])];
            diagonal.Should().OnlyContain(v => Math.Abs(v - 1) < 1e-12);
            for (int j = 0; j < i; j++)
            {
                double[] r = [.. Enumerable.Range(0, n).Select(s => omega[(s * dim * dim) + (i * dim) + j])];
                DistributionTestHelpers.CheckMeanAndVariance(Tensor.FromArray(r, [n]), 0.0, variance, [fourth]);
                SamplerChecks.FractionMatches(r.Count(v => v <= 0.3), n, below, $"P(Ω[{i},{j}] ≤ 0.3)");
            }
        }
    }

    [Fact]
    public void MeanAndVarianceOfTheFactorMatchSamples()
    {
        const int n = 100_000;
        var d = new LKJCholesky(4, Tensor.Vector(0.8, 3.0));
        var l = d.Sample(n, new RandomStream(9UL)).ToArray();
        double[] mean, variance;
        using (Tensor.NoGrad())
        {
            mean = d.Mean.ToArray();
            variance = d.Variance.ToArray();
        }

        for (int e = 0; e < 32; e++)
        {
            double[] draws = [.. Enumerable.Range(0, n).Select(s => l[(s * 32) + e])];
            if (variance[e] == 0)
            {
                draws.Should().OnlyContain(v => v == mean[e], $"entry {e} is constant");
                continue;
            }

            MatrixFamilyChecks.MomentsMatch(draws, mean[e], variance[e], $"L entry {e}");
        }

        // Below the diagonal Var Lᵢⱼ = 1/(2η + d - 1), written out.
        variance[4].Should().BeApproximately(1 / ((2 * 0.8) + 3), 1e-14);
        variance[16 + 13].Should().BeApproximately(1 / ((2 * 3.0) + 3), 1e-14);
    }

    [Theory]
    [InlineData(3, 0.8)]
    [InlineData(4, 2.0)]
    public void EntropyMatchesMonteCarlo(int dim, double eta)
    {
        var d = new LKJCholesky(dim, eta);
        using var scope = Tensor.NoGrad();
        var negLogP = (-d.LogProb(d.Sample(100_000, new RandomStream(8UL)))).ToArray();
        MatrixFamilyChecks.AverageIs(negLogP, d.Entropy().ToScalar(), "entropy");
    }

    [Fact]
    public void SamplesAreValidFactorsAndReproducible()
    {
        var d = new LKJCholesky(5, 0.2);
        var x = d.Sample(500, new RandomStream(4UL));
        x.ToArray().Should().Equal(d.Sample(500, new RandomStream(4UL)).ToArray());
        using var scope = Tensor.NoGrad();
        d.LogProb(x).ToArray().Should().OnlyContain(v => double.IsFinite(v));
    }

    [Fact]
    public void ValuesOffTheSupportHaveNoDensity()
    {
        var d = new LKJCholesky(2, 1.5);
        LogP(d, [1.0, 0.1, 0.0, 1.0]).Should().Be(double.NegativeInfinity, "not lower triangular");
        LogP(d, [1.0, 0.0, 0.6, -0.8]).Should().Be(double.NegativeInfinity, "negative diagonal");
        LogP(d, [1.0, 0.0, 0.6, 0.7]).Should().Be(double.NegativeInfinity, "row not a unit vector");
        LogP(d, [1.0, 0.0, 1.0, 0.0]).Should().Be(double.NegativeInfinity, "zero diagonal");
        LogP(d, [1.0, 0.0, 0.6, 0.8]).Should().BeGreaterThan(double.NegativeInfinity);
    }

    [Fact]
    public void LogProbAndEntropyGradientsInTheConcentrationMatchFiniteDifferences()
    {
        double[] l = [1, 0, 0, 0.3, Math.Sqrt(0.91), 0, -0.2, 0.5, Math.Sqrt(0.71)];
        GradCheck.Check(t => new LKJCholesky(3, t[0]).LogProb(Tensor.FromArray(l, [3, 3])), [[0.7]], [[]]);
        GradCheck.Check(t => new LKJCholesky(4, t[0]).Entropy(), [[1.7]], [[]]);
        GradCheck.Check(t => GradCheck.Project(new LKJCholesky(3, t[0]).Mean + new LKJCholesky(3, t[0]).Variance), [[1.3]], [[]]);
    }

    [Fact]
    public void InvalidParametersAreRejectedWithFamilyParameterAndValue()
    {
        FamilyChecks.Rejects(() => _ = new LKJCholesky(1, 1.0), "LKJCholesky: dimension must be at least 2, got 1");
        FamilyChecks.Rejects(() => _ = new LKJCholesky(3, 0.0), "LKJCholesky: concentration must be positive and finite, got 0");
        FamilyChecks.Rejects(() => _ = new LKJCholesky(3, double.NaN), "LKJCholesky: concentration must be positive and finite, got NaN");
    }
}
