using KlDivergence.Distributions;
using KlDivergence.Inference;
using KlDivergence.Optimization;
using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Tests.Inference;

public class VariationalInferenceSafetyTests
{
    /// <summary>log N(z; μ, 1) up to a constant, summed over the event dimension: a target with a known answer.</summary>
    private static Func<Tensor, Tensor> NormalTarget(double mu) => z => ((z - mu).Square() * -0.5).Sum(1);

    [Fact]
    public void FittingTheSameSurrogateAgainLeavesTheFirstPosteriorAndItsSamplesUnchanged()
    {
        var surrogate = new FullRankNormal(2);
        var options = new MinimizeOptions(Optimizers.Adam(0.05)) { MaxSteps = 400 };
        var first = VariationalInference.Fit(NormalTarget(5), surrogate, options, sampleCount: 50, seed: 1);
        var q1 = (MultivariateNormal)first.Posterior;
        double[] mean = q1.Mean.ToArray();
        double[] covariance = q1.CovarianceMatrix.ToArray();
        double[] samples = q1.Sample(20, new RandomStream(7)).ToArray();

        // The first fit did reach the target N(5 · 1, I) (analytic answer: KL is zero there), within a few MC wobbles.
        mean.Should().AllSatisfy(m => m.Should().BeApproximately(5, 0.3));

        // Fitting the same surrogate object to another target must not move the posterior already handed out
        // (on the old code its mean went from about 5 to about -5).
        VariationalInference.Fit(NormalTarget(-5), surrogate, options, sampleCount: 50, seed: 2);
        q1.Mean.ToArray().Should().Equal(mean);
        q1.CovarianceMatrix.ToArray().Should().Equal(covariance);
        q1.Sample(20, new RandomStream(7)).ToArray().Should().Equal(samples);
    }

    [Fact]
    public void AMeanFieldPosteriorIsUnchangedByALaterFit()
    {
        var surrogate = new MeanFieldNormal(1);
        var options = new MinimizeOptions(Optimizers.Adam(0.05)) { MaxSteps = 300 };
        var q1 = VariationalInference.Fit(NormalTarget(3), surrogate, options, sampleCount: 50, seed: 3).Posterior;
        double[] mean = q1.Mean.ToArray();
        double[] variance = q1.Variance.ToArray();
        VariationalInference.Fit(NormalTarget(-3), surrogate, options, sampleCount: 50, seed: 4);
        q1.Mean.ToArray().Should().Equal(mean);
        q1.Variance.ToArray().Should().Equal(variance);
    }

    [Fact]
    public void ATargetComputedOutsideTheGraphIsRefused()
    {
        // log N(z; 5, 1) computed through ToArray: a correct number with no graph, so only the entropy would drive the fit
        // (on the old code: N(0, 9.6²) for the target N(5, 1), with no warning).
        Tensor Detached(Tensor z) => Tensor.Vector(z.ToArray().Select(v => -0.5 * (v - 5) * (v - 5)).ToArray());
        var act = () => VariationalInference.Fit(Detached, new MeanFieldNormal(1), new MinimizeOptions(Optimizers.Adam(0.05)) { MaxSteps = 50 });
        act.Should().Throw<InvalidOperationException>().WithMessage("*target log-density does not depend on its input*");
    }

    [Fact]
    public void OptInClippingBoundsTheFirstStep()
    {
        // A steep target, log p̃(z) = -½ 10⁶ (z - 5)²: the first gradient for the location is about 5·10⁶. With SGD(η = 0.1)
        // and the global norm clipped to 1, the location moves by at most η · 1 = 0.1 (all parameters together).
        Tensor Steep(Tensor z) => ((z - 5).Square() * -0.5e6).Sum(1);
        var surrogate = new MeanFieldNormal(1);
        var fit = VariationalInference.Fit(
            Steep, surrogate, new MinimizeOptions(Optimizers.Sgd(0.1)) { MaxSteps = 1 }, sampleCount: 10, seed: 5, maxGradientNorm: 1.0);
        double moved = fit.Trace.Snapshots[^1].Values[0][0] - fit.Trace.Snapshots[0].Values[0][0];
        moved.Should().BeGreaterThan(0).And.BeLessThanOrEqualTo(0.1 + 1e-12);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    public void ABadClippingNormIsRejected(double norm)
    {
        var act = () => VariationalInference.Fit(NormalTarget(0), new MeanFieldNormal(1), new MinimizeOptions(Optimizers.Adam(0.05)) { MaxSteps = 1 }, maxGradientNorm: norm);
        act.Should().Throw<ArgumentOutOfRangeException>().Where(e => e.ParamName == "maxGradientNorm");
    }

    [Fact]
    public void AKlFitWhoseModelIgnoresTheParametersStops()
    {
        var loc = new Parameter(Tensor.Scalar(0.0), name: "loc");

        // The model reads the parameter as a number, so no gradient can reach it.
        var act = () => KlFitting.Reverse(new Normal(5, 1), () => new Normal(loc.ToScalar(), 1), [loc], new MinimizeOptions(Optimizers.Adam(0.1)) { MaxSteps = 20 });
        act.Should().Throw<InvalidOperationException>().WithMessage("*does not depend on any of the parameters*'loc'*");
    }
}
