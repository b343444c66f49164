using KlDivergence.Divergences.ClosedForms;
using KlDivergence.Tensors;

namespace KlDivergence.Tests.Divergences.ClosedForms;

/// <summary>
/// The element-wise op behind the closed forms' scale and gamma-function terms computes a partial derivative only for
/// an input that needs a gradient (ψ(b) - ψ(a) for a prior's fixed concentration cost as much as the value), and each
/// partial it computes is the one worked here.
/// </summary>
public class ScaleRatioBinaryTests
{
    [Theory]
    [InlineData(true, true)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public void OnlyTheInputsThatNeedAGradientGetTheirPartial(bool tracksA, bool tracksB)
    {
        var a = Tensor.FromArray([1.5, 2.0, 3.0], [3], requiresGrad: tracksA);
        var b = Tensor.FromArray([0.5], [1], requiresGrad: tracksB);
        int callsA = 0, callsB = 0;
        var y = ScaleRatio.Binary(
            a,
            b,
            static (x, z) => x * z * z,
            (_, z) => { callsA++; return z * z; },
            (x, z) => { callsB++; return 2 * x * z; });
        y.ToArray().Should().Equal(1.5 * 0.25, 2.0 * 0.25, 3.0 * 0.25);
        (y * Tensor.FromArray([1.0, 2.0, 3.0], [3])).Sum().Backward();

        callsA.Should().Be(tracksA ? 3 : 0);
        callsB.Should().Be(tracksB ? 3 : 0);
        if (tracksA)
        {
            a.Grad!.ToArray().Should().Equal(0.25, 0.5, 0.75);
        }

        if (tracksB)
        {
            // Σᵢ gᵢ · 2 aᵢ b = 2 · 0.5 · (1.5 + 4 + 9).
            b.Grad!.ToArray().Should().Equal(14.5);
        }
    }
}
