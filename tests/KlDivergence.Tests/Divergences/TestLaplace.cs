using KlDivergence.Distributions;
using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Tests.Divergences;

/// <summary>
/// A family the library registers no KL for, defined in the test: Laplace(loc, b) with
/// log p(x) = -|x - loc|/b - log 2b, sampled by the inverse CDF. Used to reach the estimating paths.
/// </summary>
internal sealed class TestLaplace(double loc, double b) : Distribution([], [])
{
    public override Tensor Mean => loc;

    public override Tensor Variance => 2 * b * b;

    public override bool HasReparameterizedSample => true;

    public override Tensor LogProb(Tensor value) => ((value - loc).Abs() * (-1 / b)) - Math.Log(2 * b);

    protected override Tensor SampleCore(int count, RandomStream random)
    {
        var u = new double[count];
        for (int i = 0; i < count; i++)
        {
            double v = random.NextOpenDouble() - 0.5;
            u[i] = loc - (b * Math.Sign(v) * Math.Log(1 - (2 * Math.Abs(v))));
        }

        return Tensor.FromArray(u, [count]);
    }
}
