using KlDivergence.Distributions;
using KlDivergence.Inference;
using KlDivergence.Optimization;
using KlDivergence.Tensors;

namespace KlDivergence.Tests.Inference;

/// <summary>Fits return their posterior with its type, report the ELBO's standard error, and keep what was done when cancelled.</summary>
public class TypedPosteriorTests
{
    /// <summary>log N(z; m, S) up to a constant for a fixed 2-D Gaussian target, m = (1, -2), S = [[1, 0.6], [0.6, 2]].</summary>
    private static Tensor LogTarget(Tensor z)
    {
        // S⁻¹ = [[2, -0.6], [-0.6, 1]] / 1.64.
        var d0 = z.Narrow(-1, 0, 1).Squeeze(-1) - 1.0;
        var d1 = z.Narrow(-1, 1, 1).Squeeze(-1) + 2.0;
        return ((d0.Square() * 2.0) - (d0 * d1 * 1.2) + d1.Square()) * (-0.5 / 1.64);
    }

    [Fact]
    public void AFullRankFitReturnsAMultivariateNormalWithMeanAndCovariance()
    {
        var fit = VariationalInference.Fit(
            LogTarget, new FullRankNormal(2), new MinimizeOptions(Optimizers.Adam(0.05)) { MaxSteps = 1500 }, sampleCount: 50, seed: 3,
            gradient: ElboGradient.StickingTheLanding);
        MultivariateNormal posterior = fit.Posterior;
        VariationalFit untyped = fit;
        untyped.Posterior.Should().BeSameAs(posterior);

        // A Gaussian target is in the family: q converges to it (sticking the landing has zero variance at the optimum).
        posterior.Mean.ToArray().Should().Equal(new[] { 1.0, -2.0 }, (a, b) => Math.Abs(a - b) < 0.02);
        posterior.CovarianceMatrix.ToArray().Should().Equal(new[] { 1.0, 0.6, 0.6, 2.0 }, (a, b) => Math.Abs(a - b) < 0.05);
        fit.ToString().Should().Contain("MultivariateNormal(").And.Contain("MinimizeTrace(steps: 1500");
    }

    [Fact]
    public void AMeanFieldFitReturnsAMultivariateNormalDiag()
    {
        var fit = VariationalInference.Fit(LogTarget, new MeanFieldNormal(2), new MinimizeOptions(Optimizers.Adam(0.05)) { MaxSteps = 10 }, sampleCount: 20, seed: 4);
        MultivariateNormalDiag posterior = fit.Posterior;
        posterior.ScaleDiag.Shape.Should().Equal(2);
    }

    [Fact]
    public void ElboProgressCarriesTheStandardErrorOfEachStep()
    {
        // The reported standard error is the ELBO estimator's: recompute it from the same seed's first step.
        var seen = new List<MinimizeProgress>();
        var surrogate = new MeanFieldNormal(2);
        var first = Elbo.Estimate(LogTarget, new MeanFieldNormal(2), 64, new KlDivergence.Random.RandomStream(5UL));
        VariationalInference.Fit(LogTarget, surrogate, new MinimizeOptions(Optimizers.Adam(0.01)) { MaxSteps = 3, Callback = seen.Add }, sampleCount: 64, seed: 5);
        seen.Should().HaveCount(3);
        seen[0].LossStandardError.Should().BeApproximately(first.StandardError, 1e-12);
        seen[0].Loss.Should().BeApproximately(-first.Value.ToScalar(), 1e-12);
        seen.Should().OnlyContain(p => p.LossStandardError > 0 && double.IsFinite(p.GradientNorm) && p.GradientNorm > 0);

        var reported = new List<MinimizeProgress>();
        VariationalInference.Fit(LogTarget, new MeanFieldNormal(2), new MinimizeOptions(Optimizers.Adam(0.01)) { MaxSteps = 3, Progress = new Collect(reported) }, sampleCount: 64, seed: 5);
        reported.Select(p => p.LossStandardError).Should().Equal(seen.Select(p => p.LossStandardError));
    }

    [Fact]
    public void ACancelledFitCarriesTheTraceAndThePosteriorReached()
    {
        using var cts = new CancellationTokenSource();
        var surrogate = new FullRankNormal(2);
        var act = () => VariationalInference.Fit(
            LogTarget, surrogate, new MinimizeOptions(Optimizers.Adam(0.05)) { MaxSteps = int.MaxValue, CancellationToken = cts.Token, Callback = p => { if (p.Step == 9) { cts.Cancel(); } } },
            sampleCount: 10, seed: 6);
        var thrown = act.Should().Throw<MinimizeCanceledException>().Which;
        thrown.Trace!.Steps.Should().Be(10);
        thrown.Trace.WasCanceled.Should().BeTrue();
        var posterior = thrown.Posterior.Should().BeOfType<MultivariateNormal>().Subject;
        posterior.Mean.ToArray().Should().Equal(surrogate.Loc.ToArray());
        posterior.Mean.ToArray().Should().NotEqual(new[] { 0.0, 0.0 }, "ten Adam steps moved the mean");
    }

    private sealed class Collect(List<MinimizeProgress> into) : IProgress<MinimizeProgress>
    {
        public void Report(MinimizeProgress value) => into.Add(value);
    }
}
