using KlDivergence.Distributions;
using KlDivergence.Tensors;

namespace KlDivergence.Tests.Distributions;

public class MassLocationsTests
{
    [Fact]
    public void ANormalBatchGivesItsLocationsAndScales()
    {
        // The default: mean and standard deviation, one place per batch element.
        var m = new Normal(Tensor.Vector(-1, 2, 30), Tensor.Vector(0.5, 1, 4)).GetMassLocations();
        m.Centre.Shape.Should().Equal(3, 1);
        m.Centre.ToArray().Should().Equal(-1, 2, 30);
        m.Width.ToArray().Should().Equal(0.5, 1, 4);
    }

    [Fact]
    public void MixturesListEveryComponentRecursively()
    {
        var inner = new MixtureSameFamily(new Categorical(Tensor.Vector(0.4, 0.6)), new Normal(Tensor.Vector(-50, 950), Tensor.Vector(0.01, 0.02)));
        var same = inner.GetMassLocations();
        same.Centre.ToArray().Should().Equal(-50, 950);
        same.Width.ToArray().Should().Equal(0.01, 0.02);

        var nested = new Mixture(Tensor.Vector(0.5, 0.5), [new Normal(3.0, 0.1), inner]).GetMassLocations();
        nested.Count.Should().Be(3);
        nested.Centre.ToArray().Should().Equal(3, -50, 950);
        nested.Width.ToArray().Should().Equal(0.1, 0.01, 0.02);
    }

    [Fact]
    public void ABatchOfMixturesKeepsItsBatchAxis()
    {
        // Batch of two mixtures of two components: components' batch [2, 2].
        var d = new MixtureSameFamily(
            new Categorical(Tensor.FromArray([0.5, 0.5, 0.3, 0.7], [2, 2])),
            new Normal(Tensor.FromArray([-1, 1, -5, 5], [2, 2]), Tensor.FromArray([0.1, 0.2, 0.3, 0.4], [2, 2])));
        var m = d.GetMassLocations();
        m.Centre.Shape.Should().Equal(2, 2);
        m.Centre.ToArray().Should().Equal(-1, 1, -5, 5);
        m.Width.ToArray().Should().Equal(0.1, 0.2, 0.3, 0.4);
    }

    [Fact]
    public void AHeavyTailWithoutAStandardDeviationUsesQuantilesFromTheCdf()
    {
        // Pareto(1, 1) has no finite mean or variance; its quantile function is F⁻¹(u) = (1 - u)^(-1/α): median 2,
        // quartiles 4/3 and 4, so the width is (4 - 4/3) / (2Φ⁻¹(¾)) with 2Φ⁻¹(¾) = 1.3489795003921634.
        var m = new Pareto(1.0, 1.0).GetMassLocations();
        m.Centre.ToScalar().Should().BeApproximately(2, 1e-5);
        m.Width.ToScalar().Should().BeApproximately((4 - (4.0 / 3)) / 1.3489795003921634, 1e-5);

        // Cauchy overrides the hook: its median and scale.
        var c = new Cauchy(-3.0, 0.25).GetMassLocations();
        c.Centre.ToScalar().Should().Be(-3);
        c.Width.ToScalar().Should().Be(0.25);
    }

    [Fact]
    public void MultivariateDistributionsAndBadShapesAreRefused()
    {
        var act = () => new MultivariateNormalDiag(Tensor.Vector(0, 0), Tensor.Vector(1, 1)).GetMassLocations();
        act.Should().Throw<NotSupportedException>().WithMessage("*univariate*");
        var bad = () => new MassLocations(Tensor.Vector(1, 2), Tensor.Vector(1));
        bad.Should().Throw<ArgumentException>().WithMessage("*one shape*");
    }
}
