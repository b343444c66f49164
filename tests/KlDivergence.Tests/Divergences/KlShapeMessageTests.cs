using KlDivergence.Distributions;
using KlDivergence.Divergences;
using KlDivergence.Tensors;

namespace KlDivergence.Tests.Divergences;

public class KlShapeMessageTests
{
    [Fact]
    public void BatchShapesThatDoNotBroadcastNameBothDistributions()
    {
        var p = new Normal(Tensor.Vector(0, 0), 1);
        var q = new Normal(Tensor.Vector(0, 0, 0), 1);
        var act = () => Kl.Divergence(p, q);

        // The old message only said "Shapes [1, 2] and [3] cannot be broadcast together".
        act.Should().Throw<ArgumentException>().Where(e => e.Message.Contains("p (Normal) has batch shape [2]") && e.Message.Contains("q (Normal) has [3]"));
        FluentActions.Invoking(() => Kl.Exact(p, q)).Should().Throw<ArgumentException>().WithMessage("*p (Normal) has batch shape [2]*");
    }

    [Fact]
    public void BatchShapesThatBroadcastAreStillAccepted()
    {
        // KL(N(0, 1) ‖ N(1, 1)) = ½ (μ₁ - μ₂)² = ½ for unit scales, broadcast over q's batch of 3.
        var kl = Kl.Divergence(new Normal(0, 1), new Normal(Tensor.Vector(1, 1, 1), 1)).Value;
        kl.ToArray().Should().AllSatisfy(v => v.Should().BeApproximately(0.5, 1e-12));
    }
}
