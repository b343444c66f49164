using KlDivergence.Tensors;

namespace KlDivergence.Tests.Tensors;

/// <summary>The blocked Cholesky factorisation and triangular solve against the unblocked definitions, written here.</summary>
public class BlockedFactorizationTests
{
    /// <summary>A = M Mᵀ + n I for a fixed M: symmetric positive definite with a modest condition number.</summary>
    private static double[] Spd(int n, int seed)
    {
        var m = GradCheck.RandomValues(n * n, seed);
        var a = new double[n * n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double s = i == j ? n : 0;
                for (int p = 0; p < n; p++)
                {
                    s += m[(i * n) + p] * m[(j * n) + p];
                }

                a[(i * n) + j] = s;
            }
        }

        return a;
    }

    [Fact]
    public void SmallOrdersGiveTheBlockedKernelsBitsAndItsPivotErrors()
    {
        // Up to order 4 the factorisation takes a plain loop nest; the blocked kernel is its reference, bit for bit,
        // on well-conditioned, badly scaled and nearly singular matrices, and in what it reports for a bad pivot.
        for (int n = 1; n <= LinearAlgebraOps.SmallCholesky; n++)
        {
            var cases = new List<double[]> { Spd(n, 200 + n), Spd(n, 300 + n).Select(v => v * 1e-150).ToArray() };
            var nearlySingular = Spd(n, 400 + n);
            nearlySingular[0] += 1e6;
            cases.Add(nearlySingular);
            foreach (var a in cases)
            {
                var small = Enumerable.Repeat(double.NaN, n * n).ToArray();
                var blocked = new double[n * n];
                LinearAlgebraOps.CholeskySmall(a, small, n, 0);
                LinearAlgebraOps.CholeskyBlocked(a, blocked, n, 0);
                small.Should().Equal(blocked, "order {0}", n);
            }

            var indefinite = Spd(n, 500 + n);
            indefinite[((n - 1) * n) + n - 1] = -1;
            int order = n;
            Action smallCall = () => LinearAlgebraOps.CholeskySmall(indefinite, new double[order * order], order, 3);
            Action blockedCall = () => LinearAlgebraOps.CholeskyBlocked(indefinite, new double[order * order], order, 3);
            var smallError = smallCall.Should().Throw<NotPositiveDefiniteException>().Which;
            var blockedError = blockedCall.Should().Throw<NotPositiveDefiniteException>().Which;
            smallError.Pivot.Should().Be(blockedError.Pivot);
            smallError.PivotValue.Should().Be(blockedError.PivotValue);
            smallError.BatchIndex.Should().Be(3);
        }
    }

    [Fact]
    public void SmallSolvesGiveTheBlockedKernelsBitsInEveryOrientation()
    {
        // Up to order 4 (and 4 right-hand sides) a triangular solve takes a plain loop nest; the blocked kernel is its
        // reference, bit for bit, for lower and upper factors read as they are and transposed, with zeros below the
        // diagonal skipped alike, in place and not.
        for (int n = 1; n <= LinearAlgebraOps.SmallCholesky; n++)
        {
            for (int m = 1; m <= LinearAlgebraOps.SmallCholesky; m++)
            {
                var factor = GradCheck.RandomValues(n * n, 600 + (10 * n) + m, -2, 2);
                factor[0] = 0.3;
                if (n > 2)
                {
                    factor[(2 * n) + 1] = 0;
                    factor[n + 2] = 0;
                }

                var rhs = GradCheck.RandomValues(n * m, 700 + (10 * n) + m, -3, 3);
                foreach (bool lower in new[] { true, false })
                {
                    foreach (bool transpose in new[] { true, false })
                    {
                        var small = new double[n * m];
                        var blocked = new double[n * m];
                        LinearAlgebraOps.SolveSmall(factor, rhs, small, n, m, lower, transpose);
                        LinearAlgebraOps.SolveBlocked(factor, rhs, blocked, n, m, lower, transpose);
                        small.Should().Equal(blocked, "n = {0}, m = {1}, lower {2}, transposed {3}", n, m, lower, transpose);

                        var inPlace = (double[])rhs.Clone();
                        LinearAlgebraOps.SolveSmall(factor, inPlace, inPlace, n, m, lower, transpose);
                        inPlace.Should().Equal(blocked);
                    }
                }
            }
        }
    }

    /// <summary>The Cholesky–Banachiewicz recurrence, element by element.</summary>
    private static double[] Unblocked(double[] a, int n)
    {
        var l = new double[n * n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j <= i; j++)
            {
                double s = a[(i * n) + j];
                for (int p = 0; p < j; p++)
                {
                    s -= l[(i * n) + p] * l[(j * n) + p];
                }

                l[(i * n) + j] = i == j ? Math.Sqrt(s) : s / l[(j * n) + j];
            }
        }

        return l;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(64)]
    [InlineData(65)]
    [InlineData(150)]
    public void CholeskyAgreesWithTheUnblockedRecurrenceAndReproducesA(int n)
    {
        var a = Spd(n, n);
        var l = Tensor.FromArray(a, [n, n]).Cholesky().ToArray();
        var reference = Unblocked(a, n);

        // Both are backward stable (Higham 2002, thm. 10.3): entries agree to a few hundred ulps of the scale √n.
        double scale = Math.Sqrt(n * (n + 1.0));
        for (int i = 0; i < n * n; i++)
        {
            Math.Abs(l[i] - reference[i]).Should().BeLessThan(1e-12 * scale, $"entry {i}");
            if (i % n > i / n)
            {
                l[i].Should().Be(0, "the upper triangle is zero");
            }
        }

        // L Lᵀ = A within (n + 1) u |L||Lᵀ| (Higham thm. 10.3), |L||Lᵀ| ≤ n max|A| here; a factor 4 of slack.
        double maxA = a.Max(Math.Abs);
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j <= i; j++)
            {
                double s = 0;
                for (int p = 0; p <= j; p++)
                {
                    s += l[(i * n) + p] * l[(j * n) + p];
                }

                Math.Abs(s - a[(i * n) + j]).Should().BeLessThan(4 * (n + 1) * 1.12e-16 * n * maxA, $"(L Lᵀ)[{i}, {j}]");
            }
        }
    }

    [Fact]
    public void CholeskyBeyondTheFirstBlockStillNamesTheFailingPivot()
    {
        // A positive definite leading 100 x 100 block, then a row that makes the Schur complement at pivot 100 negative.
        int n = 101;
        var a = new double[n * n];
        for (int i = 0; i < 100; i++)
        {
            a[(i * n) + i] = 1;
        }

        a[(100 * n) + 5] = 1;
        a[(5 * n) + 100] = 1;
        a[(100 * n) + 100] = 0.5; // 0.5 - 1² < 0
        var act = () => Tensor.FromArray(a, [n, n]).Cholesky();
        act.Should().Throw<NotPositiveDefiniteException>().Where(e => e.Pivot == 100);
    }

    [Theory]
    [InlineData(true, false, 1)]
    [InlineData(true, true, 3)]
    [InlineData(false, false, 2)]
    [InlineData(false, true, 1)]
    [InlineData(true, false, 70)]
    public void TriangularSolveAgreesWithSubstitution(bool lower, bool transpose, int m)
    {
        int n = 150;
        var l = Unblocked(Spd(n, 3), n);
        var a = new double[n * n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                // The triangle asked for (the upper one is Lᵀ); the other triangle holds junk that must be ignored.
                bool inside = lower ? j <= i : j >= i;
                a[(i * n) + j] = inside ? (lower ? l[(i * n) + j] : l[(j * n) + i]) : 1e3;
            }
        }

        var b = GradCheck.RandomValues(n * m, 4);
        var x = LinearAlgebraOps.TriangularSolve(Tensor.FromArray(a, [n, n]), Tensor.FromArray(b, [n, m]), lower, transpose).ToArray();

        // Substitution in the order op(A) allows, element by element.
        double Op(int i, int j) => transpose ? a[(j * n) + i] : a[(i * n) + j];
        bool forward = lower != transpose;
        var expected = new double[n * m];
        for (int col = 0; col < m; col++)
        {
            for (int step = 0; step < n; step++)
            {
                int i = forward ? step : n - 1 - step;
                double s = b[(i * m) + col];
                for (int step2 = 0; step2 < step; step2++)
                {
                    int j = forward ? step2 : n - 1 - step2;
                    s -= Op(i, j) * expected[(j * m) + col];
                }

                expected[(i * m) + col] = s / Op(i, i);
            }
        }

        for (int i = 0; i < n * m; i++)
        {
            Math.Abs(x[i] - expected[i]).Should().BeLessThan(1e-12 * Math.Max(1, Math.Abs(expected[i])), $"entry {i}");
        }
    }

    [Fact]
    public void BlockedFactorAndSolveAreBitIdenticalForOneTwoAndEightWorkers()
    {
        int n = 260;
        var a = Tensor.FromArray(Spd(n, 5), [n, n]);
        var b = Tensor.FromArray(GradCheck.RandomValues(n * 200, 6), [n, 200]);
        var runs = new List<(double[] L, double[] X)>();
        foreach (int workers in Workers.Counts)
        {
            Workers.With(workers, () =>
            {
                var l = a.Cholesky();
                runs.Add((l.ToArray(), LinearAlgebraOps.TriangularSolve(l, b).ToArray()));
            });
        }

        runs[1].L.Should().Equal(runs[0].L);
        runs[2].L.Should().Equal(runs[0].L);
        runs[1].X.Should().Equal(runs[0].X);
        runs[2].X.Should().Equal(runs[0].X);
    }
}
