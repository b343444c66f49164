using KlDivergence.Inference;
using KlDivergence.Tensors;

namespace KlDivergence.Tests.Inference;

/// <summary>The Laplace approximation against targets whose posterior is Gaussian in closed form.</summary>
public class LaplaceApproximationTests
{
    /// <summary>log p(x) = -½ (x - m)ᵀ P (x - m) for a batch [n, d].</summary>
    internal static Func<Tensor, Tensor> Gaussian(double[] mean, double[,] precision)
    {
        var m = Tensor.Vector(mean);
        var p = Tensor.Matrix(precision);
        return x =>
        {
            var c = x - m;
            return (c.MatMul(p) * c).Sum(1) * -0.5;
        };
    }

    [Fact]
    public void OnAGaussianTargetItIsExactAndTheEvidenceIsTheNormalisingConstant()
    {
        double[] mean = [1.0, -2.0, 0.5];
        double[,] precision = { { 2.0, 0.6, 0.0 }, { 0.6, 1.0, -0.3 }, { 0.0, -0.3, 0.5 } };
        var fit = LaplaceApproximation.Fit(Gaussian(mean, precision), [0.0, 0.0, 0.0], drawCount: 200);
        fit.Map.Converged.Should().BeTrue();
        for (int i = 0; i < 3; i++)
        {
            fit.Mean.ToArray()[i].Should().BeApproximately(mean[i], 1e-7);
            for (int j = 0; j < 3; j++)
            {
                // Central differences of a linear gradient are exact up to rounding (ε/h ≈ 1e-10).
                fit.NegativeHessian.ToArray()[(i * 3) + j].Should().BeApproximately(precision[i, j], 1e-8);
            }
        }

        // q = p exactly: every log ratio equals log Z = (d/2) log 2π - ½ log det P, so the ELBO is log Z with no spread.
        double det = (2.0 * ((1.0 * 0.5) - (0.3 * 0.3))) - (0.6 * (0.6 * 0.5));
        double logZ = (1.5 * Math.Log(2 * Math.PI)) - (0.5 * Math.Log(det));
        fit.Diagnostics.Elbo.Should().BeApproximately(logZ, 1e-6);
        fit.Diagnostics.LogEvidence.Should().BeApproximately(logZ, 1e-6);
        fit.Diagnostics.ElboStandardError.Should().BeLessThan(1e-6);
        fit.Diagnostics.IsReliable.Should().BeTrue();
        fit.Diagnostics.GradientEvaluations.Should().Be(fit.Map.GradientEvaluations + 6, "the mode search plus 2d gradients for the Hessian");
        fit.Diagnostics.DensityEvaluations.Should().Be(200);
    }

    [Fact]
    public void OnABayesianLinearRegressionItIsTheConjugatePosterior()
    {
        // y = Xβ + ε, ε ~ N(0, σ²), β ~ N(0, τ²I): β | y ~ N(Λ⁻¹Xᵀy/σ², Λ⁻¹), Λ = XᵀX/σ² + I/τ² (the conjugate update).
        double[,] x = { { 1, 0.5 }, { 1, -1.2 }, { 1, 2.0 }, { 1, 0.3 }, { 1, -0.7 } };
        double[] y = [1.1, -0.8, 3.2, 0.9, 0.1];
        const double sigma = 0.7, tau = 3.0;
        var xt = Tensor.Matrix(x).Transpose();
        var yt = Tensor.Vector(y);
        Tensor LogP(Tensor beta)
        {
            var residual = yt - beta.MatMul(xt);
            return ((residual * residual).Sum(1) / (-2 * sigma * sigma)) - ((beta * beta).Sum(1) / (2 * tau * tau));
        }

        double a00 = 1 / (tau * tau), a01 = 0, a11 = 1 / (tau * tau), b0 = 0, b1 = 0;
        for (int i = 0; i < 5; i++)
        {
            a00 += x[i, 0] * x[i, 0] / (sigma * sigma);
            a01 += x[i, 0] * x[i, 1] / (sigma * sigma);
            a11 += x[i, 1] * x[i, 1] / (sigma * sigma);
            b0 += x[i, 0] * y[i] / (sigma * sigma);
            b1 += x[i, 1] * y[i] / (sigma * sigma);
        }

        double det = (a00 * a11) - (a01 * a01);
        double[] covariance = [a11 / det, -a01 / det, -a01 / det, a00 / det];
        double[] mean = [((a11 * b0) - (a01 * b1)) / det, ((a00 * b1) - (a01 * b0)) / det];

        var fit = LaplaceApproximation.Fit(LogP, [0.0, 0.0]);
        fit.Mean.ToArray()[0].Should().BeApproximately(mean[0], 1e-7);
        fit.Mean.ToArray()[1].Should().BeApproximately(mean[1], 1e-7);
        var c = fit.Covariance.ToArray();
        for (int k = 0; k < 4; k++)
        {
            c[k].Should().BeApproximately(covariance[k], 1e-8 * Math.Abs(covariance[0]));
        }
    }

    [Fact]
    public void ASaddleIsRefusedWithAClearException()
    {
        // log p = x₀x₁ - (x₀² + x₁²)/4: the gradient vanishes at 0 (where L-BFGS starts and stops) but the Hessian
        // [[-½, 1], [1, -½]] is indefinite, so there is no normal approximation.
        static Tensor Saddle(Tensor x)
        {
            var a = x.Narrow(1, 0, 1).Squeeze(1);
            var b = x.Narrow(1, 1, 1).Squeeze(1);
            return (a * b) - (((a * a) + (b * b)) * 0.25);
        }

        var act = () => LaplaceApproximation.Fit(Saddle, [0.0, 0.0]);
        act.Should().Throw<InvalidOperationException>().WithMessage("*not positive definite*");
    }
}
