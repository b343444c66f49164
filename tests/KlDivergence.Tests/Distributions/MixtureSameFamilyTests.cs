using KlDivergence.Distributions;
using KlDivergence.Random;
using KlDivergence.Tensors;
using static KlDivergence.Tests.Distributions.DistributionTestHelpers;

namespace KlDivergence.Tests.Distributions;

public class MixtureSameFamilyTests
{
    private static readonly double[,] Weights = { { 0.3, 0.7 }, { 0.5, 0.5 } };
    private static readonly double[,] Locs = { { -0.2, 1.0 }, { -2.0, 3.0 } };
    private static readonly double[,] Scales = { { 0.1, 0.5 }, { 1.0, 0.7 } };

    private static MixtureSameFamily Univariate() =>
        new(new Categorical(Tensor.Matrix(Weights)), new Normal(Tensor.Matrix(Locs), Tensor.Matrix(Scales)));

    private static MixtureSameFamily Bivariate()
    {
        var loc = Tensor.Matrix(new[,] { { -1.0, 0.5 }, { 2.0, 1.0 }, { 0.0, -3.0 } });
        var tril = ShapeOps.Stack(
            0,
            Tensor.Matrix(new[,] { { 1.0, 0.0 }, { 0.5, 0.7 } }),
            Tensor.Matrix(new[,] { { 0.4, 0.0 }, { -0.2, 1.2 } }),
            Tensor.Matrix(new[,] { { 2.0, 0.0 }, { 0.0, 0.3 } }));
        return new MixtureSameFamily(new Categorical(Tensor.Vector(0.2, 0.5, 0.3)), MultivariateNormal.FromScaleTril(loc, tril));
    }

    [Fact]
    public void ShapesOfEveryResult()
    {
        var m = Univariate();
        m.BatchShape.Should().Equal(2);
        m.EventShape.Should().BeEmpty();
        m.LogProb(Tensor.Zeros(5, 2)).Shape.Should().Equal(5, 2);
        m.LogProb(Tensor.Zeros(5, 1)).Shape.Should().Equal(5, 2);
        m.Cdf(Tensor.Zeros(5, 2)).Shape.Should().Equal(5, 2);
        m.Sample(4, new RandomStream(1)).Shape.Should().Equal(4, 2);
        m.Mean.Shape.Should().Equal(2);
        m.Variance.Shape.Should().Equal(2);
        m.HasReparameterizedSample.Should().BeFalse();

        var b = Bivariate();
        b.BatchShape.Should().BeEmpty();
        b.EventShape.Should().Equal(2);
        b.LogProb(Tensor.Zeros(5, 2)).Shape.Should().Equal(5);
        b.LogProb(Tensor.Zeros(2)).Shape.Should().BeEmpty();
        b.Sample(4, new RandomStream(1)).Shape.Should().Equal(4, 2);
        b.Mean.Shape.Should().Equal(2);
        b.Variance.Shape.Should().Equal(2);
        b.Covariance.Shape.Should().Equal(2, 2);
    }

    [Fact]
    public void LogProbIsTheWeightedSumOfComponentDensities()
    {
        var m = Univariate();
        foreach (double x in new[] { -3.0, -0.2, 0.4, 2.5 })
        {
            var lp = m.LogProb(Tensor.Vector(x, x)).ToArray();
            for (int r = 0; r < 2; r++)
            {
                double p = 0;
                for (int k = 0; k < 2; k++)
                {
                    double z = (x - Locs[r, k]) / Scales[r, k];
                    p += Weights[r, k] * Math.Exp(-0.5 * z * z) / (Scales[r, k] * Math.Sqrt(2 * Math.PI));
                }

                lp[r].Should().BeApproximately(Math.Log(p), 1e-12);
            }
        }
    }

    [Fact]
    public void DensityIntegratesToOneAndCdfMatchesIntegral()
    {
        var m = Univariate();
        Simpson(x => m.Prob(x), -40, 40, 40_000, 2).Should().AllSatisfy(v => v.Should().BeApproximately(1.0, 1e-9));
        var partial = Simpson(x => m.Prob(x), -40, 0.7, 40_000, 2);
        var cdf = m.Cdf(Tensor.Vector(0.7, 0.7)).ToArray();
        partial[0].Should().BeApproximately(cdf[0], 1e-9);
        partial[1].Should().BeApproximately(cdf[1], 1e-9);
    }

    [Fact]
    public void EntropyHasNoClosedFormButTheEstimateMatchesQuadrature()
    {
        var m = Univariate();
        var act = () => m.Entropy();
        act.Should().Throw<NotSupportedException>().WithMessage("*EstimateEntropy*");
        var h = Simpson(x => EntropyIntegrand(m.LogProb(x)), -40, 40, 40_000, 2);
        var (value, se) = m.EstimateEntropy(SampleCount, new RandomStream(8));
        for (int r = 0; r < 2; r++)
        {
            Math.Abs(value.ToArray()[r] - h[r]).Should().BeLessThan(5 * se.ToArray()[r]);
        }
    }

    [Fact]
    public void SampleMomentsMatchMeanAndVarianceByTotalVariance()
    {
        var m = Univariate();
        var mean = m.Mean.ToArray();
        var fourth = new double[2];
        for (int r = 0; r < 2; r++)
        {
            double[] w = [Weights[r, 0], Weights[r, 1]], mu = [Locs[r, 0], Locs[r, 1]], v = [Scales[r, 0] * Scales[r, 0], Scales[r, 1] * Scales[r, 1]];
            fourth[r] = NormalMixtureFourth(w, mu, v, mean[r]);
            mean[r].Should().BeApproximately((w[0] * mu[0]) + (w[1] * mu[1]), 1e-15);
            m.Variance.ToArray()[r].Should().BeApproximately((w[0] * (v[0] + (mu[0] * mu[0]))) + (w[1] * (v[1] + (mu[1] * mu[1]))) - (mean[r] * mean[r]), 1e-12);
        }

        var x = m.Sample(SampleCount, new RandomStream(12));
        CheckMeanAndVariance(x, m.Mean, m.Variance, fourth);
    }

    [Fact]
    public void MultivariateSampleMomentsMatchMeanAndCovariance()
    {
        var b = Bivariate();
        var x = b.Sample(SampleCount, new RandomStream(13));
        var comps = (MultivariateNormal)b.Components;
        var mean = b.Mean.ToArray();
        double[] w = [0.2, 0.5, 0.3];
        var fourth = new double[2];
        for (int j = 0; j < 2; j++)
        {
            double[] mu = [.. Enumerable.Range(0, 3).Select(k => comps.Loc[k, j])];
            double[] v = [.. Enumerable.Range(0, 3).Select(k => comps.Variance[k, j])];
            fourth[j] = NormalMixtureFourth(w, mu, v, mean[j]);
        }

        CheckMeanAndVariance(x, b.Mean, b.Variance, fourth);
        CheckCovarianceEmpirically(x, b.Covariance);
        b.Covariance.Diagonal().ToArray().Should().Equal(b.Variance.ToArray(), (p, q) => Math.Abs(p - q) < 1e-12);
    }

    [Fact]
    public void TailsGiveFiniteLogProbAndGradients()
    {
        var logits = Tensor.FromArray([0.3, -0.4], [2], requiresGrad: true);
        var loc = Tensor.FromArray([-0.2, 1.0], [2], requiresGrad: true);
        var scale = Tensor.FromArray([0.1, 0.5], [2], requiresGrad: true);
        var x = Tensor.FromArray([-1e3, 1e3], [2], requiresGrad: true);
        var m = new MixtureSameFamily(Categorical.FromLogits(logits), new Normal(loc, scale));
        var lp = m.LogProb(x);
        lp.ShouldBeFinite("log-density at ±1e3");

        // Reference: logsumexp in doubles of log wₖ + log N(x; μₖ, σₖ).
        double[] w = [Math.Exp(0.3), Math.Exp(-0.4)];
        double z = w[0] + w[1];
        for (int i = 0; i < 2; i++)
        {
            double xi = x.Values[i];
            double[] terms = [.. Enumerable.Range(0, 2).Select(k =>
                Math.Log(w[k] / z) - (0.5 * Math.Pow((xi - loc.Values[k]) / scale.Values[k], 2)) - Math.Log(scale.Values[k]) - (0.5 * Math.Log(2 * Math.PI)))];
            double max = terms.Max();
            lp.Values[i].Should().BeApproximately(max + Math.Log(terms.Sum(t => Math.Exp(t - max))), 1e-9 * Math.Abs(max));
        }

        lp.Sum().Backward();
        logits.Grad.ShouldBeFinite("d/dlogits");
        loc.Grad.ShouldBeFinite("d/dloc");
        scale.Grad.ShouldBeFinite("d/dscale");
        x.Grad.ShouldBeFinite("d/dx");
    }

    [Fact]
    public void ZeroWeightFromMinusInfinityLogitOrZeroProbability()
    {
        var logits = Tensor.FromArray([double.NegativeInfinity, 0.0], [2], requiresGrad: true);
        var loc = Tensor.FromArray([-0.2, 1.0], [2], requiresGrad: true);
        var scale = Tensor.FromArray([0.1, 0.5], [2], requiresGrad: true);
        var m = new MixtureSameFamily(Categorical.FromLogits(logits), new Normal(loc, scale));
        var x = Tensor.Vector(-1e3, -0.2, 0.5, 1e3);
        var lp = m.LogProb(x);
        lp.ToArray().Should().Equal(new Normal(1.0, 0.5).LogProb(x).ToArray(), (a, b) => Math.Abs(a - b) <= 1e-12 * Math.Max(1, Math.Abs(b)));
        (lp.Sum() + m.Mean + m.Variance).Backward();
        logits.Grad.ShouldBeFinite("d/dlogits with a -inf logit");
        logits.Grad!.Values[0].Should().Be(0);
        loc.Grad.ShouldBeFinite("d/dloc");
        loc.Grad!.Values[0].Should().Be(0);
        scale.Grad.ShouldBeFinite("d/dscale");

        var probs = Tensor.FromArray([0.0, 1.0], [2], requiresGrad: true);
        var n = new MixtureSameFamily(new Categorical(probs), new Normal(Tensor.Vector(-0.2, 1.0), Tensor.Vector(0.1, 0.5)));
        n.LogProb(x).Sum().Backward();
        probs.Grad.ShouldBeFinite("d/dprobs with a zero probability");
        n.Sample(1000, new RandomStream(3)).Values.ToArray().Should().OnlyContain(v => Math.Abs(v - 1.0) < 4);
    }

    [Fact]
    public void GradientsOfLogProbMatchFiniteDifferences()
    {
        double[] logits = [0.3, -0.4, 1.0, 0.2], loc = [-0.2, 1.0, -2.0, 3.0], scale = [0.3, 0.5, 1.0, 0.7], x = [0.1, -1.0, 2.0, 0.5, 4.0, -3.0];
        GradCheck.Check(
            t => GradCheck.Project(new MixtureSameFamily(Categorical.FromLogits(t[0]), new Normal(t[1], t[2])).LogProb(t[3])),
            [logits, loc, scale, x], [[2, 2], [2, 2], [2, 2], [3, 2]]);
        GradCheck.Check(
            t => GradCheck.Project(new MixtureSameFamily(Categorical.FromLogits(t[0]), new Normal(t[1], t[2])).Variance),
            [logits, loc, scale], [[2, 2], [2, 2], [2, 2]]);

        double[] mvnLoc = [-1.0, 0.5, 2.0, 1.0], tril = [1.0, 0, 0.5, 0.7, 0.4, 0, -0.2, 1.2], y = [0.0, 0.0, 1.0, -1.0, 3.0, 2.0];
        GradCheck.Check(
            t => GradCheck.Project(new MixtureSameFamily(Categorical.FromLogits(t[0]), MultivariateNormal.FromScaleTril(t[1], t[2].Tril())).LogProb(t[3])),
            [[0.1, -0.3], mvnLoc, tril, y], [[2], [2, 2], [2, 2, 2], [3, 2]]);
    }

    [Fact]
    public void MismatchedShapesAreRejected()
    {
        var normal = new Normal(Tensor.Matrix(Locs), Tensor.Matrix(Scales));
        var count = () => new MixtureSameFamily(new Categorical(Tensor.Vector(0.2, 0.3, 0.5)), new Normal(Tensor.Vector(0.0, 1.0), 1.0));
        count.Should().Throw<ArgumentException>().Where(e => e.ParamName == "mixture")
            .WithMessage("MixtureSameFamily: mixture with batch shape [] and 3 categories does not fit components with batch shape [2]*");
        var batch = () => new MixtureSameFamily(new Categorical(Tensor.Vector(0.5, 0.5)), normal);
        batch.Should().Throw<ArgumentException>().Where(e => e.ParamName == "mixture").WithMessage("*expected batch [2] and 2 categories*");
        var scalar = () => new MixtureSameFamily(new Categorical(Tensor.Vector(1.0)), new Normal(0.0, 1.0));
        scalar.Should().Throw<ArgumentException>().Where(e => e.ParamName == "components");
    }
}
