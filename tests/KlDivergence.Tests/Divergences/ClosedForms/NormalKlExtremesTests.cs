using KlDivergence.Distributions;
using KlDivergence.Divergences;
using KlDivergence.Divergences.ClosedForms;
using KlDivergence.Tensors;

namespace KlDivergence.Tests.Divergences.ClosedForms;

/// <summary>
/// The normal KL at scale ratios from 1e-300 to 1e300 and at huge locations, on every path: one pair (scalar
/// formula), batches (four-lane kernel plus scalar tail), the gradient (tensor) path, MultivariateNormalDiag.
/// Reference, worked here from logs: with ℓ = log σ₁ - log σ₂ and d = (μ₁ - μ₂)/σ₂,
/// KL = ½d² + ½e^{2ℓ} - ½ - ℓ (Bishop, PRML, exercise 1.30, rewritten with r = e^ℓ); +∞ when ½e^{2ℓ} overflows.
/// </summary>
public class NormalKlExtremesTests
{
    /// <summary>
    /// The reference above for |ℓ| ≥ 1 (no cancellation), d computed from halves (no overflow); r² as r·r where the
    /// ratio is a double (e^{2ℓ} would amplify the rounding of ℓ by 2|ℓ|), else e^{2ℓ} (0 or +∞ there).
    /// </summary>
    private static double Reference(double m1, double s1, double m2, double s2)
    {
        double l = Math.Log(s1) - Math.Log(s2);
        double r = s1 / s2;
        double rSquared = r > 1e-300 && r < 1e300 ? r * r : Math.Exp(2 * l);
        double d = ((m1 / 2) - (m2 / 2)) / s2 * 2;
        return (0.5 * d * d) + (0.5 * rSquared) - 0.5 - l;
    }

    private static void ShouldMatch(double actual, double expected, string because)
    {
        if (double.IsPositiveInfinity(expected))
        {
            actual.Should().Be(double.PositiveInfinity, because);
        }
        else
        {
            actual.Should().BeApproximately(expected, 1e-14 * Math.Abs(expected), because);
        }
    }

    [Fact]
    public void TinyScaleAgainstUnitScaleIsFiniteAsOnePairAndAtEveryPositionOfABatch()
    {
        // Issue 12: 1e-17 against 1 gave +∞ one pair at a time and in the scalar tail of a batch of five.
        double expected = (17 * Math.Log(10)) + (0.5 * 1e-34) - 0.5; // 38.644
        Kl.Exact(new Normal(0, 1e-17), new Normal(0, 1)).ToScalar().Should().BeApproximately(expected, 1e-13 * expected);

        var batch = Kl.Exact(new Normal(new double[5], Enumerable.Repeat(1e-17, 5).ToArray()), new Normal(new double[5], Enumerable.Repeat(1.0, 5).ToArray()));
        for (int i = 0; i < 5; i++)
        {
            batch.Values[i].Should().BeApproximately(expected, 1e-13 * expected, $"position {i}");
        }
    }

    [Fact]
    public void RatiosBeyondTheDoubleRangeGiveTheFiniteValueOrTrueInfinity()
    {
        // ℓ = log 1e-300 - log 1e300 = -600 log 10: KL = 600 log 10 - ½ (+ e^{-1200 log 10}/2, which is 0).
        double expected = (600 * Math.Log(10)) - 0.5; // 1381.05
        Kl.Exact(new Normal(0, 1e-300), new Normal(0, 1e300)).ToScalar().Should().BeApproximately(expected, 1e-14 * expected);

        // The reverse: ½r² with r = 1e600 overflows: +∞, not NaN.
        Kl.Exact(new Normal(0, 1e300), new Normal(0, 1e-300)).ToScalar().Should().Be(double.PositiveInfinity);
    }

    [Fact]
    public void LocationsWhoseDifferenceOverflowsStillGiveTheFiniteScaledDifference()
    {
        // d = 2e308/1e300 = 2e8: KL = ½d² = 2e16 (μ₁ - μ₂ itself overflows a double).
        Kl.Exact(new Normal(1e308, 1e300), new Normal(-1e308, 1e300)).ToScalar().Should().BeApproximately(2e16, 1e-14 * 2e16);
    }

    /// <summary>Scale pairs (σ₁, σ₂) = (b·10^k, b) and (b, b·10^k) over k = ±1 … ±600 and bases b that keep both scales in range.</summary>
    private static List<(double M1, double S1, double M2, double S2)> ExtremePairs()
    {
        var pairs = new List<(double, double, double, double)>();
        foreach (double baseScale in new[] { 1e-300, 1e-150, 1e-17, 1.0, 3.7e5, 1e150, 1e300 })
        {
            for (int k = -600; k <= 600; k += 13)
            {
                double other = baseScale * Math.Pow(10, k);
                if (k == 0 || !(other >= 2.3e-308) || double.IsInfinity(other))
                {
                    continue;
                }

                double loc = (k % 3) * baseScale;
                pairs.Add((loc, other, -loc, baseScale));
                pairs.Add((loc, baseScale, 0.5 * loc, other));
            }
        }

        return pairs;
    }

    [Fact]
    public void EveryPathAgreesWithTheLogScaleReferenceOverExtremeRatios()
    {
        var pairs = ExtremePairs();
        double[] m1 = [.. pairs.Select(p => p.M1)], s1 = [.. pairs.Select(p => p.S1)], m2 = [.. pairs.Select(p => p.M2)], s2 = [.. pairs.Select(p => p.S2)];
        pairs.Count.Should().BeGreaterThan(100);

        // The whole batch (four-lane kernel, blocks with extreme lanes recomputed, scalar tail).
        var batch = Kl.Exact(new Normal(m1, s1), new Normal(m2, s2));

        // The gradient path: the tensor formula, with parameters that require gradients.
        var loc1 = Tensor.FromArray(m1, [m1.Length], requiresGrad: true);
        var scale1 = Tensor.FromArray(s1, [s1.Length], requiresGrad: true);
        var tensorPath = Kl.Exact(new Normal(loc1, scale1), new Normal(m2, s2));

        // Small broadcast batches ([k] against [k, 1]) take the fused scalar loop; the diagonal holds the pairs.
        const int Chunk = 40;
        var broadcast = new double[pairs.Count];
        for (int start = 0; start < pairs.Count; start += Chunk)
        {
            int k = Math.Min(Chunk, pairs.Count - start);
            var grid = Kl.Exact(new Normal(m1[start..(start + k)], s1[start..(start + k)]), new Normal(Tensor.FromArray(m2.AsSpan(start, k), [k, 1]), Tensor.FromArray(s2.AsSpan(start, k), [k, 1])));
            for (int j = 0; j < k; j++)
            {
                broadcast[start + j] = grid[j, j];
            }
        }

        for (int i = 0; i < pairs.Count; i++)
        {
            double expected = Reference(m1[i], s1[i], m2[i], s2[i]);
            string because = $"σ₁ = {s1[i]}, σ₂ = {s2[i]}, μ₁ = {m1[i]}, μ₂ = {m2[i]}";
            ShouldMatch(Kl.Exact(new Normal(m1[i], s1[i]), new Normal(m2[i], s2[i])).ToScalar(), expected, "one pair: " + because);
            ShouldMatch(batch.Values[i], expected, "batch: " + because);
            ShouldMatch(tensorPath.Values[i], expected, "tensor path: " + because);
            ShouldMatch(broadcast[i], expected, "broadcast: " + because);
        }
    }

    [Fact]
    public void TheFourLaneKernelEqualsTheScalarFormulaOverExtremeAndNearlyEqualScales()
    {
        // Parity of the restated kernel with the one formula: within 4e-15 relative (the kernel rounds 1/σ₂ once more).
        var pairs = ExtremePairs();
        foreach (double delta in new[] { 0.0, 1e-15, -1e-12, 1e-8, -1e-4, 0.01, 0.2499, -0.2501, 0.5, -0.5, 0.99, -0.999 })
        {
            foreach (double s in new[] { 1e-300, 1e-5, 1.0, 7.5, 1e200 })
            {
                pairs.Add((s * 0.3, s * (1 + delta), -s * 0.1, s));
            }
        }

        double[] m1 = [.. pairs.Select(p => p.M1)], s1 = [.. pairs.Select(p => p.S1)], m2 = [.. pairs.Select(p => p.M2)], s2 = [.. pairs.Select(p => p.S2)];
        var vectorised = new double[pairs.Count];
        NormalKl.Vectorised(m1, s1, m2, s2, vectorised);
        for (int i = 0; i < pairs.Count; i++)
        {
            double scalar = NormalKl.NormalNormal<Real>(m1[i], s1[i], m2[i], s2[i]);
            string because = $"σ₁ = {s1[i]}, σ₂ = {s2[i]}";
            double.IsNaN(scalar).Should().BeFalse(because);
            if (double.IsPositiveInfinity(scalar))
            {
                vectorised[i].Should().Be(double.PositiveInfinity, because);
            }
            else
            {
                vectorised[i].Should().BeApproximately(scalar, (4e-15 * scalar) + 1e-300, because);
            }
        }
    }

    [Fact]
    public void GradientsAtExtremeRatiosAreTheFiniteAnalyticOnes()
    {
        // ∂KL/∂σ₁ = σ₁/σ₂² - 1/σ₁ and ∂KL/∂σ₂ = 1/σ₂ - σ₁²/σ₂³ (μ₁ = μ₂), differentiated by hand from the reference.
        foreach (var (a, b) in new[] { (1e-17, 1.0), (1e-300, 1e300), (1e-200, 1e-10), (3.0, 1e-100) })
        {
            var s1 = Tensor.Scalar(a, requiresGrad: true);
            var s2 = Tensor.Scalar(b, requiresGrad: true);
            Kl.Exact(new Normal(0, s1), new Normal(0, s2)).Backward();
            double g1 = (a / b / b) - (1 / a), g2 = (1 / b) - (a / b * (a / b) / b);
            s1.Grad!.ToScalar().Should().BeApproximately(g1, 1e-14 * Math.Abs(g1), $"∂/∂σ₁ at ({a}, {b})");
            if (double.IsFinite(g2))
            {
                s2.Grad!.ToScalar().Should().BeApproximately(g2, 1e-13 * Math.Abs(g2), $"∂/∂σ₂ at ({a}, {b})");
            }
        }
    }

    [Fact]
    public void DiagonalMultivariateNormalsSumTheExtremeUnivariateTerms()
    {
        var p = new MultivariateNormalDiag(Tensor.Vector(0, 0, 1e308), Tensor.Vector(1e-300, 1e-17, 1e300));
        var q = new MultivariateNormalDiag(Tensor.Vector(0, 0, -1e308), Tensor.Vector(1e300, 1, 1e300));
        double expected = ((600 * Math.Log(10)) - 0.5) + ((17 * Math.Log(10)) - 0.5) + 2e16;
        Kl.Exact(p, q).ToScalar().Should().BeApproximately(expected, 1e-14 * expected);
    }

    [Fact]
    public void FullCovarianceNormalsAtExtremeScalesAndHugeLocations()
    {
        // Factors diag(1e-300, 1e-17) against diag(1e300, 1): the per-axis normal KLs add (diagonal factors); the
        // second pair has locations ±1e308 on a scale of 1e300 against 1e300: ½(2e8)² = 2e16.
        var p = MultivariateNormal.FromScaleTril(Tensor.Vector(0, 0), Tensor.Matrix(new double[,] { { 1e-300, 0 }, { 0, 1e-17 } }));
        var q = MultivariateNormal.FromScaleTril(Tensor.Vector(0, 0), Tensor.Matrix(new double[,] { { 1e300, 0 }, { 0, 1 } }));
        double expected = ((600 * Math.Log(10)) - 0.5) + ((17 * Math.Log(10)) - 0.5);
        Kl.Exact(p, q).ToScalar().Should().BeApproximately(expected, 1e-14 * expected);

        var wideP = MultivariateNormal.FromScaleTril(Tensor.Vector(1e308, 0), Tensor.Matrix(new double[,] { { 1e300, 0 }, { 0, 1 } }));
        var wideQ = MultivariateNormal.FromScaleTril(Tensor.Vector(-1e308, 0), Tensor.Matrix(new double[,] { { 1e300, 0 }, { 0, 1 } }));
        Kl.Exact(wideP, wideQ).ToScalar().Should().BeApproximately(2e16, 1e-14 * 2e16);

        // The gradient (tensor) path gives the same.
        var loc = Tensor.FromArray([1e308, 0], [2], requiresGrad: true);
        Kl.Exact(MultivariateNormal.FromScaleTril(loc, wideP.ScaleTril), wideQ).ToScalar().Should().BeApproximately(2e16, 1e-14 * 2e16);
    }
}
