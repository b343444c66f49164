using KlDivergence.Optimization;

namespace KlDivergence.Tests.Optimization;

public class ChainTests
{
    private static double[] Run(Chain transformation, double[] gradient)
    {
        double[][] theta = [new double[gradient.Length]];
        double[][] u = [(double[])gradient.Clone()];
        transformation.Update(u, transformation.Init(theta), theta);
        return u[0];
    }

    [Fact]
    public void OrderOfClipAndScaleMatters()
    {
        double[] g = [3.0, -0.2];

        // clip then scale: (1, −0.2) · −0.5 = (−0.5, 0.1)
        Run(new Chain(new ClipByValue(1.0), new ScaleByLearningRate(0.5)), g).Should().Equal(-0.5, 0.1);

        // scale then clip: (−1.5, 0.1) clipped = (−1, 0.1)
        Run(new Chain(new ScaleByLearningRate(0.5), new ClipByValue(1.0)), g).Should().Equal(-1.0, 0.1);
    }

    [Fact]
    public void ClippingGradientsBeforeAdamDiffersFromClippingAfter()
    {
        double[] g = [30.0, 40.0];

        // Before: the gradient (0.6, 0.8) enters Adam, whose first step is sign(g)·|g|/(|g| + ε) ≈ (1, 1).
        var before = Run(new Chain(new ClipByGlobalNorm(1.0), new ScaleByAdam()), g);
        before[0].Should().BeApproximately(0.6 / (0.6 + 1e-8), 1e-15);
        before[1].Should().BeApproximately(0.8 / (0.8 + 1e-8), 1e-15);

        // After: Adam's ≈ (1, 1) is clipped to norm 1, ≈ (1, 1)/√2.
        var after = Run(new Chain(new ScaleByAdam(), new ClipByGlobalNorm(1.0)), g);
        after[0].Should().BeApproximately(1 / Math.Sqrt(2), 1e-8);
        after[1].Should().BeApproximately(1 / Math.Sqrt(2), 1e-8);
    }

    [Fact]
    public void EmptyChainIsIdentity()
    {
        Run(new Chain(), [1.5, -2.0]).Should().Equal(1.5, -2.0);
    }

    [Fact]
    public void ChainStateHoldsOneStatePerTransformation()
    {
        var chain = Optimizers.AdamW(0.1);
        var state = (ChainState)chain.Init([[1.0]]);
        state.Inner.Should().HaveCount(3);
        state.Inner[0].Should().BeOfType<ScaleByAdamState>();
        state.Inner[1].Should().BeSameAs(EmptyState.Instance);
        state.Inner[2].Should().BeOfType<StepCountState>();
    }
}
