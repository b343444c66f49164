using KlDivergence.Distributions;
using KlDivergence.Divergences;
using KlDivergence.Divergences.ClosedForms;
using KlDivergence.Tensors;
using MathNet.Numerics.LinearAlgebra;

namespace KlDivergence.Tests.Divergences.ClosedForms;

/// <summary>
/// The multivariate normal KL op (one kernel forward, its analytic gradient backward): values against the textbook
/// formula with an explicit inverse and determinants, gradients against central differences, with broadcast batches.
/// </summary>
public class MultivariateNormalKlKernelTests
{
    /// <summary>
    /// ½(tr(Σ₂⁻¹Σ₁) + (μ₂ - μ₁)ᵀΣ₂⁻¹(μ₂ - μ₁) - d + log det Σ₂ - log det Σ₁) with Σ = L Lᵀ from the lower triangles,
    /// by MathNet's general inverse and determinant: independent of the triangular solves under test.
    /// </summary>
    private static double Reference(double[] m1, double[] l1, double[] m2, double[] l2, int d)
    {
        var s1 = Lower(l1, d) * Lower(l1, d).Transpose();
        var s2 = Lower(l2, d) * Lower(l2, d).Transpose();
        var inv = s2.Inverse();
        var diff = Vector<double>.Build.DenseOfArray(m2) - Vector<double>.Build.DenseOfArray(m1);
        return 0.5 * ((inv * s1).Trace() + (diff * (inv * diff)) - d + Math.Log(s2.Determinant()) - Math.Log(s1.Determinant()));
    }

    private static Matrix<double> Lower(double[] l, int d) => Matrix<double>.Build.Dense(d, d, (i, j) => j <= i ? l[(i * d) + j] : 0);

    /// <summary>A lower-triangular factor with a positive diagonal and, above it, values the op must ignore.</summary>
    /// <remarks>Off-diagonal entries within ±0.6/√d keep the factor well conditioned at any d.</remarks>
    private static double[] Factor(int d, int seed, double upper = 0)
    {
        double spread = 0.6 / Math.Sqrt(Math.Max(1, d / 4.0));
        var v = GradCheck.RandomValues(d * d, seed, -spread, spread);
        for (int i = 0; i < d; i++)
        {
            v[(i * d) + i] = 0.7 + (Math.Abs(v[(i * d) + i]) / spread * 0.6);
            for (int j = i + 1; j < d; j++)
            {
                v[(i * d) + j] = upper;
            }
        }

        return v;
    }

    private static double[] Slice(double[] x, int at, int length) => x.AsSpan(at * length, length).ToArray();

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(8)]
    public void NearlyEqualDistributionsGetTheirKlToItsOwnSize(int d)
    {
        // L₁ = c L₂ with c = 1 + δ, δ = 2⁻³⁰, and equal means: A = L₂⁻¹L₁ = cI, so KL = d((c² - 1)/2 - log c)
        // = d(δ + δ²/2 - log(1 + δ)) = d(δ²/2 + Σ_{k≥2} (-1)^k δ^k/k) = d(δ² - δ³/3 + δ⁴/4 - …), worked here as a series.
        // L₂'s diagonal holds powers of two, so c L₂ᵢᵢ is exact. Summed apart, the trace and log-determinant terms
        // cancel to first order (δ ≈ 9.3e-10) and leave rounding of about 1e-16 against a KL of about 8.7e-19 · d.
        double delta = Math.ScaleB(1, -30), c = 1 + delta;
        var l2 = Factor(d, 5);
        for (int i = 0; i < d; i++)
        {
            l2[(i * d) + i] = Math.ScaleB(1, (i % 3) - 1);
        }

        var l1 = l2.Select(v => c * v).ToArray();
        var m = GradCheck.RandomValues(d, 6, -2, 2);
        // Σ_{k=2..6} (-1)^k δ^k/k = δ²(1/2 - δ/3 + δ²/4 - δ³/5 + δ⁴/6) by Horner (δ⁷/7 ≈ 1e-64 is far below the tolerance).
        double h = 1.0 / 6;
        for (int k = 5; k >= 2; k--)
        {
            h = ((k % 2 == 0 ? 1.0 : -1.0) / k) + (delta * h);
        }

        double expected = d * ((0.5 * delta * delta) + (delta * delta * h));
        double kl = MultivariateNormalKl.FromFactors(Tensor.Vector(m), Tensor.FromArray(l1, [d, d]), Tensor.Vector(m), Tensor.FromArray(l2, [d, d])).ToScalar();
        kl.Should().BeApproximately(expected, 1e-9 * expected);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(5)]
    public void ValuesMatchTheExplicitInverseAndDeterminantFormula(int d)
    {
        double[] m1 = GradCheck.RandomValues(d, 1, -2, 2), m2 = GradCheck.RandomValues(d, 2, -2, 2);
        double[] l1 = Factor(d, 3), l2 = Factor(d, 4);
        double kl = MultivariateNormalKl.FromFactors(Tensor.Vector(m1), Tensor.FromArray(l1, [d, d]), Tensor.Vector(m2), Tensor.FromArray(l2, [d, d])).ToScalar();
        double expected = Reference(m1, l1, m2, l2, d);
        kl.Should().BeApproximately(expected, 1e-12 * Math.Max(1, expected));

        // Through the public API, with the factors from covariance matrices.
        var p = MultivariateNormal.FromScaleTril(Tensor.Vector(m1), Tensor.FromArray(l1, [d, d]));
        var q = MultivariateNormal.FromScaleTril(Tensor.Vector(m2), Tensor.FromArray(l2, [d, d]));
        Kl.Exact(p, q).ToScalar().Should().Be(kl);
    }

    [Theory]
    [InlineData(0.3, 1.7, -1.2, 0.4)]
    [InlineData(5.0, 1e-3, 5.0, 1e3)]
    [InlineData(-2.0, 2.0, 3.0, 2.0)]
    public void OneDimensionIsTheUnivariateNormalKl(double m1, double s1, double m2, double s2)
    {
        // KL(N(μ₁, σ₁²) ‖ N(μ₂, σ₂²)) = log(σ₂/σ₁) + (σ₁² + (μ₁ - μ₂)²)/(2σ₂²) - ½ (Bishop, PRML, exercise 1.30).
        double expected = Math.Log(s2 / s1) + (((s1 * s1) + ((m1 - m2) * (m1 - m2))) / (2 * s2 * s2)) - 0.5;
        double kl = MultivariateNormalKl.FromFactors(Tensor.Vector(m1), Tensor.FromArray([s1], [1, 1]), Tensor.Vector(m2), Tensor.FromArray([s2], [1, 1])).ToScalar();
        kl.Should().BeApproximately(expected, 1e-14 * Math.Max(1, Math.Abs(expected)));
    }

    [Fact]
    public void LocationsNearTheDoubleRangeDoNotOverflow()
    {
        // ½‖b‖² = ½((μ₂ - μ₁)/σ)² with μ₂ - μ₁ = 3.2e308 (beyond the double range) and σ = 1e300: 5.12e16.
        double kl = MultivariateNormalKl.FromFactors(Tensor.Vector(-1.6e308), Tensor.FromArray([1e300], [1, 1]), Tensor.Vector(1.6e308), Tensor.FromArray([1e300], [1, 1])).ToScalar();
        kl.Should().BeApproximately(0.5 * 3.2e8 * 3.2e8, 1e-12 * 5.12e16);
    }

    [Fact]
    public void BroadcastBatchesMatchTheFormulaPerPair()
    {
        // loc1 [3, d], L1 [d, d], loc2 [d], L2 [2, 1, d, d]: output [2, 3].
        const int d = 3;
        double[] m1 = GradCheck.RandomValues(3 * d, 5, -1, 1), m2 = GradCheck.RandomValues(d, 6, -1, 1);
        double[] l1 = Factor(d, 7), l2 = [.. Factor(d, 8), .. Factor(d, 9)];
        var kl = MultivariateNormalKl.FromFactors(
            Tensor.FromArray(m1, [3, d]), Tensor.FromArray(l1, [d, d]), Tensor.FromArray(m2, [d]), Tensor.FromArray(l2, [2, 1, d, d]));
        kl.Shape.Should().Equal(2, 3);
        for (int i = 0; i < 2; i++)
        {
            for (int j = 0; j < 3; j++)
            {
                double expected = Reference(Slice(m1, j, d), l1, m2, Slice(l2, i, d * d), d);
                kl[i, j].Should().BeApproximately(expected, 1e-12 * Math.Max(1, expected));
            }
        }
    }

    [Fact]
    public void GradientsOfEveryInputMatchCentralDifferencesWithBroadcasting()
    {
        // The upper triangles hold values the op does not read: their gradient is zero, as central differences find.
        const int d = 3;
        GradCheck.Check(
            t => GradCheck.Project(MultivariateNormalKl.FromFactors(t[0], t[1], t[2], t[3])),
            [GradCheck.RandomValues(2 * d, 11, -1, 1), Factor(d, 12, upper: 0.9), GradCheck.RandomValues(d, 13, -1, 1), [.. Factor(d, 14, upper: -2), .. Factor(d, 15, upper: 3)]],
            [[2, 1, d], [d, d], [d], [2, 1, d, d]]);

        // Same batch shapes (no broadcast), d = 2 and d = 1.
        GradCheck.Check(
            t => GradCheck.Project(MultivariateNormalKl.FromFactors(t[0], t[1], t[2], t[3])),
            [[0.1, -0.3, 0.7, 0.2], [.. Factor(2, 21), .. Factor(2, 22)], [0.5, 0.2, -0.4, 1.1], [.. Factor(2, 23), .. Factor(2, 24)]],
            [[2, 2], [2, 2, 2], [2, 2], [2, 2, 2]]);
        GradCheck.Check(
            t => MultivariateNormalKl.FromFactors(t[0], t[1], t[2], t[3]),
            [[0.4], [1.3], [-0.7], [0.6]],
            [[1], [1, 1], [1], [1, 1]]);

        // A larger dimension, where the solves take the blocked path of the kernel.
        const int big = 70;
        GradCheck.Check(
            t => MultivariateNormalKl.FromFactors(t[0], t[1], t[2], t[3]),
            [GradCheck.RandomValues(big, 31, -1, 1), Factor(big, 32), GradCheck.RandomValues(big, 33, -1, 1), Factor(big, 34)],
            [[big], [big, big], [big], [big, big]]);
    }

    [Fact]
    public void UpperTrianglesAreNotRead()
    {
        const int d = 3;
        double[] m1 = GradCheck.RandomValues(d, 41), m2 = GradCheck.RandomValues(d, 42);
        double Kl(double upper) => MultivariateNormalKl.FromFactors(
            Tensor.Vector(m1), Tensor.FromArray(Factor(d, 43, upper), [d, d]), Tensor.Vector(m2), Tensor.FromArray(Factor(d, 44, upper), [d, d])).ToScalar();
        Kl(5.0).Should().Be(Kl(0.0));
    }

    [Fact]
    public void TheValueIsTheSameBitsWithAndWithoutGradients()
    {
        const int d = 4;
        double[] m1 = GradCheck.RandomValues(5 * d, 51), l1 = [.. Enumerable.Range(0, 5).SelectMany(i => Factor(d, 60 + i))];
        double[] m2 = GradCheck.RandomValues(d, 52), l2 = Factor(d, 53);
        var plain = MultivariateNormalKl.FromFactors(Tensor.FromArray(m1, [5, d]), Tensor.FromArray(l1, [5, d, d]), Tensor.Vector(m2), Tensor.FromArray(l2, [d, d]));
        var graphed = MultivariateNormalKl.FromFactors(
            Tensor.FromArray(m1, [5, d], requiresGrad: true), Tensor.FromArray(l1, [5, d, d]), Tensor.Vector(m2), Tensor.FromArray(l2, [d, d], requiresGrad: true));
        graphed.RequiresGrad.Should().BeTrue();
        graphed.ToArray().Should().Equal(plain.ToArray());
    }

    [Fact]
    public void ValuesAndGradientsAreTheSameBitsForOneTwoAndEightWorkers()
    {
        // d = 3: chunks of 2427 pairs, so 5000 pairs make three chunks; one shared q factor is summed over all of them.
        const int d = 3, n = 5000;
        double[] m1 = GradCheck.RandomValues(n * d, 71), m2 = GradCheck.RandomValues(n * d, 72);
        double[] l1 = [.. Enumerable.Range(0, n).SelectMany(i => Factor(d, 1000 + (i % 37)))], l2 = Factor(d, 73);
        var runs = Workers.Each<double[][]>(() =>
        {
            var t = new[] { Tensor.FromArray(m1, [n, d], true), Tensor.FromArray(l1, [n, d, d], true), Tensor.FromArray(m2, [n, d], true), Tensor.FromArray(l2, [d, d], true) };
            var kl = MultivariateNormalKl.FromFactors(t[0], t[1], t[2], t[3]);
            GradCheck.Project(kl).Backward();
            return [kl.ToArray(), .. t.Select(x => x.Grad!.ToArray())];
        });

        var one = runs[0];
        foreach (var other in runs.Skip(1))
        {
            for (int k = 0; k < one.Length; k++)
            {
                other[k].Should().Equal(one[k]);
            }
        }

        // And right: a few pairs against the formula.
        foreach (int i in new[] { 0, 2426, 2427, n - 1 })
        {
            one[0][i].Should().BeApproximately(Reference(Slice(m1, i, d), Slice(l1, i, d * d), Slice(m2, i, d), l2, d), 1e-12 * Math.Max(1, one[0][i]));
        }
    }
}
