using KlDivergence.Distributions;
using KlDivergence.Divergences;
using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Tests.Divergences;

public class KlTests
{
    [Fact]
    public void NormalNormalMatchesTheValuesWorkedByHand()
    {
        // KL(N(μ₁,σ₁²)‖N(μ₂,σ₂²)) = log(σ₂/σ₁) + (σ₁² + (μ₁-μ₂)²)/(2σ₂²) - ½; the first notebook prints 0.35 and 0.07.
        var r = Kl.Divergence(new Normal(0, 2), new Normal(1, 4));
        r.Method.Should().Be(KlMethod.ClosedForm);
        r.ToScalar().Should().BeApproximately(Math.Log(2) + (5.0 / 32) - 0.5, 1e-15);
        Math.Round(r.ToScalar(), 2).Should().Be(0.35);
        r.StandardError.ToScalar().Should().Be(0);
        r.SampleCount.Should().Be(0);

        double second = Kl.Exact(new Normal(1, 3), new Normal(1, 4)).ToScalar();
        second.Should().BeApproximately(Math.Log(4.0 / 3) + (9.0 / 32) - 0.5, 1e-15);
        Math.Round(second, 2).Should().Be(0.07);
    }

    [Fact]
    public void NormalNormalKeepsPrecisionForNearlyEqualScales()
    {
        // KL(N(0, 1) ‖ N(0, (1+ε)²)) = log(1+ε) + ½((1+ε)⁻² - 1) = ε² - (5/3)ε³ + O(ε⁴) by Taylor expansion;
        // ε is taken as the exactly representable difference so the input is exactly 1 + ε.
        double eps = (1 + 1e-7) - 1;
        double series = (eps * eps) - (5.0 / 3 * eps * eps * eps);
        Kl.Exact(new Normal(0, 1), new Normal(0, 1 + eps)).ToScalar().Should().BeApproximately(series, 1e-12 * series);
    }

    [Fact]
    public void BatchedParametersGiveABatchOfDivergences()
    {
        var p = new Normal(new[] { 0.0, 1.0, 2.0 }, 1.0);
        var q = new Normal(0.0, new[] { 1.0, 2.0, 3.0 });
        var r = Kl.Divergence(p, q);
        r.Value.Shape.Should().Equal(3);
        for (int i = 0; i < 3; i++)
        {
            double mu = i, s2 = i + 1;
            r.Value[i].Should().BeApproximately(Math.Log(s2) + ((1 + (mu * mu)) / (2 * s2 * s2)) - 0.5, 1e-15);
        }
    }

    [Fact]
    public void LargeBatchesTakeTheChunkedPathAndMatchTheFormula()
    {
        // 10 000 pairs (chunked vectorised evaluation), including nearly equal scales where cancellation would show.
        const int n = 10_000;
        var m1 = new double[n];
        var s1 = new double[n];
        var s2 = new double[n];
        for (int i = 0; i < n; i++)
        {
            m1[i] = Math.Sin(i);
            s1[i] = 1 + (0.5 * Math.Cos(i));
            s2[i] = i % 3 == 0 ? s1[i] * (1 + 1e-9) : 1.2 + (0.3 * Math.Sin(0.3 * i));
        }

        var kl = Kl.Exact(new Normal(m1, s1), new Normal(0.25, s2));
        for (int i = 0; i < n; i += 7)
        {
            // Reference: ½Δ² + ½(r² - 1) - log r, r = σ₁/σ₂, with the scale part by its Taylor series ℓ² + ⅔ℓ³ + ⅓ℓ⁴ (ℓ = log r) where the scales nearly agree.
            double r = s1[i] / s2[i], d = (m1[i] - 0.25) / s2[i];
            double lr = Math.Log(r);
            double scalePart = Math.Abs(2 * lr) < 1e-3 ? (lr * lr) + (2.0 / 3 * lr * lr * lr) + (lr * lr * lr * lr / 3) : (0.5 * ((r * r) - 1)) - lr;
            kl.Values[i].Should().BeApproximately((0.5 * d * d) + scalePart, 1e-13 * Math.Max(1, (0.5 * d * d) + scalePart));
        }
    }

    [Fact]
    public void FullLengthBatchesTakeTheVectorisedKernelAndKeepRelativePrecisionAtEveryScaleRatio()
    {
        // σ₁ = σ₂(1 + δ) for δ across both sides of the kernel's series limit (¼), tiny δ where cancellation would
        // show, and far ratios; 4 lanes at a time plus a scalar tail (n = 4·k + 3).
        double[] deltas = [1e-12, -1e-12, 1e-7, -1e-7, 0.01, -0.01, 0.2, -0.2, 0.2499, -0.2499, 0.2501, -0.2501, 0.3, -0.9, 5, 1e3, 0, 0.5, -0.5];
        int n = deltas.Length * 5;
        double[] m1 = new double[n], s1 = new double[n], m2 = new double[n], s2 = new double[n];
        for (int i = 0; i < n; i++)
        {
            double delta = deltas[i % deltas.Length];
            s2[i] = 0.5 + (0.37 * i);
            s1[i] = s2[i] + (s2[i] * delta);
            m1[i] = i % 5 == 0 ? 0 : Math.Sin(i);
            m2[i] = Math.Cos(i);
        }

        var kl = Kl.Exact(new Normal(m1, s1), new Normal(m2, s2));
        for (int i = 0; i < n; i++)
        {
            // ½d² + ½δ² + (δ - log(1 + δ)) with δ recomputed from the stored scales; the last term by its Taylor
            // series where δ - log(1 + δ) would cancel, directly where it does not.
            double delta = (s1[i] - s2[i]) / s2[i], d = (m1[i] - m2[i]) / s2[i];
            double h = Math.Abs(delta) <= 0.5 ? DeltaMinusLog1p(delta) : delta - Math.Log(s1[i] / s2[i]);
            double expected = (0.5 * d * d) + (0.5 * delta * delta) + h;
            kl.Values[i].Should().BeApproximately(expected, 2e-15 * expected + 1e-300, $"δ = {delta}, d = {d}");
        }
    }

    /// <summary>δ - log(1 + δ) = Σ_{k≥2} (-δ)^k / k (|δ| ≤ ½: 80 terms reach below 1e-25 of the first).</summary>
    private static double DeltaMinusLog1p(double delta)
    {
        double sum = 0, power = -delta;
        for (int k = 2; k <= 80; k++)
        {
            power *= -delta;
            sum += power / k;
        }

        return sum;
    }

    [Fact]
    public void QuadratureAgreesWithTheClosedFormTo1e10()
    {
        var p = new Normal(0.3, 1.7);
        var q = new Normal(-1.2, 0.8);
        double exact = Math.Log(0.8 / 1.7) + (((1.7 * 1.7) + (1.5 * 1.5)) / (2 * 0.8 * 0.8)) - 0.5;
        var r = Kl.Quadrature(p, q);
        r.Method.Should().Be(KlMethod.Quadrature);
        r.ToScalar().Should().BeApproximately(exact, 1e-10);
        r.StandardError.ToScalar().Should().BeLessThan(1e-9);
    }

    [Fact]
    public void AutomaticFallsBackToQuadratureForAnUnregisteredUnivariatePairAndItMatchesTheFormula()
    {
        // KL(N(0,1) ‖ Laplace(0,b)) = -½ log(2πe) + log 2b + E|X|/b with E|X| = √(2/π).
        double b = 1.3;
        double exact = (-0.5 * Math.Log(2 * Math.PI * Math.E)) + Math.Log(2 * b) + (Math.Sqrt(2 / Math.PI) / b);
        var r = Kl.Divergence(new Normal(0, 1), new TestLaplace(0, b));
        r.Method.Should().Be(KlMethod.Quadrature);
        r.ToScalar().Should().BeApproximately(exact, 1e-10);
    }

    [Fact]
    public void ExactOnlyForAPairWithNoClosedFormNamesBothFamiliesAndTheEstimatingCall()
    {
        var act = () => Kl.Exact(new Normal(0, 1), new TestLaplace(0, 1));
        act.Should().Throw<NoClosedFormException>().WithMessage("*Normal*TestLaplace*Kl.MonteCarlo*");
        var act2 = () => Kl.Divergence(new Normal(0, 1), new TestLaplace(0, 1), new KlOptions { Method = KlMethodChoice.ClosedForm });
        act2.Should().Throw<NoClosedFormException>();
    }

    [Fact]
    public void MonteCarloIsWithinFiveStandardErrorsAndReproducible()
    {
        var p = new Normal(0.5, 1.2);
        var q = new Normal(-0.5, 2.0);
        double exact = Math.Log(2.0 / 1.2) + (((1.2 * 1.2) + 1) / (2 * 4.0)) - 0.5;
        var r = Kl.MonteCarlo(p, q, 100_000, new RandomStream(42UL));
        r.Method.Should().Be(KlMethod.MonteCarlo);
        r.SampleCount.Should().Be(100_000);
        double se = r.StandardError.ToScalar();
        se.Should().BeGreaterThan(0);
        Math.Abs(r.ToScalar() - exact).Should().BeLessThan(5 * se);

        Kl.MonteCarlo(p, q, 100_000, new RandomStream(42UL)).ToScalar().Should().Be(r.ToScalar());
        var opts = new KlOptions { Method = KlMethodChoice.MonteCarlo, SampleCount = 5000, Seed = 7 };
        Kl.Divergence(p, q, opts).ToScalar().Should().Be(Kl.Divergence(p, q, opts).ToScalar());
    }

    [Fact]
    public void MonteCarloOfANormalAgainstANormalMixtureIsTheSampleMeanOfTheLogRatioOverTheStreamsDraws()
    {
        // Without gradients this pair takes the span path; the reference redraws the same normals from the
        // same seed and evaluates both densities with MathNet, then the mean and s/√n by two passes.
        const int n = 10_003; // two full chunks of 4096 and a partial one
        var p = new Normal(3, 1);
        var q = new MixtureSameFamily(new Categorical(Tensor.Vector(0.5, 0.5)), new Normal(new[] { -0.2, 1 }, new[] { 0.1, 0.5 }));
        var r = Kl.MonteCarlo(p, q, n, new RandomStream(11UL));

        // Chunk c of 4096 draws comes from the substream c of a child of the caller's stream.
        var root = new RandomStream(11UL).Split();
        var ratio = new double[n];
        RandomStream rng = root;
        for (int i = 0; i < n; i++)
        {
            rng = i % 4096 == 0 ? root.Substream((ulong)(i / 4096)) : rng;
            double x = 3 + rng.NextStandardNormal();
            double logQ = Math.Log((0.5 * MathNet.Numerics.Distributions.Normal.PDF(-0.2, 0.1, x)) + (0.5 * MathNet.Numerics.Distributions.Normal.PDF(1, 0.5, x)));
            ratio[i] = MathNet.Numerics.Distributions.Normal.PDFLn(3, 1, x) - logQ;
        }

        double mean = ratio.Average();
        double se = Math.Sqrt(ratio.Sum(v => (v - mean) * (v - mean)) / (n - 1) / n);
        r.ToScalar().Should().BeApproximately(mean, 1e-12 * Math.Abs(mean));
        r.StandardError.ToScalar().Should().BeApproximately(se, 1e-8 * se);
        r.SampleCount.Should().Be(n);
    }

    [Fact]
    public void JeffreysAndJensenShannonBetweenDistributionsMatchTheirDefinitions()
    {
        // Jeffreys between normals: the two closed forms worked by hand.
        double kpq = Math.Log(4.0 / 2) + ((4.0 + 1) / 32) - 0.5, kqp = Math.Log(2.0 / 4) + ((16.0 + 1) / 8) - 0.5;
        var j = Kl.Jeffreys(new Normal(0, 2), new Normal(1, 4));
        j.Method.Should().Be(KlMethod.ClosedForm);
        j.ToScalar().Should().BeApproximately(kpq + kqp, 1e-14);

        // Jensen-Shannon of two normals against a Simpson rule worked in the test: ½∫p log(2p/(p+q)) + ½∫q log(2q/(p+q)).
        static double Phi(double x, double m, double s) => Math.Exp(-0.5 * ((x - m) / s) * ((x - m) / s)) / (s * Math.Sqrt(2 * Math.PI));
        static double Term(double a, double b) => a == 0 ? 0 : a * Math.Log(2 * a / (a + b));
        const int panels = 200_000;
        double lo = -30, hi = 30, h = (hi - lo) / panels, sum = 0;
        for (int i = 0; i <= panels; i++)
        {
            double x = lo + (i * h), w = i == 0 || i == panels ? 1 : i % 2 == 0 ? 2 : 4;
            double pv = Phi(x, 0, 2), qv = Phi(x, 1, 4);
            sum += w * 0.5 * (Term(pv, qv) + Term(qv, pv));
        }

        var js = Kl.JensenShannon(new Normal(0, 2), new Normal(1, 4));
        js.Method.Should().Be(KlMethod.Quadrature);
        js.ToScalar().Should().BeApproximately(sum * h / 3, 1e-9);

        // Disjoint supports: JS = log 2 exactly, where KL is infinite.
        Kl.JensenShannon(new Uniform(0, 1), new Uniform(2, 3)).ToScalar().Should().BeApproximately(Math.Log(2), 1e-9);
    }

    [Fact]
    public void MonteCarloReportsInfinityWhenSupportsDoNotNestEvenIfNoSampleShowsIt()
    {
        // p = Uniform(-1e-12, 1) puts mass 1e-12 below 0, where Exponential has none: KL = +∞, though 10^4 samples
        // will almost surely all land in [0, 1).
        var r = Kl.MonteCarlo(new Uniform(-1e-12, 1), new Exponential(1), 10_000, new RandomStream(1UL));
        r.ToScalar().Should().Be(double.PositiveInfinity);
        r.StandardError.ToScalar().Should().Be(0);
    }

    [Fact]
    public void MonteCarloStandardErrorsAreHonest()
    {
        // Over 200 seeds the exact value should fall within 2 standard errors about 95% of the time:
        // a binomial(200, 0.954) count, mean 190.9, sd 2.96; accept within 4 sd.
        var p = new Normal(0.0, 1.0);
        var q = new Normal(1.0, 1.5);
        double exact = Math.Log(1.5) + (2.0 / (2 * 2.25)) - 0.5;
        int covered = 0;
        for (ulong seed = 1; seed <= 200; seed++)
        {
            var r = Kl.MonteCarlo(p, q, 2000, new RandomStream(seed));
            if (Math.Abs(r.ToScalar() - exact) <= 2 * r.StandardError.ToScalar())
            {
                covered++;
            }
        }

        covered.Should().BeInRange(179, 200);
    }

    [Fact]
    public void ClosedFormGradientsMatchFiniteDifferences()
    {
        GradCheck.Check(
            t => Kl.Exact(new Normal(t[0], t[1]), new Normal(t[2], t[3])).Sum(),
            [[0.2, -1.0], [0.7, 1.9], [1.1, 0.4], [2.5, 0.6]],
            [[2], [2], [2], [2]]);
    }

    [Fact]
    public void MonteCarloGradientsMatchFiniteDifferencesUnderAFixedSeed()
    {
        // With the seed fixed, the reparameterised estimate is a smooth function of both parameter sets.
        GradCheck.Check(
            t => Kl.MonteCarlo(new Normal(t[0], t[1]), new Normal(t[2], t[3]), 500, new RandomStream(3UL)).Value,
            [[0.2], [0.7], [1.1], [2.5]],
            [[], [], [], []]);
    }

    [Fact]
    public void QuadratureGradientsMatchFiniteDifferences()
    {
        GradCheck.Check(
            t => Kl.Quadrature(new Normal(t[0], t[1]), new Normal(t[2], t[3])).Value,
            [[0.2], [0.7], [1.1], [2.5]],
            [[], [], [], []],
            tolerance: 1e-5);
    }
}
