using KlDivergence.Tensors;
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
    public void ReuseIntermediatesOffKeepsWhatTheLogDensityKeptAndChangesNoResult()
    {
        // An intermediate kept by the log-density (20 values: pooled) expires with its evaluation by default; with
        // ReuseIntermediates off (Pathfinder, refinement, diagnostics alike) it keeps its values, and the fit is the same.
        var weights = KlDivergence.Tensors.Tensor.FromArray([.. Enumerable.Range(0, 70).Select(i => 0.01 * i)], [70]);
        KlDivergence.Tensors.Tensor? kept = null;
        KlDivergence.Tensors.Tensor Keeping(KlDivergence.Tensors.Tensor z)
        {
            var value = Target(z);
            var product = value.Unsqueeze(1) * weights;
            if (product.RequiresGrad)
            {
                // Kept from evaluations with a gradient only: those are the ones whose memory is reused.
                kept = product;
            }

            return value + (product.Sum(1) * 0.0);
        }

        var on = AutomaticFit.Fit(Keeping, 2, new AutomaticFitOptions { Seed = 3, MaxSteps = 300 });
        var read = () => kept!.ToArray();
        read.Should().Throw<InvalidOperationException>().WithMessage("*Clone()*ReuseIntermediates*");

        var off = AutomaticFit.Fit(Keeping, 2, new AutomaticFitOptions { Seed = 3, MaxSteps = 300, ReuseIntermediates = false });
        kept!.ToArray().Should().HaveCount(kept.Length);
        off.Draws.ToArray().Should().Equal(on.Draws.ToArray());
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
