using KlDivergence.Distributions;
using KlDivergence.Divergences;
using KlDivergence.Tensors;

namespace KlDivergence.Tests.Divergences;

/// <summary>Closed-form and quadrature results say their gradient is exact exactly when they record a graph.</summary>
public class KlGradientEstimatorTests
{
    /// <summary>KL(N(μ₁, σ₁²) ‖ N(μ₂, σ₂²)) = log(σ₂/σ₁) + (σ₁² + (μ₁ - μ₂)²)/(2σ₂²) - ½, worked here.</summary>
    private static double NormalKl(double m1, double s1, double m2, double s2) =>
        Math.Log(s2 / s1) + (((s1 * s1) + ((m1 - m2) * (m1 - m2))) / (2 * s2 * s2)) - 0.5;

    [Theory]
    [InlineData(KlMethodChoice.Auto)]
    [InlineData(KlMethodChoice.ClosedForm)]
    public void ClosedFormWithAGraphIsExact(KlMethodChoice method)
    {
        var loc = Tensor.Scalar(0.3).RequireGrad();
        var result = Kl.Divergence(new Normal(loc, 1.2), new Normal(-0.5, 2.0), new KlOptions { Method = method });
        result.Method.Should().Be(KlMethod.ClosedForm);
        result.GradientEstimator.Should().Be(KlGradientEstimator.Exact);

        // The gradient it vouches for: central difference of the worked formula.
        result.Value.Backward();
        double h = 1e-6;
        double fd = (NormalKl(0.3 + h, 1.2, -0.5, 2.0) - NormalKl(0.3 - h, 1.2, -0.5, 2.0)) / (2 * h);
        loc.Grad!.ToScalar().Should().BeApproximately(fd, 1e-8);
    }

    [Fact]
    public void ClosedFormWithoutAGraphHasNoEstimator()
    {
        Kl.Divergence(new Normal(0.3, 1.2), new Normal(-0.5, 2.0)).GradientEstimator.Should().Be(KlGradientEstimator.None);
        var loc = Tensor.Scalar(0.3).RequireGrad();
        using (Tensor.NoGrad())
        {
            Kl.Divergence(new Normal(loc, 1.2), new Normal(-0.5, 2.0)).GradientEstimator.Should().Be(KlGradientEstimator.None);
        }
    }

    [Fact]
    public void QuadratureWithAGraphIsExactAndWithoutNone()
    {
        // Normal against Laplace goes to quadrature when asked; its gradient in p's location is that of the integral.
        var loc = Tensor.Scalar(0.3).RequireGrad();
        var result = Kl.Quadrature(new Normal(loc, 1.0), new Laplace(0.0, 1.0));
        result.Method.Should().Be(KlMethod.Quadrature);
        result.GradientEstimator.Should().Be(KlGradientEstimator.Exact);
        Kl.Quadrature(new Normal(0.3, 1.0), new Laplace(0.0, 1.0)).GradientEstimator.Should().Be(KlGradientEstimator.None);
    }
}
