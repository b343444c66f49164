using KlDivergence.Tensors;

namespace KlDivergence.Tests.Tensors;

/// <summary>
/// Backward passes reuse one set of collections per thread: a pass that fails part-way, or one run inside another
/// pass's rule, must leave later passes' gradients right (worked by hand: d/dx Σ x² = 2x, d/dx Σ 3x = 3).
/// </summary>
public class BackwardWorkspaceTests
{
    /// <summary>y = x element-wise; its backward pass throws, or first runs a whole pass of its own, as asked.</summary>
    private sealed class Probe(Func<bool> fail, Action? inner) : CustomOp("probe", 1)
    {
        public override void Forward(in CustomOpBlock block, Span<double> output) => block.Input(0).CopyTo(output);

        public override void Backward(in CustomOpBlock block, ReadOnlySpan<double> output, ReadOnlySpan<double> outputGradient)
        {
            if (fail())
            {
                throw new InvalidOperationException("probe failure");
            }

            inner?.Invoke();
            outputGradient.CopyTo(block.Gradient(0));
        }
    }

    [Fact]
    public void APassThatFailsPartWayLeavesTheNextPassRight()
    {
        bool fail = true;
        var op = new Probe(() => fail, null);
        double[] v = [0.5, -1.5, 2.0];
        var x = Tensor.FromArray(v, [3], requiresGrad: true);
        var loss = (op.Apply(x).Square() + (x * 3.0)).Sum();
        FluentActions.Invoking(() => loss.Backward()).Should().Throw<InvalidOperationException>().WithMessage("probe failure");

        fail = false;
        var x2 = Tensor.FromArray(v, [3], requiresGrad: true);
        (op.Apply(x2).Square() + (x2 * 3.0)).Sum().Backward();
        x2.Grad!.Values.ToArray().Should().Equal(v.Select(e => (2 * e) + 3));
    }

    [Fact]
    public void APassRunInsideAnotherPassesRuleGivesBothTheirGradients()
    {
        double[] v = [0.5, -1.5, 2.0];
        double[] w = [4.0, -0.25];
        var inner = Tensor.FromArray(w, [2], requiresGrad: true);
        // Rules run with recording off, so the inner graph is built first and only differentiated inside the rule.
        var innerLoss = inner.Square().Sum();
        var op = new Probe(() => false, innerLoss.Backward);
        var x = Tensor.FromArray(v, [3], requiresGrad: true);
        (op.Apply(x).Square() + (x * 3.0)).Sum().Backward();
        x.Grad!.Values.ToArray().Should().Equal(v.Select(e => (2 * e) + 3));
        inner.Grad!.Values.ToArray().Should().Equal(w.Select(e => 2 * e));
    }
}
