using KlDivergence.Tensors;

namespace KlDivergence.Tests.Tensors;

/// <summary>The matrix-product kernel against the defining triple loop, written here, for every path and flag.</summary>
public class GemmTests
{
    /// <summary>C = β C + α Σₚ op(A)[i, p] op(B)[p, j] by the definition.</summary>
    /// <remarks><paramref name="bound"/> gets, per entry, the rounding bound (k + 2) u (|α| Σ|aᵢₚ bₚⱼ| + |cᵢⱼ|) of any
    /// summation order (Higham, Accuracy and Stability of Numerical Algorithms, 2nd ed., eq. 3.5), doubled for safety.</remarks>
    private static double[] Reference(double[] a, int lda, bool transA, double[] b, int ldb, bool transB, double[] c, int ldc, int m, int n, int k, double alpha, bool accumulate, out double[] bound)
    {
        var result = (double[])c.Clone();
        bound = new double[c.Length];
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double s = 0, absolute = 0;
                for (int p = 0; p < k; p++)
                {
                    double product = (transA ? a[(p * lda) + i] : a[(i * lda) + p]) * (transB ? b[(j * ldb) + p] : b[(p * ldb) + j]);
                    s += product;
                    absolute += Math.Abs(product);
                }

                double before = accumulate ? result[(i * ldc) + j] : 0;
                result[(i * ldc) + j] = before + (alpha * s);
                bound[(i * ldc) + j] = 2 * (k + 2) * 1.12e-16 * ((Math.Abs(alpha) * absolute) + Math.Abs(before));
            }
        }

        return result;
    }

    public static TheoryData<int, int, int> Sizes() => new()
    {
        { 1, 1, 1 }, { 3, 4, 5 }, { 1, 37, 19 }, { 41, 1, 23 }, { 7, 9, 0 }, { 13, 17, 300 }, { 100, 50, 1 },
        { 97, 65, 70 }, { 200, 33, 257 }, { 6, 8, 16 }, { 250, 130, 40 },
    };

    [Theory]
    [MemberData(nameof(Sizes))]
    public void EveryPathAndFlagMatchesTheDefinition(int m, int n, int k)
    {
        foreach (bool transA in new[] { false, true })
        {
            foreach (bool transB in new[] { false, true })
            {
                foreach (bool accumulate in new[] { false, true })
                {
                    // Leading dimensions larger than the matrices, so strides are exercised too.
                    int lda = (transA ? m : k) + 3, ldb = (transB ? k : n) + 2, ldc = n + 5;
                    var a = GradCheck.RandomValues(((transA ? k : m) * lda) + 1, m + (7 * n) + k);
                    var b = GradCheck.RandomValues(((transB ? n : k) * ldb) + 1, (3 * m) + n + (5 * k));
                    var c = GradCheck.RandomValues(m * ldc, m + n + k + 11);
                    double alpha = accumulate ? -0.75 : 1.0;
                    var expected = Reference(a, lda, transA, b, ldb, transB, c, ldc, m, n, k, alpha, accumulate, out var bound);
                    var actual = (double[])c.Clone();
                    Gemm.Multiply(a, lda, transA, b, ldb, transB, actual, ldc, m, n, k, alpha, accumulate);
                    for (int i = 0; i < actual.Length; i++)
                    {
                        bool inside = (i % ldc) < n;
                        double want = inside ? expected[i] : c[i];
                        Math.Abs(actual[i] - want).Should().BeLessThanOrEqualTo(inside ? bound[i] : 0, $"m={m} n={n} k={k} transA={transA} transB={transB} accumulate={accumulate} entry {i} (padding must be untouched)");
                    }
                }
            }
        }
    }

    [Fact]
    public void LargeProductsAreBitIdenticalForOneTwoAndEightWorkers()
    {
        int m = 301, n = 203, k = 290;
        var a = GradCheck.RandomValues(m * k, 1);
        var b = GradCheck.RandomValues(k * n, 2);
        var results = new List<double[]>();
        foreach (int workers in Workers.Counts)
        {
            Workers.With(workers, () =>
            {
                var c = new double[m * n];
                Gemm.Multiply(a, k, false, b, n, false, c, n, m, n, k);
                results.Add(c);
                var ct = new double[m * n];
                Gemm.Multiply(a, m, true, b, k, true, ct, n, m, n, k);
                results.Add(ct);
            });
        }

        results[2].Should().Equal(results[0]);
        results[4].Should().Equal(results[0]);
        results[3].Should().Equal(results[1]);
        results[5].Should().Equal(results[1]);
    }
}
