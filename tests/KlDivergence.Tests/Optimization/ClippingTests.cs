using KlDivergence.Optimization;

namespace KlDivergence.Tests.Optimization;

public class ClippingTests
{
    private static double[][] Run(IGradientTransformation transformation, double[][] updates)
    {
        var state = transformation.Init(updates);
        double[][] parameters = updates.Select(u => new double[u.Length]).ToArray();
        transformation.Update(updates, state, parameters);
        return updates;
    }

    [Fact]
    public void ClipByValueClampsEachElementSymmetrically()
    {
        var u = Run(new ClipByValue(1.0), [[-3.0, -0.5, 0.0], [0.25, 1.0, 2.0]]);
        u[0].Should().Equal(-1.0, -0.5, 0.0);
        u[1].Should().Equal(0.25, 1.0, 1.0);
    }

    [Fact]
    public void ClipByValueClampsToAnAsymmetricInterval()
    {
        var u = Run(new ClipByValue(-0.1, 2.0), [[-3.0, 0.05, 5.0]]);
        u[0].Should().Equal(-0.1, 0.05, 2.0);
    }

    [Fact]
    public void ClipByGlobalNormRescalesAllBuffersTogether()
    {
        // ‖(3, 4, 12)‖ = 13; clipping to 6.5 halves every element.
        var u = Run(new ClipByGlobalNorm(6.5), [[3.0, 4.0], [12.0]]);
        u[0][0].Should().BeApproximately(1.5, 1e-15);
        u[0][1].Should().BeApproximately(2.0, 1e-15);
        u[1][0].Should().BeApproximately(6.0, 1e-15);
    }

    [Fact]
    public void ClipByGlobalNormLeavesSmallUpdatesUnchanged()
    {
        var u = Run(new ClipByGlobalNorm(13.0), [[3.0, -4.0], [12.0]]);
        u[0].Should().Equal(3.0, -4.0);
        u[1].Should().Equal(12.0);
    }

    [Fact]
    public void GlobalNormDoesNotOverflowForHugeFiniteElements()
    {
        // Squares of 1e200 overflow; the norm is 1e200 · √2 and the clipped vector (1, 1)/√2.
        ClipByGlobalNorm.GlobalNorm([[1e200], [1e200]]).Should().BeApproximately(Math.Sqrt(2) * 1e200, 1e186);
        var u = Run(new ClipByGlobalNorm(1.0), [[1e200], [-1e200]]);
        u[0][0].Should().BeApproximately(1 / Math.Sqrt(2), 1e-15);
        u[1][0].Should().BeApproximately(-1 / Math.Sqrt(2), 1e-15);
    }

    [Fact]
    public void GlobalNormOfEmptyBuffersIsZero()
    {
        ClipByGlobalNorm.GlobalNorm([[], []]).Should().Be(0.0);
    }
}
