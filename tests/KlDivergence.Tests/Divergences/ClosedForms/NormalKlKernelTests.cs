using KlDivergence.Distributions;
using KlDivergence.Divergences;
using KlDivergence.Tensors;

namespace KlDivergence.Tests.Divergences.ClosedForms;

public class NormalKlKernelTests
{
    private static readonly double[] Loc1 = [0.3, -1.2, 2.0, 0.0, 5.0, -0.4, 1e-3];
    private static readonly double[] Scale1 = [1.0, 0.5, 2.0, 1.0001, 3.0, 1e-200, 0.7];
    private static readonly double[] Loc2 = [0.0, 0.4, -1.0, 0.0, 5.0, 0.1, 0.2];
    private static readonly double[] Scale2 = [1.5, 0.5, 0.25, 1.0, 2.9, 1.0, 1e150];

    [Fact]
    public void TheValueIsBitEqualWithAndWithoutGradients()
    {
        // The example differed in the last digits: 9.541207529797758 vs ...754 for the same pair.
        var plain = Kl.Exact(new Normal(Loc1, Scale1), new Normal(Loc2, Scale2));
        var loc = Tensor.Vector(Loc1).Detach().RequireGrad();
        var scale = Tensor.Vector(Scale1).Detach().RequireGrad();
        var tracked = Kl.Exact(new Normal(loc, scale), new Normal(Loc2, Scale2));
        tracked.RequiresGrad.Should().BeTrue();
        tracked.ToArray().Should().Equal(plain.ToArray());

        var diagPlain = Kl.Exact(new MultivariateNormalDiag(Loc1, Scale1), new MultivariateNormalDiag(Loc2, Scale2));
        var diagTracked = Kl.Exact(new MultivariateNormalDiag(loc, scale), new MultivariateNormalDiag(Loc2, Scale2));
        diagTracked.ToScalar().Should().Be(diagPlain.ToScalar());
    }

    [Fact]
    public void TheFullMultivariateNormalValueIsBitEqualWithAndWithoutGradients()
    {
        double[,] l1 = { { 1.2, 0, 0 }, { 0.3, 0.8, 0 }, { -0.4, 0.1, 1.5 } };
        double[,] l2 = { { 0.9, 0, 0 }, { -0.2, 1.1, 0 }, { 0.5, 0.3, 0.7 } };
        var q = MultivariateNormal.FromScaleTril(Tensor.Vector(0.1, -0.3, 0.2), Tensor.Matrix(l2));
        var plain = Kl.Exact(MultivariateNormal.FromScaleTril(Tensor.Vector(0.5, 1.0, -1.5), Tensor.Matrix(l1)), q);
        var loc = Tensor.Vector(0.5, 1.0, -1.5).Detach().RequireGrad();
        var tril = Tensor.Matrix(l1, requiresGrad: true);
        var tracked = Kl.Exact(MultivariateNormal.FromScaleTril(loc, tril), q);
        tracked.RequiresGrad.Should().BeTrue();
        tracked.ToScalar().Should().Be(plain.ToScalar());

        // ∂KL/∂μ₁ = Σ₂⁻¹(μ₁ - μ₂), worked here by solving with the explicit covariance.
        tracked.Backward();
        var sigma2 = new double[3, 3];
        for (int i = 0; i < 3; i++)
        {
            for (int j = 0; j < 3; j++)
            {
                for (int k = 0; k < 3; k++)
                {
                    sigma2[i, j] += l2[i, k] * l2[j, k];
                }
            }
        }

        var expected = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.DenseOfArray(sigma2)
            .Solve(MathNet.Numerics.LinearAlgebra.Vector<double>.Build.Dense([0.4, 1.3, -1.7]));
        for (int i = 0; i < 3; i++)
        {
            loc.Grad!.Values[i].Should().BeApproximately(expected[i], 1e-12);
        }
    }

    [Fact]
    public void EachValueIsTheClosedFormAndDoesNotDependOnItsNeighbours()
    {
        var all = Kl.Exact(new Normal(Loc1, Scale1), new Normal(Loc2, Scale2));
        for (int i = 0; i < Loc1.Length; i++)
        {
            var one = Kl.Exact(new Normal(Loc1[i], Scale1[i]), new Normal(Loc2[i], Scale2[i])).ToScalar();
            one.Should().Be(all.Values[i], $"element {i} alone");

            // ½((μ₁ - μ₂)/σ₂)² + ½(r² - 1) - log r with r = σ₁/σ₂, from log-scales (r may underflow).
            double logR = Math.Log(Scale1[i]) - Math.Log(Scale2[i]);
            double d = (Loc1[i] - Loc2[i]) / Scale2[i];
            double expected = (0.5 * d * d) + (0.5 * (Math.Exp(2 * logR) - 1)) - logR;
            one.Should().BeApproximately(expected, 1e-12 * Math.Max(1, Math.Abs(expected)));
        }
    }

    [Fact]
    public void GradientsMatchFiniteDifferencesUnderBroadcasting()
    {
        GradCheck.Check(
            t => GradCheck.Project(Kl.Exact(new Normal(t[0], t[1]), new Normal(t[2], t[3]))),
            [[0.3, -0.5, 1.2, 0.1, 0.0, 0.7], [0.8, 1.3, 0.6, 1.1, 0.9, 1.7], [0.2], [1.4, 0.7, 1.0]],
            [[2, 3], [2, 3], [], [3]]);
    }
}
