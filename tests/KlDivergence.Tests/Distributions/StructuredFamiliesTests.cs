using KlDivergence.Bijectors;
using KlDivergence.Distributions;
using KlDivergence.Divergences;
using KlDivergence.Divergences.Quadrature;
using KlDivergence.Random;
using KlDivergence.Tensors;
using MathNet.Numerics.LinearAlgebra;

namespace KlDivergence.Tests.Distributions;

public class StructuredFamiliesTests
{
    [Fact]
    public void LogNormalDensityMomentsAndEntropyMatchIntegrals()
    {
        var d = new LogNormal(0.3, 0.6);
        double Density(double y) => y <= 0 ? 0 : Math.Exp(d.LogProb(Tensor.Scalar(y)).ToScalar());
        AdaptiveQuadrature.Integrate(Density, 0, double.PositiveInfinity).Value.Should().BeApproximately(1, 1e-10);
        AdaptiveQuadrature.Integrate(y => y * Density(y), 0, double.PositiveInfinity).Value.Should().BeApproximately(d.Mean.ToScalar(), 1e-9);
        double mean = d.Mean.ToScalar();
        AdaptiveQuadrature.Integrate(y => (y - mean) * (y - mean) * Density(y), 0, double.PositiveInfinity).Value.Should().BeApproximately(d.Variance.ToScalar(), 1e-9);
        AdaptiveQuadrature.Integrate(y => Density(y) == 0 ? 0 : -Density(y) * Math.Log(Density(y)), 0, double.PositiveInfinity).Value
            .Should().BeApproximately(d.Entropy().ToScalar(), 1e-9);
        d.Cdf(Tensor.Scalar(1.7)).ToScalar().Should().BeApproximately(AdaptiveQuadrature.Integrate(Density, 0, 1.7).Value, 1e-10);
        d.LogProb(Tensor.Scalar(-1)).ToScalar().Should().Be(double.NegativeInfinity);

        // 10^5 samples: mean within 5 standard errors.
        var s = d.Sample(100_000, new RandomStream(3UL)).ToArray();
        Math.Abs(s.Average() - mean).Should().BeLessThan(5 * Math.Sqrt(d.Variance.ToScalar() / s.Length));
        GradCheck.Check(t => new LogNormal(t[0], t[1]).LogProb(Tensor.Vector(0.5, 2.0)).Sum(), [[0.3], [0.6]], [[], []]);
    }

    [Fact]
    public void TransformedPairsWithTheSameBijectorHaveTheBasesKl()
    {
        // KL is invariant under a common bijection: KL(LogNormal(μ₁,σ₁) ‖ LogNormal(μ₂,σ₂)) = KL of the normals, worked by hand.
        double expected = Math.Log(0.9 / 0.6) + (((0.6 * 0.6) + (0.5 * 0.5)) / (2 * 0.81)) - 0.5;
        var p = new LogNormal(0.3, 0.6);
        var q = new LogNormal(-0.2, 0.9);
        var r = Kl.Divergence(p, q);
        r.Method.Should().Be(KlMethod.ClosedForm);
        r.ToScalar().Should().BeApproximately(expected, 1e-14);
        Kl.Quadrature(p, q).ToScalar().Should().BeApproximately(expected, 1e-8);

        // Different bijectors: no closed form, answered by quadrature.
        var soft = new TransformedDistribution(new Normal(0.3, 0.6), new SoftplusBijector());
        Kl.Divergence(soft, q).Method.Should().Be(KlMethod.Quadrature);
        ((Action)(() => Kl.Exact(soft, q))).Should().Throw<NoClosedFormException>();
        double Density(double y) => Math.Exp(soft.LogProb(Tensor.Scalar(y)).ToScalar());
        AdaptiveQuadrature.Integrate(Density, 0, double.PositiveInfinity).Value.Should().BeApproximately(1, 1e-9);
    }

    [Fact]
    public void OneHotCategoricalAgreesWithCategorical()
    {
        var d = new OneHotCategorical(Tensor.Vector(0.2, 0.5, 0.3));
        d.EventShape.Should().Equal(3);
        d.LogProb(Tensor.Vector(0, 1, 0)).ToScalar().Should().BeApproximately(Math.Log(0.5), 1e-15);
        d.LogProb(Tensor.Vector(1, 1, 0)).ToScalar().Should().Be(double.NegativeInfinity);
        d.LogProb(Tensor.Vector(0.5, 0.5, 0)).ToScalar().Should().Be(double.NegativeInfinity);
        var s = d.Sample(100_000, new RandomStream(2UL));
        s.Shape.Should().Equal(100_000, 3);
        var counts = s.Sum(0).ToArray();
        double[] probs = [0.2, 0.5, 0.3];
        for (int k = 0; k < 3; k++)
        {
            Math.Abs((counts[k] / 100_000) - probs[k]).Should().BeLessThan(5 * Math.Sqrt(probs[k] * (1 - probs[k]) / 100_000));
        }

        var q = new OneHotCategorical(Tensor.Vector(0.4, 0.4, 0.2));
        double expected = (0.2 * Math.Log(0.5)) + (0.5 * Math.Log(0.5 / 0.4)) + (0.3 * Math.Log(0.3 / 0.2));
        Kl.Exact(d, q).ToScalar().Should().BeApproximately(expected, 1e-15);
        var mc = Kl.MonteCarlo(d, q, 100_000, new RandomStream(4UL));
        Math.Abs(mc.ToScalar() - expected).Should().BeLessThan(5 * mc.StandardError.ToScalar());
    }

    [Fact]
    public void LowRankNormalMatchesItsCovarianceDensityAndKl()
    {
        double[] w = [1.0, 0.2, -0.5, 0.7, 0.3, -0.4];
        double[] diag = [0.5, 0.8, 0.3];
        var d = new LowRankMultivariateNormal(Tensor.Vector(0.1, -0.2, 0.3), Tensor.FromArray(w, [3, 2]), Tensor.Vector(diag));
        var wm = Matrix<double>.Build.DenseOfRowMajor(3, 2, w);
        var sigma = (wm * wm.Transpose()) + Matrix<double>.Build.DenseOfDiagonalArray(diag);
        d.CovarianceMatrix.ToArray().Should().Equal(sigma.ToRowMajorArray(), (a, b) => Math.Abs(a - b) < 1e-14);

        // log N(x; μ, Σ) by the explicit formula with MathNet's inverse and determinant.
        var x = Vector<double>.Build.DenseOfArray([0.5, 0.1, -0.7]) - Vector<double>.Build.DenseOfArray([0.1, -0.2, 0.3]);
        double expected = (-0.5 * (x * (sigma.Inverse() * x))) - (0.5 * Math.Log(sigma.Determinant())) - (1.5 * Math.Log(2 * Math.PI));
        d.LogProb(Tensor.Vector(0.5, 0.1, -0.7)).ToScalar().Should().BeApproximately(expected, 1e-12);

        // Sample covariance within 5 standard errors (SE of a covariance entry: √((Σᵢᵢ Σⱼⱼ + Σᵢⱼ²)/n) for Gaussians).
        const int n = 100_000;
        var s = d.Sample(n, new RandomStream(9UL)).ToArray();
        for (int i = 0; i < 3; i++)
        {
            for (int j = 0; j < 3; j++)
            {
                double mi = 0, mj = 0, c = 0;
                for (int k = 0; k < n; k++)
                {
                    mi += s[(3 * k) + i] / n;
                    mj += s[(3 * k) + j] / n;
                }

                for (int k = 0; k < n; k++)
                {
                    c += (s[(3 * k) + i] - mi) * (s[(3 * k) + j] - mj) / n;
                }

                Math.Abs(c - sigma[i, j]).Should().BeLessThan(5 * Math.Sqrt(((sigma[i, i] * sigma[j, j]) + (sigma[i, j] * sigma[i, j])) / n));
            }
        }

        var q = MultivariateNormal.FromCovariance(Tensor.Vector(0, 0, 0), Tensor.Matrix(new[,] { { 1.0, 0.2, 0 }, { 0.2, 1.5, 0.1 }, { 0, 0.1, 0.8 } }));
        var qs = Matrix<double>.Build.DenseOfArray(new[,] { { 1.0, 0.2, 0 }, { 0.2, 1.5, 0.1 }, { 0, 0.1, 0.8 } });
        var mu = Vector<double>.Build.DenseOfArray([0.1, -0.2, 0.3]);
        double kl = 0.5 * ((qs.Inverse() * sigma).Trace() + (mu * (qs.Inverse() * mu)) - 3 + Math.Log(qs.Determinant() / sigma.Determinant()));
        Kl.Exact(d, q).ToScalar().Should().BeApproximately(kl, 1e-12);
        GradCheck.Check(
            t => new LowRankMultivariateNormal(t[0], t[1], t[2]).LogProb(Tensor.Vector(0.5, 0.1, -0.7)),
            [[0.1, -0.2, 0.3], w, diag],
            [[3], [3, 2], [3]]);
    }
}
