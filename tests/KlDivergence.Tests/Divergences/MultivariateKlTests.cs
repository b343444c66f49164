using KlDivergence.Distributions;
using KlDivergence.Divergences;
using KlDivergence.Random;
using KlDivergence.Tensors;
using MathNet.Numerics.LinearAlgebra;

namespace KlDivergence.Tests.Divergences;

public class MultivariateKlTests
{
    private static readonly double[,] SigmaP = { { 1, 0.5 }, { 0.5, 2 } };

    [Fact]
    public void TheFirstNotebooksTwoDimensionalValueIsReproduced()
    {
        // q = N([2, -2], diag(1, 4)) against p = N(0, [[1, 0.5], [0.5, 2]]): the notebook prints 4.8724.
        var p = MultivariateNormal.FromCovariance(Tensor.Vector(0, 0), Tensor.Matrix(SigmaP));
        var q = new MultivariateNormalDiag(Tensor.Vector(2, -2), Tensor.Vector(1, 2));
        var r = Kl.Divergence(q, p);
        r.Method.Should().Be(KlMethod.ClosedForm);
        Math.Round(r.ToScalar(), 4).Should().Be(4.8724);
        r.ToScalar().Should().BeApproximately(Reference(new[] { 2.0, -2 }, new[,] { { 1.0, 0 }, { 0, 4 } }, new[] { 0.0, 0 }, SigmaP), 1e-12);
    }

    [Fact]
    public void AllFourCombinationsAgreeWithTheExplicitFormula()
    {
        double[] m1 = [0.3, -1.1, 0.7], m2 = [1.0, 0.2, -0.4];
        double[,] s1 = { { 2.0, 0.3, 0.1 }, { 0.3, 1.5, -0.2 }, { 0.1, -0.2, 0.9 } };
        double[,] s2 = { { 1.2, -0.4, 0.0 }, { -0.4, 2.2, 0.5 }, { 0.0, 0.5, 1.1 } };
        double[] d1 = [1.3, 0.6, 2.0], d2 = [0.8, 1.7, 0.9];
        var full1 = MultivariateNormal.FromCovariance(m1, Tensor.Matrix(s1));
        var full2 = MultivariateNormal.FromCovariance(m2, Tensor.Matrix(s2));
        var diag1 = new MultivariateNormalDiag(m1, d1);
        var diag2 = new MultivariateNormalDiag(m2, d2);
        var ds1 = DiagCov(d1);
        var ds2 = DiagCov(d2);

        Kl.Exact(full1, full2).ToScalar().Should().BeApproximately(Reference(m1, s1, m2, s2), 1e-12);
        Kl.Exact(full1, diag2).ToScalar().Should().BeApproximately(Reference(m1, s1, m2, ds2), 1e-12);
        Kl.Exact(diag1, full2).ToScalar().Should().BeApproximately(Reference(m1, ds1, m2, s2), 1e-12);
        Kl.Exact(diag1, diag2).ToScalar().Should().BeApproximately(Reference(m1, ds1, m2, ds2), 1e-12);

        // The same with a precision-matrix parameterisation of q.
        var precision = Matrix<double>.Build.DenseOfArray(s2).Inverse().ToArray();
        Kl.Exact(full1, MultivariateNormal.FromPrecision(m2, Tensor.Matrix(precision))).ToScalar()
            .Should().BeApproximately(Reference(m1, s1, m2, s2), 1e-11);
    }

    [Fact]
    public void BatchedPairsAgreeWithTheExplicitFormulaWithAndWithoutGradients()
    {
        double[,] s1 = { { 2.0, 0.3 }, { 0.3, 1.5 } }, s2 = { { 1.2, -0.4 }, { -0.4, 2.2 } }, s3 = { { 0.7, 0.1 }, { 0.1, 0.9 } };
        var p = MultivariateNormal.FromCovariance(Tensor.FromArray([0.1, 0.2, -1, 1], [2, 2]), ShapeOps.Stack(0, Tensor.Matrix(s1), Tensor.Matrix(s2)));
        var q = MultivariateNormal.FromCovariance(Tensor.FromArray([0.5, 0.5, 0, 0], [2, 2]), ShapeOps.Stack(0, Tensor.Matrix(s3), Tensor.Matrix(s1)));
        double r0 = Reference([0.1, 0.2], s1, [0.5, 0.5], s3), r1 = Reference([-1, 1], s2, [0, 0], s1);
        var plain = Kl.Exact(p, q);
        plain.Shape.Should().Equal(2);
        plain[0].Should().BeApproximately(r0, 1e-12);
        plain[1].Should().BeApproximately(r1, 1e-12);

        // With a parameter that requires gradients the tensor path runs; same values.
        var loc = Tensor.FromArray([0.1, 0.2, -1, 1], [2, 2]).RequireGrad();
        var graphed = Kl.Exact(MultivariateNormal.FromScaleTril(loc, p.ScaleTril), q);
        graphed.RequiresGrad.Should().BeTrue();
        graphed[0].Should().BeApproximately(r0, 1e-12);
        graphed[1].Should().BeApproximately(r1, 1e-12);
    }

    [Fact]
    public void MonteCarloAgreesWithinFiveStandardErrors()
    {
        var p = MultivariateNormal.FromCovariance(Tensor.Vector(0, 0), Tensor.Matrix(SigmaP));
        var q = new MultivariateNormalDiag(Tensor.Vector(2, -2), Tensor.Vector(1, 2));
        foreach (var (a, b) in new (Distribution, Distribution)[] { (p, q), (q, p) })
        {
            double exact = Kl.Exact(a, b).ToScalar();
            var mc = Kl.MonteCarlo(a, b, 100_000, new RandomStream(11UL));
            Math.Abs(mc.ToScalar() - exact).Should().BeLessThan(5 * mc.StandardError.ToScalar());
        }
    }

    [Fact]
    public void GradientsReachBothLocationsAndFactors()
    {
        GradCheck.Check(
            t => Kl.Exact(MultivariateNormal.FromScaleTril(t[0], t[1].Tril()), MultivariateNormal.FromScaleTril(t[2], t[3].Tril())),
            [[0.1, -0.3], [1.2, 0, 0.4, 0.9], [0.5, 0.2], [0.8, 0, -0.3, 1.4]],
            [[2], [2, 2], [2], [2, 2]]);
        GradCheck.Check(
            t => Kl.Exact(new MultivariateNormalDiag(t[0], t[1]), new MultivariateNormalDiag(t[2], t[3])),
            [[0.1, -0.3], [1.2, 0.4], [0.5, 0.2], [0.8, 1.4]],
            [[2], [2], [2], [2]]);
    }

    [Fact]
    public void CategoricalAndIndependentPairsFollowTheirDefinitions()
    {
        var p = new Categorical(Tensor.Vector(0.2, 0.5, 0.3, 0.0));
        var q = new Categorical(Tensor.Vector(0.25, 0.25, 0.25, 0.25));
        double expected = (0.2 * Math.Log(0.2 / 0.25)) + (0.5 * Math.Log(0.5 / 0.25)) + (0.3 * Math.Log(0.3 / 0.25));
        Kl.Exact(p, q).ToScalar().Should().BeApproximately(expected, 1e-15);
        Kl.Exact(q, p).ToScalar().Should().Be(double.PositiveInfinity);
        var mc = Kl.MonteCarlo(p, q, 100_000, new RandomStream(5UL));
        Math.Abs(mc.ToScalar() - expected).Should().BeLessThan(5 * mc.StandardError.ToScalar());

        // Independent(Normal) over 3 dimensions is the sum of three univariate KLs.
        var ip = new Independent(new Normal(new[] { 0.0, 1, 2 }, new[] { 1.0, 2, 0.5 }), 1);
        var iq = new Independent(new Normal(new[] { 0.5, 0.5, 0.5 }, new[] { 1.5, 1, 1 }), 1);
        double sum = 0;
        double[] m1 = [0, 1, 2], s1 = [1, 2, 0.5], m2 = [0.5, 0.5, 0.5], s2 = [1.5, 1, 1];
        for (int i = 0; i < 3; i++)
        {
            sum += Math.Log(s2[i] / s1[i]) + (((s1[i] * s1[i]) + ((m1[i] - m2[i]) * (m1[i] - m2[i]))) / (2 * s2[i] * s2[i])) - 0.5;
        }

        var r = Kl.Divergence(ip, iq);
        r.Method.Should().Be(KlMethod.ClosedForm);
        r.ToScalar().Should().BeApproximately(sum, 1e-14);
    }

    [Fact]
    public void NormalAgainstAMixtureIsAnsweredByQuadratureAndMonteCarlo()
    {
        // The pair PyTorch and TFP reject ("No KL registered"): KL(N(3, 1) ‖ 0.5 N(-0.2, 0.1) + 0.5 N(1, 0.5)).
        var p = new Normal(3, 1);
        var q = new MixtureSameFamily(new Categorical(Tensor.Vector(0.5, 0.5)), new Normal(new[] { -0.2, 1 }, new[] { 0.1, 0.5 }));
        var quad = Kl.Divergence(p, q);
        quad.Method.Should().Be(KlMethod.Quadrature);

        // Reference: a composite Simpson rule worked in the test on [-12, 18] with 600 000 panels.
        static double Phi(double x, double m, double s) => Math.Exp(-0.5 * ((x - m) / s) * ((x - m) / s)) / (s * Math.Sqrt(2 * Math.PI));
        double Integrand(double x)
        {
            double px = Phi(x, 3, 1);
            double qx = (0.5 * Phi(x, -0.2, 0.1)) + (0.5 * Phi(x, 1, 0.5));
            return px == 0 ? 0 : px * (Math.Log(px) - Math.Log(qx));
        }

        const int panels = 600_000;
        double a = -5, b = 11, h = (b - a) / panels, simpson = Integrand(a) + Integrand(b);
        for (int i = 1; i < panels; i++)
        {
            simpson += (i % 2 == 0 ? 2 : 4) * Integrand(a + (i * h));
        }

        simpson *= h / 3;
        quad.ToScalar().Should().BeApproximately(simpson, 1e-10);

        var mc = Kl.MonteCarlo(p, q, 200_000, new RandomStream(9UL));
        Math.Abs(mc.ToScalar() - simpson).Should().BeLessThan(5 * mc.StandardError.ToScalar());
    }

    [Fact]
    public void EventShapesMustMatch()
    {
        var act = () => Kl.Divergence(new Normal(0, 1), new Independent(new Normal(new[] { 0.0, 0.0 }, 1.0), 1));
        act.Should().Throw<ArgumentException>().WithMessage("*event shape*");
    }

    /// <summary>½[tr(Σ₂⁻¹Σ₁) + (μ₂-μ₁)ᵀΣ₂⁻¹(μ₂-μ₁) - d + ln(det Σ₂/det Σ₁)] with MathNet's inverse and determinant.</summary>
    private static double Reference(double[] m1, double[,] s1, double[] m2, double[,] s2)
    {
        var a = Matrix<double>.Build.DenseOfArray(s1);
        var b = Matrix<double>.Build.DenseOfArray(s2);
        var diff = Vector<double>.Build.DenseOfArray(m2) - Vector<double>.Build.DenseOfArray(m1);
        var bi = b.Inverse();
        return 0.5 * ((bi * a).Trace() + (diff * (bi * diff)) - m1.Length + Math.Log(b.Determinant() / a.Determinant()));
    }

    private static double[,] DiagCov(double[] scales)
    {
        var m = new double[scales.Length, scales.Length];
        for (int i = 0; i < scales.Length; i++)
        {
            m[i, i] = scales[i] * scales[i];
        }

        return m;
    }
}
