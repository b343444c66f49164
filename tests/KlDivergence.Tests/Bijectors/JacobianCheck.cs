using KlDivergence.Tensors;
using MathNet.Numerics.LinearAlgebra;

namespace KlDivergence.Tests.Bijectors;

/// <summary>
/// log |det J| of a map ℝⁿ → ℝⁿ by central finite differences (step h, error O(h²)), computed independently of the
/// bijectors' own log-determinants: the map is the bijector's Forward followed by a choice of n free output coordinates.
/// </summary>
internal static class JacobianCheck
{
    public static double LogAbsDet(Func<double[], double[]> map, double[] x, double step = 1e-5)
    {
        int n = x.Length;
        var j = Matrix<double>.Build.Dense(n, n);
        for (int c = 0; c < n; c++)
        {
            var plus = (double[])x.Clone();
            var minus = (double[])x.Clone();
            plus[c] += step;
            minus[c] -= step;
            var fp = map(plus);
            var fm = map(minus);
            fp.Length.Should().Be(n, "the free coordinates must number as many as the inputs");
            for (int r = 0; r < n; r++)
            {
                j[r, c] = (fp[r] - fm[r]) / (2 * step);
            }
        }

        return Math.Log(Math.Abs(j.Determinant()));
    }

    /// <summary>The strictly-lower-triangular entries of a d×d row-major matrix, row by row.</summary>
    public static double[] StrictLower(double[] m, int d) =>
        [.. from i in Enumerable.Range(0, d) from k in Enumerable.Range(0, i) select m[(i * d) + k]];

    /// <summary>The lower-triangular entries (with the diagonal) of a d×d row-major matrix, row by row.</summary>
    public static double[] Lower(double[] m, int d) =>
        [.. from i in Enumerable.Range(0, d) from k in Enumerable.Range(0, i + 1) select m[(i * d) + k]];

    public static double[] Apply(Func<Tensor, Tensor> f, double[] x)
    {
        using var scope = Tensor.NoGrad();
        return f(Tensor.FromArray(x, [x.Length])).ToArray();
    }
}
