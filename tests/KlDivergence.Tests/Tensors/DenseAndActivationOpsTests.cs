using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Tests.Tensors;

/// <summary>The dense layer and the activations against values and gradients written out in the test (central differences).</summary>
public class DenseAndActivationOpsTests
{
    private static double[] Draw(int n, ulong seed)
    {
        var v = new double[n];
        new RandomStream(seed).FillStandardNormal(v);
        return v;
    }

    [Fact]
    public void DenseIsXTimesWPlusBWithItsGradients()
    {
        double[] x = Draw(3 * 4, 1), w = Draw(4 * 5, 2), b = Draw(5, 3), seed = Draw(3 * 5, 4);
        var xt = Tensor.FromArray(x, [3, 4], requiresGrad: true);
        var wt = Tensor.FromArray(w, [4, 5], requiresGrad: true);
        var bt = Tensor.FromArray(b, [5], requiresGrad: true);
        var y = xt.Dense(wt, bt);

        // Loss Σ seed ⊙ (xW + b), computed in plain loops.
        double Loss(double[] xv, double[] wv, double[] bv)
        {
            double total = 0;
            for (int i = 0; i < 3; i++)
            {
                for (int j = 0; j < 5; j++)
                {
                    double yij = bv[j];
                    for (int k = 0; k < 4; k++)
                    {
                        yij += xv[(i * 4) + k] * wv[(k * 5) + j];
                    }

                    total += seed[(i * 5) + j] * yij;
                }
            }

            return total;
        }

        (y * Tensor.FromArray(seed, [3, 5])).Sum().Backward();
        for (int i = 0; i < 3; i++)
        {
            for (int j = 0; j < 5; j++)
            {
                double expected = b[j] + Enumerable.Range(0, 4).Sum(k => x[(i * 4) + k] * w[(k * 5) + j]);
                y[i, j].Should().BeApproximately(expected, 1e-12);
            }
        }

        foreach (var (values, grad) in new[] { (x, xt.Grad!), (w, wt.Grad!), (b, bt.Grad!) })
        {
            for (int i = 0; i < values.Length; i++)
            {
                const double h = 1e-6;
                double keep = values[i];
                values[i] = keep + h;
                double plus = Loss((double[])x.Clone(), (double[])w.Clone(), (double[])b.Clone());
                values[i] = keep - h;
                double minus = Loss((double[])x.Clone(), (double[])w.Clone(), (double[])b.Clone());
                values[i] = keep;
                grad.Values[i].Should().BeApproximately((plus - minus) / (2 * h), 1e-7);
            }
        }
    }

    [Fact]
    public void DenseRejectsMismatchedShapesByName()
    {
        FluentActions.Invoking(() => Tensor.Zeros(2, 3).Dense(Tensor.Zeros(4, 5), Tensor.Zeros(5)))
            .Should().Throw<ArgumentException>().WithParameterName("x").WithMessage("*[2, 3]*[4, 5]*");
    }

    [Theory]
    [InlineData("relu")]
    [InlineData("elu")]
    public void ActivationsMatchTheirDefinitionsAndDerivatives(string kind)
    {
        double[] points = [-3, -0.5, -1e-9, 0.25, 2];
        Func<double, double> f = kind == "relu" ? v => Math.Max(v, 0) : v => v > 0 ? v : Math.Exp(v) - 1;
        var x = Tensor.FromArray(points, [points.Length], requiresGrad: true);
        var y = kind == "relu" ? x.Relu() : x.Elu();
        y.Sum().Backward();
        for (int i = 0; i < points.Length; i++)
        {
            y.Values[i].Should().BeApproximately(f(points[i]), 1e-15);
            const double h = 1e-7;
            double fd = (f(points[i] + h) - f(points[i] - h)) / (2 * h);
            if (Math.Abs(points[i]) > 1e-6)
            {
                x.Grad!.Values[i].Should().BeApproximately(fd, 1e-6);
            }
        }
    }
}
