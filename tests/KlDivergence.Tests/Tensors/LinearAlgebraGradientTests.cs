using KlDivergence.Tensors;
using MathNet.Numerics.LinearAlgebra;

namespace KlDivergence.Tests.Tensors;

public class LinearAlgebraGradientTests
{
    [Fact]
    public void MatMulMatchesMathNetAndBroadcastsBatches()
    {
        var a = GradCheck.RandomValues(6, 1);
        var b = GradCheck.RandomValues(12, 2);
        var y = LinearAlgebraOps.MatMul(Tensor.FromArray(a, [2, 3]), Tensor.FromArray(b, [3, 4]));
        var expected = Matrix<double>.Build.DenseOfRowMajor(2, 3, a) * Matrix<double>.Build.DenseOfRowMajor(3, 4, b);
        y.Values.ToArray().Should().Equal(expected.ToRowMajorArray(), (p, q) => Math.Abs(p - q) < 1e-14);

        GradCheck.Check(t => GradCheck.Project(t[0].MatMul(t[1])), [a, b], [[2, 3], [3, 4]]);
        GradCheck.Check(
            t => GradCheck.Project(t[0].MatMul(t[1])),
            [GradCheck.RandomValues(12, 3), GradCheck.RandomValues(12, 4)],
            [[2, 2, 3], [1, 3, 4]]);
        GradCheck.Check(
            t => GradCheck.Project(t[0].MatMul(t[1])),
            [GradCheck.RandomValues(6, 5), GradCheck.RandomValues(36, 6)],
            [[2, 3], [3, 3, 4]]);
    }

    [Fact]
    public void DiagonalEmbedAndTriangularPartsRouteGradients()
    {
        var m = Tensor.FromArray([1, 2, 3, 4], [2, 2]);
        m.Diagonal().Values.ToArray().Should().Equal(1, 4);
        Tensor.Vector(1, 4).DiagEmbed().Values.ToArray().Should().Equal(1, 0, 0, 4);
        m.Tril().Values.ToArray().Should().Equal(1, 0, 3, 4);
        m.Triu().Values.ToArray().Should().Equal(1, 2, 0, 4);
        m.Tril(-1).Values.ToArray().Should().Equal(0, 0, 3, 0);

        var x = GradCheck.RandomValues(18, 8);
        GradCheck.Check(t => GradCheck.Project(t[0].Diagonal()), [x], [[2, 3, 3]]);
        GradCheck.Check(t => GradCheck.Project(t[0].Tril()), [x], [[2, 3, 3]]);
        GradCheck.Check(t => GradCheck.Project(t[0].Triu(1)), [x], [[2, 3, 3]]);
        GradCheck.Check(t => GradCheck.Project(t[0].DiagEmbed()), [GradCheck.RandomValues(6, 9)], [[2, 3]]);
    }

    [Fact]
    public void CholeskyMatchesMathNetAndItsGradientMatchesFiniteDifferences()
    {
        var spd = RandomSpd(4, seed: 11);
        var l = Tensor.FromArray(spd, [4, 4]).Cholesky();
        var expected = Matrix<double>.Build.DenseOfRowMajor(4, 4, spd).Cholesky().Factor;
        l.Values.ToArray().Should().Equal(expected.ToRowMajorArray(), (p, q) => Math.Abs(p - q) < 1e-13);

        // Differentiate through A = M Mᵀ + 3I so every perturbation keeps A symmetric positive definite.
        var mValues = GradCheck.RandomValues(2 * 9, 12);
        GradCheck.Check(
            t =>
            {
                var a = t[0].MatMul(t[0].Transpose()) + (Tensor.Ones(3).DiagEmbed() * 3.0);
                return GradCheck.Project(a.Cholesky());
            },
            [mValues],
            [[2, 3, 3]]);
    }

    [Fact]
    public void CholeskyOfANonPositiveDefiniteMatrixNamesThePivot()
    {
        var a = Tensor.FromArray([4, 2, 0, 2, 1, 0, 0, 0, 1], [3, 3]); // second pivot: 1 - 2²/4 = 0
        var act = () => a.Cholesky();
        act.Should().Throw<NotPositiveDefiniteException>()
            .Where(e => e.Pivot == 1)
            .WithMessage("*not positive definite*pivot 1*");
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(true, true)]
    [InlineData(false, false)]
    [InlineData(false, true)]
    public void TriangularSolveSolvesAndDifferentiates(bool lower, bool transpose)
    {
        var aValues = GradCheck.RandomValues(9, 21);
        for (int i = 0; i < 3; i++)
        {
            aValues[(i * 3) + i] = 2 + i; // a well-conditioned diagonal
        }

        var bValues = GradCheck.RandomValues(6, 22);
        var a = Tensor.FromArray(aValues, [3, 3]);
        var x = LinearAlgebraOps.TriangularSolve(a, Tensor.FromArray(bValues, [3, 2]), lower, transpose);

        // Check op(A) X = B with the triangle that is actually used.
        var tri = lower ? a.Tril() : a.Triu();
        var op = transpose ? tri.Transpose() : tri;
        op.MatMul(x).Values.ToArray().Should().Equal(bValues, (p, q) => Math.Abs(p - q) < 1e-12);

        GradCheck.Check(
            t => GradCheck.Project(LinearAlgebraOps.TriangularSolve(t[0], t[1], lower, transpose)),
            [aValues, bValues],
            [[3, 3], [3, 2]]);
    }

    [Fact]
    public void BatchedTriangularSolveBroadcastsTheMatrix()
    {
        var aValues = new double[] { 2, 0, 0.5, 3 };
        GradCheck.Check(
            t => GradCheck.Project(LinearAlgebraOps.TriangularSolve(t[0], t[1])),
            [aValues, GradCheck.RandomValues(12, 23)],
            [[2, 2], [3, 2, 2]]);
    }

    [Fact]
    public void LogDetFromCholeskyMatchesTheDeterminant()
    {
        var spd = RandomSpd(5, seed: 31);
        var logDet = Tensor.FromArray(spd, [5, 5]).Cholesky().LogDetFromCholesky().ToScalar();
        logDet.Should().BeApproximately(Math.Log(Matrix<double>.Build.DenseOfRowMajor(5, 5, spd).Determinant()), 1e-11);

        GradCheck.Check(
            t => (t[0].MatMul(t[0].Transpose()) + (Tensor.Ones(3).DiagEmbed() * 2.0)).Cholesky().LogDetFromCholesky().Sum(),
            [GradCheck.RandomValues(9, 32)],
            [[3, 3]]);
    }

    private static double[] RandomSpd(int n, int seed)
    {
        var m = Matrix<double>.Build.DenseOfRowMajor(n, n, GradCheck.RandomValues(n * n, seed));
        return (m * m.Transpose() + Matrix<double>.Build.DenseIdentity(n) * n).ToRowMajorArray();
    }
}
