using KlDivergence.Distributions;
using KlDivergence.Tensors;

namespace KlDivergence.Tests.Distributions;

/// <summary>IHasCovariance is a promise: only families whose every instance has a covariance implement it.</summary>
public class CovarianceInterfaceTests
{
    [Fact]
    public void OnlyAlwaysCovariantFamiliesImplementTheInterface()
    {
        var implementers = typeof(Distribution).Assembly.GetExportedTypes()
            .Where(t => typeof(IHasCovariance).IsAssignableFrom(t) && !t.IsInterface)
            .Select(t => t.Name).Order(StringComparer.Ordinal);
        implementers.Should().Equal("LowRankMultivariateNormal", "MultivariateNormal", "MultivariateNormalDiag");
    }

    [Fact]
    public void MixturesAndIndependentSayWhetherTheirCovarianceExists()
    {
        var univariate = new Mixture(Tensor.Vector(0.5, 0.5), [new Normal(0, 1), new Normal(1, 1)]);
        univariate.HasCovariance.Should().BeFalse();
        var act = () => univariate.Covariance;
        act.Should().Throw<NotSupportedException>();

        // Cov = Σ wₖ Σₖ + Σ wₖ (μₖ - μ)(μₖ - μ)ᵀ: components N((0, 0), I) and N((2, 0), I) at ½ each give [[2, 0], [0, 1]].
        var a = new MultivariateNormalDiag(Tensor.Vector(0, 0), Tensor.Vector(1, 1));
        var b = new MultivariateNormalDiag(Tensor.Vector(2, 0), Tensor.Vector(1, 1));
        var vector = new Mixture(Tensor.Vector(0.5, 0.5), [a, b]);
        vector.HasCovariance.Should().BeTrue();
        vector.Covariance.ToArray().Should().Equal(new[] { 2.0, 0, 0, 1 }, (x, y) => Math.Abs(x - y) < 1e-14);

        // A mixture of such mixtures reaches its components' covariances through the same test (0.5·Cov + 0.5·Cov).
        var nested = new Mixture(Tensor.Vector(0.5, 0.5), [vector, vector]);
        nested.HasCovariance.Should().BeTrue();
        nested.Covariance.ToArray().Should().Equal(new[] { 2.0, 0, 0, 1 }, (x, y) => Math.Abs(x - y) < 1e-14);

        new Independent(new Normal(Tensor.Zeros(3), 2.0), 1).HasCovariance.Should().BeTrue();
        new Independent(new Normal(Tensor.Zeros(2, 3), 2.0), 2).HasCovariance.Should().BeFalse();
    }

    [Fact]
    public void LowRankNamesSpellTheWordsOutAndTheOldOnesStillAnswer()
    {
        var w = Tensor.Matrix(new double[,] { { 1 }, { 2 } });
        var d = new LowRankMultivariateNormal(Tensor.Zeros(2), w, Tensor.Vector(0.5, 0.25));
        d.CovarianceFactor.Should().BeSameAs(w);
        d.CovarianceDiagonal.ToArray().Should().Equal(0.5, 0.25);
#pragma warning disable CS0618 // the obsolete names are what is tested here
        d.CovFactor.Should().BeSameAs(d.CovarianceFactor);
        d.CovDiag.Should().BeSameAs(d.CovarianceDiagonal);
#pragma warning restore CS0618
        typeof(LowRankMultivariateNormal).GetProperty("CovFactor")!.GetCustomAttributes(typeof(ObsoleteAttribute), false).Should().HaveCount(1);

        // Σ = W Wᵀ + diag(D) = [[1.5, 2], [2, 4.25]].
        d.CovarianceMatrix.ToArray().Should().Equal(new[] { 1.5, 2, 2, 4.25 }, (x, y) => Math.Abs(x - y) < 1e-14);
    }
}
