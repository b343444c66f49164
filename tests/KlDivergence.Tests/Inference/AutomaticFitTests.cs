using KlDivergence.Inference;

namespace KlDivergence.Tests.Inference;

/// <summary>AutomaticFit's reproducibility and argument checks (its accuracy is tested in PathfinderTests and measured on posteriordb).</summary>
public class AutomaticFitTests
{
    private static readonly Func<KlDivergence.Tensors.Tensor, KlDivergence.Tensors.Tensor> Target =
        LaplaceApproximationTests.Gaussian([0.5, -1.0], new double[,] { { 2.0, 0.9 }, { 0.9, 1.0 } });

    [Fact]
    public void TheSameSeedGivesTheSameDrawsForAnyWorkerCount()
    {
        var one = AutomaticFit.Fit(Target, 2, new AutomaticFitOptions { Seed = 5, Pathfinder = new PathfinderOptions { MaxDegreeOfParallelism = 1 } });
        var many = AutomaticFit.Fit(Target, 2, new AutomaticFitOptions { Seed = 5, Pathfinder = new PathfinderOptions { MaxDegreeOfParallelism = 4 } });
        var other = AutomaticFit.Fit(Target, 2, new AutomaticFitOptions { Seed = 6 });
        one.Draws.ToArray().Should().Equal(many.Draws.ToArray());
        one.Diagnostics.GradientEvaluations.Should().Be(many.Diagnostics.GradientEvaluations);
        one.Draws.ToArray().Should().NotEqual(other.Draws.ToArray());
        one.Diagnostics.GradientEvaluations.Should().BeGreaterThan(one.RefinementSteps * 16, "the refinement's 16 draws per step and Pathfinder's evaluations are all counted");
    }

    [Fact]
    public void BadOptionsAreRefusedByName()
    {
        var act = () => AutomaticFit.Fit(Target, 2, new AutomaticFitOptions { InitialLearningRate = double.NaN });
        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("InitialLearningRate");
        var draws = () => AutomaticFit.Fit(Target, 2, new AutomaticFitOptions { CheckDraws = 1 });
        draws.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("CheckDraws");
    }
}
