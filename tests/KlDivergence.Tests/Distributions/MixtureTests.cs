using KlDivergence.Distributions;
using KlDivergence.Random;
using KlDivergence.Tensors;
using static KlDivergence.Tests.Distributions.DistributionTestHelpers;

namespace KlDivergence.Tests.Distributions;

public class MixtureTests
{
    private static readonly double[] W = [0.2, 0.5, 0.3];

    // Three different families over the real line: a normal, a two-component mixture and an Independent with no reinterpreted dims.
    private static Mixture Univariate() => new(
        Tensor.Vector(W),
        [
            new Normal(-1.0, 0.5),
            new MixtureSameFamily(new Categorical(Tensor.Vector(0.4, 0.6)), new Normal(Tensor.Vector(1.0, 2.5), Tensor.Vector(0.3, 0.8))),
            new Independent(new Normal(4.0, 1.5), 0),
        ]);

    private static Mixture Bivariate() => new(
        Tensor.Vector(0.6, 0.4),
        [
            MultivariateNormal.FromCovariance(Tensor.Vector(1.0, -1.0), Tensor.Matrix(new[,] { { 2.0, 0.6 }, { 0.6, 1.0 } })),
            new MultivariateNormalDiag(Tensor.Vector(-2.0, 0.5), Tensor.Vector(0.5, 1.5)),
        ]);

    [Fact]
    public void ShapesOfEveryResult()
    {
        var m = Univariate();
        m.BatchShape.Should().BeEmpty();
        m.EventShape.Should().BeEmpty();
        m.LogProb(Tensor.Zeros(5)).Shape.Should().Equal(5);
        m.Cdf(Tensor.Zeros(5)).Shape.Should().Equal(5);
        m.Sample(4, new RandomStream(1)).Shape.Should().Equal(4);
        m.Mean.Shape.Should().BeEmpty();
        m.Variance.Shape.Should().BeEmpty();
        m.HasReparameterizedSample.Should().BeFalse();

        var b = Bivariate();
        b.EventShape.Should().Equal(2);
        b.LogProb(Tensor.Zeros(5, 2)).Shape.Should().Equal(5);
        b.Sample(4, new RandomStream(1)).Shape.Should().Equal(4, 2);
        b.Mean.Shape.Should().Equal(2);
        b.Covariance.Shape.Should().Equal(2, 2);

        var batched = new Mixture(
            Tensor.Matrix(new[,] { { 0.5, 0.5 }, { 0.1, 0.9 }, { 1.0, 0.0 } }),
            [new Normal(Tensor.Vector(0.0, 1.0, 2.0), 1.0), new Normal(Tensor.Vector(3.0, 4.0, 5.0), 2.0)]);
        batched.BatchShape.Should().Equal(3);
        batched.LogProb(Tensor.Zeros(5, 1)).Shape.Should().Equal(5, 3);
        batched.Sample(6, new RandomStream(2)).Shape.Should().Equal(6, 3);
        batched.Mean.Shape.Should().Equal(3);
        batched.Mean.ToArray()[2].Should().Be(2.0);
    }

    [Fact]
    public void AgreesWithMixtureSameFamilyOnTheSameComponents()
    {
        var mixture = new Mixture(Tensor.Vector(0.3, 0.7), [new Normal(-0.2, 0.1), new Normal(1.0, 0.5)]);
        var same = new MixtureSameFamily(new Categorical(Tensor.Vector(0.3, 0.7)), new Normal(Tensor.Vector(-0.2, 1.0), Tensor.Vector(0.1, 0.5)));
        var x = Tensor.Vector(-1e3, -0.5, 0.0, 0.7, 3.0, 1e3);
        mixture.LogProb(x).ToArray().Should().Equal(same.LogProb(x).ToArray(), (a, b) => Math.Abs(a - b) <= 1e-12 * Math.Max(1, Math.Abs(b)));
        mixture.Cdf(x).ToArray().Should().Equal(same.Cdf(x).ToArray(), (a, b) => Math.Abs(a - b) < 1e-15);
        mixture.Mean.ToScalar().Should().BeApproximately(same.Mean.ToScalar(), 1e-15);
        mixture.Variance.ToScalar().Should().BeApproximately(same.Variance.ToScalar(), 1e-15);
    }

    [Fact]
    public void DensityIntegratesToOneAndCdfMatchesIntegral()
    {
        var m = Univariate();
        Simpson(x => m.Prob(x).Unsqueeze(-1), -40, 40, 40_000, 1)[0].Should().BeApproximately(1.0, 1e-9);
        Simpson(x => m.Prob(x).Unsqueeze(-1), -40, 1.3, 40_000, 1)[0].Should().BeApproximately(m.Cdf(1.3).ToScalar(), 1e-9);
        var act = () => m.Entropy();
        act.Should().Throw<NotSupportedException>().WithMessage("*EstimateEntropy*");
    }

    [Fact]
    public void SampleMomentsMatchMeanAndVariance()
    {
        var m = Univariate();
        double mean = m.Mean.ToScalar();

        // The mixture is a four-component normal mixture with weights 0.2, 0.5·0.4, 0.5·0.6, 0.3.
        double fourth = NormalMixtureFourth([0.2, 0.2, 0.3, 0.3], [-1.0, 1.0, 2.5, 4.0], [0.25, 0.09, 0.64, 2.25], mean);
        mean.Should().BeApproximately((0.2 * -1.0) + (0.2 * 1.0) + (0.3 * 2.5) + (0.3 * 4.0), 1e-14);
        var x = m.Sample(SampleCount, new RandomStream(31));
        CheckMeanAndVariance(x, m.Mean, m.Variance, [fourth]);
    }

    [Fact]
    public void MultivariateSampleMomentsMatchMeanAndCovariance()
    {
        var b = Bivariate();
        var x = b.Sample(SampleCount, new RandomStream(32));
        var mean = b.Mean.ToArray();
        double[] fourth =
        [
            NormalMixtureFourth([0.6, 0.4], [1.0, -2.0], [2.0, 0.25], mean[0]),
            NormalMixtureFourth([0.6, 0.4], [-1.0, 0.5], [1.0, 2.25], mean[1]),
        ];
        CheckMeanAndVariance(x, b.Mean, b.Variance, fourth);
        CheckCovarianceEmpirically(x, b.Covariance);
    }

    [Fact]
    public void TailsAndZeroWeightGiveFiniteValuesAndGradients()
    {
        var weights = Tensor.FromArray([0.0, 0.4, 0.6], [3], requiresGrad: true);
        var loc = Tensor.FromArray([0.5], [1], requiresGrad: true);
        var scale = Tensor.FromArray([0.2], [1], requiresGrad: true);
        var m = new Mixture(weights, [new Normal(loc.Select(0, 0), 1.0), new Normal(-1.0, scale.Select(0, 0)), new Normal(2.0, 3.0)]);
        var x = Tensor.FromArray([-1e3, 0.0, 1e3], [3], requiresGrad: true);
        var lp = m.LogProb(x);
        lp.ShouldBeFinite("log-density at ±1e3 with a zero weight");
        (lp.Sum() + m.Mean + m.Variance).Backward();
        weights.Grad.ShouldBeFinite("d/dweights");
        loc.Grad.ShouldBeFinite("d/dloc");
        loc.Grad!.Values[0].Should().Be(0, "the component has weight 0");
        scale.Grad.ShouldBeFinite("d/dscale");
        x.Grad.ShouldBeFinite("d/dx");
    }

    [Fact]
    public void GradientsOfLogProbMatchFiniteDifferences()
    {
        double[] w = [0.2, 0.5, 0.3], p = [-1.0, 0.5, 1.5, 0.8], x = [-2.0, 0.0, 0.7, 3.0];
        GradCheck.Check(
            t => GradCheck.Project(new Mixture(t[0], [new Normal(t[1].Select(0, 0), t[1].Select(0, 1)), new Normal(t[1].Select(0, 2), t[1].Select(0, 3)), new Normal(0.0, 2.0)], renormalize: true).LogProb(t[2])),
            [w, p, x], [[3], [4], [4]]);
        double[] y = [0.0, 0.0, 1.0, -1.0, 3.0, 2.0];
        GradCheck.Check(
            t => GradCheck.Project(new Mixture(Tensor.Vector(0.6, 0.4), [MultivariateNormal.FromScaleTril(t[0], t[1].Tril()), new MultivariateNormalDiag(t[0], t[2])]).LogProb(t[3])),
            [[1.0, -1.0], [1.2, 0.0, 0.3, 0.8], [0.5, 1.5], y], [[2], [2, 2], [2], [3, 2]]);
    }

    [Fact]
    public void InvalidWeightsAndComponentsAreRejected()
    {
        Distribution[] two = [new Normal(0.0, 1.0), new Normal(1.0, 1.0)];
        var negative = () => new Mixture(Tensor.Vector(1.2, -0.2), two);
        negative.Should().Throw<ArgumentOutOfRangeException>().Where(e => e.ParamName == "weights")
            .WithMessage("Mixture: weights must be non-negative and finite, got -0.2*");
        var sum = () => new Mixture(Tensor.Vector(0.5, 0.6), two);
        sum.Should().Throw<ArgumentException>().Where(e => e.ParamName == "weights")
            .WithMessage("Mixture: weights must sum to 1 (within 1E-10) in each row, got a sum of 1.1 in row 0*");
        new Mixture(Tensor.Vector(1.0, 3.0), two, renormalize: true).Weights.ToArray().Should().Equal(0.25, 0.75);
        var count = () => new Mixture(Tensor.Vector(0.2, 0.3, 0.5), two);
        count.Should().Throw<ArgumentException>().Where(e => e.ParamName == "weights").WithMessage("*must be [2]*");
        var shapes = () => new Mixture(Tensor.Vector(0.5, 0.5), [new Normal(0.0, 1.0), new MultivariateNormalDiag(Tensor.Zeros(2), Tensor.Ones(2))]);
        shapes.Should().Throw<ArgumentException>().Where(e => e.ParamName == "components").WithMessage("Mixture: component 1 (MultivariateNormalDiag) has batch [] and event [2]*");
        var none = () => new Mixture(Tensor.Vector(1.0), []);
        none.Should().Throw<ArgumentException>().Where(e => e.ParamName == "components");
        var cov = () => Univariate().Covariance;
        cov.Should().Throw<NotSupportedException>();
    }
}
