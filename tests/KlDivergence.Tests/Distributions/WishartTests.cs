using KlDivergence.Distributions;
using KlDivergence.Divergences.Quadrature;
using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Tests.Distributions;

public class WishartTests
{
    private static readonly double[] S2 = [2.0, 0.6, 0.6, 1.0];

    private static Wishart Make(double df, double[] covariance) =>
        Wishart.FromCovariance(df, Tensor.FromArray(covariance, [(int)Math.Sqrt(covariance.Length), (int)Math.Sqrt(covariance.Length)]));

    private static double LogP(Distribution d, double[] x)
    {
        using var scope = Tensor.NoGrad();
        int n = (int)Math.Sqrt(x.Length);
        return d.LogProb(Tensor.FromArray(x, [n, n])).ToScalar();
    }

    [Theory]
    [InlineData(0.6, 1.7)]
    [InlineData(3.0, 0.4)]
    [InlineData(7.5, 2.0)]
    public void OneByOneIsTheGammaOfHalfTheDegreesAndRateOneOverTwiceTheScale(double df, double s)
    {
        // W₁(ν, s) is s χ²(ν) = Gamma(ν/2, rate 1/(2s)): MathNet's density, and the density integrates to 1.
        var d = Make(df, [s]);
        var reference = new MathNet.Numerics.Distributions.Gamma(df / 2, 1 / (2 * s));
        foreach (double x in new[] { 0.05, 0.7, 3.0, 11.0 })
        {
            LogP(d, [x]).Should().BeApproximately(reference.DensityLn(x), 1e-12);
        }

        AdaptiveQuadrature.Integrate(x => Math.Exp(LogP(d, [x])), 0, double.PositiveInfinity, 1e-13, 1e-12).Value.Should().BeApproximately(1, 1e-8);
        using var scope = Tensor.NoGrad();
        d.Entropy().ToScalar().Should().BeApproximately(reference.Entropy, 1e-12);
    }

    [Theory]
    [InlineData(5.5)]
    [InlineData(2.2)]
    public void TwoByTwoDensityIntegratesToOneByImportanceSampling(double df)
    {
        // Proposal over (x₁₁, x₂₁, x₂₂): x₁₁, x₂₂ ~ Gamma(shape 0.7, rate 0.1) and x₂₁ = √(x₁₁x₂₂) r with (r + 1)/2 = u ~
        // Beta(½, ½) (u = sin²(πV/2), V uniform), always positive definite, with heavier tails than p towards 0, ∞ and
        // singular matrices (so p/q has a finite variance, also for df &lt; d + 1 where p is unbounded):
        // q = g(x₁₁) g(x₂₂) / (π √(u(1 - u))) / (2√(x₁₁x₂₂)). E_q[p/q] = ∫ p = 1, within 5 standard errors.
        var d = Make(df, S2);
        var rng = new RandomStream(11UL);
        var gamma = new MathNet.Numerics.Distributions.Gamma(0.7, 0.1);
        var ratios = new double[100_000];
        for (int i = 0; i < ratios.Length; i++)
        {
            double a = 10 * rng.NextGamma(0.7), c = 10 * rng.NextGamma(0.7), u = Math.Pow(Math.Sin(Math.PI * rng.NextOpenDouble() / 2), 2);
            double b = Math.Sqrt(a * c) * ((2 * u) - 1);
            double logQ = gamma.DensityLn(a) + gamma.DensityLn(c) - Math.Log(Math.PI * Math.Sqrt(u * (1 - u))) - Math.Log(2 * Math.Sqrt(a * c));
            double logP = LogP(d, [a, b, b, c]);
            ratios[i] = double.IsNegativeInfinity(logP) ? 0 : Math.Exp(logP - logQ);
        }

        MatrixFamilyChecks.AverageIs(ratios, 1.0, "∫ p");
    }

    [Fact]
    public void SampleMeansAndVariancesMatchTheMomentFormulas()
    {
        // E Xᵢⱼ = ν Sᵢⱼ, Var Xᵢⱼ = ν(Sᵢⱼ² + Sᵢᵢ Sⱼⱼ) (Anderson 2003, §7.3), written out here; a batch of two df.
        double[] dfs = [2.3, 6.0];
        var d = Wishart.FromCovariance(Tensor.Vector(dfs), Tensor.FromArray(S2, [2, 2]));
        d.BatchShape.Should().Equal(2);
        var x = d.Sample(100_000, new RandomStream(20240601UL)).ToArray();
        for (int b = 0; b < 2; b++)
        {
            for (int e = 0; e < 4; e++)
            {
                int i = e / 2, j = e % 2;
                double[] draws = [.. Enumerable.Range(0, 100_000).Select(n => x[(n * 8) + (b * 4) + e])];
                double mean = dfs[b] * S2[e];
                double variance = dfs[b] * ((S2[e] * S2[e]) + (S2[(3 * i)] * S2[3 * j]));
                MatrixFamilyChecks.MomentsMatch(draws, mean, variance, $"X[{i},{j}] at df {dfs[b]}");
            }
        }

        using var scope = Tensor.NoGrad();
        d.Mean.ToArray().Should().Equal(dfs.SelectMany(v => S2.Select(s => v * s)), (u, v) => Math.Abs(u - v) < 1e-13);
        d.Variance.ToArray()[1].Should().BeApproximately(2.3 * ((0.6 * 0.6) + 2.0), 1e-12);
    }

    [Fact]
    public void SamplesAreSymmetricPositiveDefiniteAndReproducible()
    {
        var d = Make(2.5, [1.0, 0.3, -0.2, 0.3, 2.0, 0.5, -0.2, 0.5, 1.5]);
        var x = d.Sample(200, new RandomStream(4UL));
        x.ToArray().Should().Equal(d.Sample(200, new RandomStream(4UL)).ToArray());
        using var scope = Tensor.NoGrad();
        d.LogProb(x).ToArray().Should().OnlyContain(v => double.IsFinite(v));
    }

    [Theory]
    [InlineData(2.5)]
    [InlineData(6.0)]
    public void EntropyMatchesMonteCarlo(double df)
    {
        var d = Make(df, [1.0, 0.3, -0.2, 0.3, 2.0, 0.5, -0.2, 0.5, 1.5]);
        using var scope = Tensor.NoGrad();
        var negLogP = (-d.LogProb(d.Sample(100_000, new RandomStream(8UL)))).ToArray();
        MatrixFamilyChecks.AverageIs(negLogP, d.Entropy().ToScalar(), "entropy");
    }

    [Fact]
    public void TheThreeParameterisationsAgree()
    {
        var l = Tensor.FromArray([1.2, 0.0, -0.4, 0.8], [2, 2]);
        var s = l.MatMul(l.Transpose());
        var fromTril = Wishart.FromScaleTril(3.5, l);
        var fromCovariance = Wishart.FromCovariance(3.5, s);
        var fromPrecision = Wishart.FromPrecision(3.5, Wishart.FromCovariance(3.5, s).PrecisionMatrix);
        double[] x = [2.0, -0.5, -0.5, 1.1];
        LogP(fromCovariance, x).Should().BeApproximately(LogP(fromTril, x), 1e-12);
        LogP(fromPrecision, x).Should().BeApproximately(LogP(fromTril, x), 1e-12);
    }

    [Fact]
    public void LogProbGradientsMatchFiniteDifferences() =>
        GradCheck.Check(
            t => Wishart.FromScaleTril(t[0], t[1].Tril()).LogProb((t[2] + t[2].Transpose()) * 0.5).Sum(),
            [[3.5], [1.2, 0.0, -0.4, 0.8], [2.0, -0.5, -0.3, 1.1]],
            [[], [2, 2], [2, 2]],
            tolerance: 1e-6);

    [Fact]
    public void ReparameterisedSamplesAreDifferentiableInTheScaleAndRefuseAGradientInDf()
    {
        // The same stream gives the same Bartlett factor A, so the draws are a smooth function of L.
        GradCheck.Check(
            t => GradCheck.Project(Wishart.FromScaleTril(3.5, t[0].Tril()).ReparameterizedSample(3, new RandomStream(7UL))),
            [[1.2, 0.0, -0.4, 0.8]],
            [[2, 2]],
            tolerance: 1e-6);
        var df = Tensor.Scalar(3.5, requiresGrad: true);
        var d = Wishart.FromScaleTril(df, Tensor.FromArray([1.0, 0.0, 0.0, 1.0], [2, 2]));
        d.HasReparameterizedSample.Should().BeFalse();
        d.Invoking(w => w.ReparameterizedSample(2, new RandomStream(1UL))).Should().Throw<NotSupportedException>();
    }

    [Fact]
    public void ValuesOffTheSupportHaveNoDensity()
    {
        var d = Make(3.0, S2);
        LogP(d, [1.0, 0.2, 0.3, 1.0]).Should().Be(double.NegativeInfinity, "not symmetric");
        LogP(d, [1.0, 2.0, 2.0, 1.0]).Should().Be(double.NegativeInfinity, "indefinite");
        LogP(d, [0.0, 0.0, 0.0, 1.0]).Should().Be(double.NegativeInfinity, "singular");
        LogP(d, [double.NaN, 0.0, 0.0, 1.0]).Should().Be(double.NegativeInfinity, "not finite");
        LogP(d, [1.0, 0.2, 0.2, 1.0]).Should().BeGreaterThan(double.NegativeInfinity);
    }

    [Fact]
    public void InvalidParametersAreRejectedWithFamilyParameterAndValue()
    {
        FamilyChecks.Rejects(() => Make(0.5, S2), "Wishart: df must be finite and greater than d - 1 = 1, got 0.5");
        FamilyChecks.Rejects(() => Make(double.PositiveInfinity, S2), "Wishart: df must be finite and greater than d - 1 = 1, got Infinity");
        FamilyChecks.Rejects(() => Wishart.FromScaleTril(3.0, Tensor.FromArray([1.0, 0.0, 0.5, -1.0], [2, 2])), "Wishart: scaleTril must have a positive diagonal, entry [1, 1], got -1");
        FamilyChecks.Rejects(() => Wishart.FromScaleTril(3.0, Tensor.FromArray([1.0, 0.1, 0.5, 1.0], [2, 2])), "Wishart: scaleTril must be lower triangular, entry [0, 1] is 0.1");
        FamilyChecks.Rejects(() => Make(3.0, [1.0, 0.2, 0.3, 1.0]), "Wishart: covarianceMatrix must be symmetric, entries [0, 1] = 0.2 and [1, 0] = 0.3 differ");
        Action indefinite = () => Make(3.0, [1.0, 2.0, 2.0, 1.0]);
        indefinite.Should().Throw<NotPositiveDefiniteException>().Which.ParamName.Should().Be("covarianceMatrix");
        FamilyChecks.Rejects(() => Wishart.FromCovariance(3.0, Tensor.Vector(1.0, 2.0)), "Wishart: covarianceMatrix must have shape [..., d, d]");
    }
}
