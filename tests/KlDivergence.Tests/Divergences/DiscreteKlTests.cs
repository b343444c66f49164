using KlDivergence.Divergences;
using KlDivergence.Tensors;

namespace KlDivergence.Tests.Divergences;

public class DiscreteKlTests
{
    [Fact]
    public void ProbabilityVectorsFollowTheZeroConventions()
    {
        // Σ p log(p/q) worked by hand: 0.5 log(0.5/0.25) + 0.5 log(0.5/0.25) = log 2; the 0 entry adds nothing.
        DiscreteKl.Divergence([0.5, 0.5, 0.0], [0.25, 0.25, 0.5]).Should().BeApproximately(Math.Log(2), 1e-15);
        DiscreteKl.Divergence([0.5, 0.5], [1.0, 0.0]).Should().Be(double.PositiveInfinity);
        DiscreteKl.Divergence([1.0, 0.0], [0.5, 0.5]).Should().BeApproximately(Math.Log(2), 1e-15);
    }

    [Fact]
    public void NoSilentRenormalisation()
    {
        var act = () => DiscreteKl.Divergence([1.0, 1.0], [0.5, 0.5]);
        act.Should().Throw<ArgumentException>().WithMessage("*p must sum to 1*got 2*renormalize*");
        DiscreteKl.Divergence([1.0, 1.0], [1.0, 3.0], renormalize: true)
            .Should().BeApproximately((0.5 * Math.Log(0.5 / 0.25)) + (0.5 * Math.Log(0.5 / 0.75)), 1e-15);
        ((Action)(() => DiscreteKl.Divergence([0.5, 0.5], [-0.5, 1.5]))).Should().Throw<ArgumentException>().WithMessage("*q[0]*-0.5*");
        ((Action)(() => DiscreteKl.Divergence([0.5, 0.5], [1.0]))).Should().Throw<ArgumentException>().WithMessage("*same length*");
    }

    [Fact]
    public void JeffreysAndJensenShannonMatchTheirDefinitions()
    {
        double[] p = [0.1, 0.6, 0.3], q = [0.3, 0.3, 0.4];
        double kpq = (0.1 * Math.Log(0.1 / 0.3)) + (0.6 * Math.Log(0.6 / 0.3)) + (0.3 * Math.Log(0.3 / 0.4));
        double kqp = (0.3 * Math.Log(0.3 / 0.1)) + (0.3 * Math.Log(0.3 / 0.6)) + (0.4 * Math.Log(0.4 / 0.3));
        DiscreteKl.Jeffreys(p, q).Should().BeApproximately(kpq + kqp, 1e-15);

        double[] m = [0.2, 0.45, 0.35];
        double js = 0.5 * ((0.1 * Math.Log(0.1 / 0.2)) + (0.6 * Math.Log(0.6 / 0.45)) + (0.3 * Math.Log(0.3 / 0.35)))
                  + 0.5 * ((0.3 * Math.Log(0.3 / 0.2)) + (0.3 * Math.Log(0.3 / 0.45)) + (0.4 * Math.Log(0.4 / 0.35)));
        DiscreteKl.JensenShannon(p, q).Should().BeApproximately(js, 1e-15);

        // Disjoint supports: infinite KL but JS = log 2 exactly.
        DiscreteKl.JensenShannon([1.0, 0.0], [0.0, 1.0]).Should().BeApproximately(Math.Log(2), 1e-15);
    }

    [Fact]
    public void TensorVersionIsDifferentiableAndSkipsZeroTerms()
    {
        var p = Tensor.Vector(0.5, 0.5, 0.0);
        var q = Tensor.Vector(0.25, 0.25, 0.5).RequireGrad();
        var kl = DiscreteKl.Divergence(p, q);
        kl.ToScalar().Should().BeApproximately(Math.Log(2), 1e-15);
        kl.Backward();

        // d/dq_i Σ p log(p/q) = -p_i / q_i.
        q.Grad!.Values.ToArray().Should().Equal(-2, -2, 0);

        // The tensor overload validates that rows sum to 1, so the finite-difference check goes through a normalisation.
        GradCheck.Check(t => DiscreteKl.Divergence(t[0] / t[0].Sum(), t[1] / t[1].Sum()), [[0.2, 0.3, 0.5], [0.4, 0.4, 0.2]], [[3], [3]]);
    }

    [Theory]
    [InlineData(double.NaN, 1.0, "p[0]*non-negative and finite")]
    [InlineData(-0.5, 1.5, "p[0]*non-negative and finite")]
    [InlineData(0.3, 0.3, "p*must sum to 1")]
    public void TensorOverloadValidatesLikeTheArrayOverload(double a, double b, string message)
    {
        // Issue example: [NaN, 1] and [-0.5, 1.5] gave NaN over tensors where the array overload throws.
        var q = Tensor.Vector(0.5, 0.5);
        var arrays = () => DiscreteKl.Divergence([a, b], [0.5, 0.5]);
        arrays.Should().Throw<ArgumentException>().WithMessage($"*{message}*").Which.ParamName.Should().Be("p");
        var tensors = () => DiscreteKl.Divergence(Tensor.Vector(a, b), q);
        tensors.Should().Throw<ArgumentException>().WithMessage($"*{message}*").Which.ParamName.Should().Be("p");
        var asQ = () => DiscreteKl.Divergence(q, Tensor.Vector(a, b));
        asQ.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("q");
    }

    [Fact]
    public void TabulatedTensorOverloadMatchesTheArrayOverloadAndValidatesLikeIt()
    {
        double[] p = [0.1, 0.7, 1.3], q = [0.5, 0.5, 0.9];
        DiscreteKl.Tabulated(Tensor.FromArray(p, [3]), Tensor.FromArray(q, [3]), 0.1).ToScalar()
            .Should().BeApproximately(0.1 * p.Select((x, i) => x * Math.Log(x / q[i])).Sum(), 1e-15);
        var act = () => DiscreteKl.Tabulated(Tensor.Vector(0.1, double.NaN), Tensor.Vector(1.0, 1.0), 0.1);
        act.Should().Throw<ArgumentException>().WithMessage("*pDensity[1]*").Which.ParamName.Should().Be("pDensity");
    }

    [Fact]
    public void TensorOverloadValidatesEveryRow()
    {
        var p = Tensor.FromArray([0.5, 0.5, 0.2, 0.9], [2, 2]);
        var act = () => DiscreteKl.Divergence(p, Tensor.Vector(0.5, 0.5));
        act.Should().Throw<ArgumentException>().WithMessage("*p (the row of entries 2..3) must sum to 1*");
    }

    [Fact]
    public void TabulatedDensitiesGiveTheRiemannSum()
    {
        // Two normal densities on a fine grid: the Riemann sum approaches the closed form log(σ₂/σ₁) + (σ₁² + Δμ²)/(2σ₂²) - ½.
        double dx = 0.001;
        var xs = Enumerable.Range(0, 40001).Select(i => -20 + (i * dx)).ToArray();
        static double Phi(double x, double m, double s) => Math.Exp(-0.5 * ((x - m) / s) * ((x - m) / s)) / (s * Math.Sqrt(2 * Math.PI));
        var p = xs.Select(x => Phi(x, 0, 1)).ToArray();
        var q = xs.Select(x => Phi(x, 1, 2)).ToArray();
        DiscreteKl.Tabulated(p, q, dx).Should().BeApproximately(Math.Log(2) + (2.0 / 8) - 0.5, 1e-9);
    }
}
