using KlDivergence.Distributions;
using KlDivergence.Tensors;
using MathNet.Numerics.LinearAlgebra;
using Normal = KlDivergence.Distributions.Normal;

namespace KlDivergence.Tests.Tensors;

/// <summary>Round trips between tensors and MathNet, arrays, single precision and System.Numerics.Tensors, value by value.</summary>
public class TensorInteropTests
{
    private static readonly double[,] Values = { { 1.5, -2.0, 3.25 }, { 4.0, 5.5, -6.75 } };

    [Fact]
    public void MathNetMatrixRoundTripKeepsRowsAndColumns()
    {
        var m = Matrix<double>.Build.DenseOfArray(Values);
        Tensor t = m;
        t.Shape.Should().Equal(2, 3);
        t[1, 2].Should().Be(-6.75);
        t[0, 1].Should().Be(-2.0);
        var back = t.ToMatrix();
        back.Equals(m).Should().BeTrue();

        // One copy each way: writing the matrix afterwards changes neither the tensor nor the other copy.
        m[0, 0] = 99;
        t[0, 0].Should().Be(1.5);
        back[0, 0].Should().Be(1.5);
    }

    [Fact]
    public void MathNetVectorRoundTripIncludingSparse()
    {
        var v = Vector<double>.Build.Dense([0.5, -1.0, 2.0]);
        Tensor t = v;
        t.Shape.Should().Equal(3);
        t.ToVector().Should().Equal(v);
        var sparse = Vector<double>.Build.Sparse(4);
        sparse[2] = 7;
        Tensor.FromVector(sparse).ToArray().Should().Equal(0, 0, 7, 0);
        var act = () => Tensor.Matrix(Values).ToVector();
        act.Should().Throw<InvalidOperationException>().WithMessage("ToVector needs a tensor of rank 1*[2, 3]*");
    }

    [Fact]
    public void RectangularAndJaggedArraysRoundTrip()
    {
        var t = Tensor.Matrix(Values);
        t.ToArray2D().Should().BeEquivalentTo(Values, o => o.WithStrictOrdering());
        var jagged = t.ToJagged();
        jagged.Should().HaveCount(2);
        jagged[1].Should().Equal(4.0, 5.5, -6.75);
        var again = Tensor.Matrix(jagged);
        again.Shape.Should().Equal(2, 3);
        again.ToArray().Should().Equal(t.ToArray());
        Tensor.Matrix(Array.Empty<double[]>()).Shape.Should().Equal(0, 0);
        var ragged = () => Tensor.Matrix(new[] { new[] { 1.0, 2.0 }, new[] { 3.0 } });
        ragged.Should().Throw<ArgumentException>().WithMessage("*row 0 has 2 values, row 1 has 1*").And.ParamName.Should().Be("rows");
    }

    [Fact]
    public void SinglePrecisionIsWidenedOnceExactly()
    {
        // Every float is exactly a double: the widened values equal (double)f, the float's own value, not its decimal spelling.
        float[] f = [0.1f, -3.5f, 1e-30f];
        Tensor t = f;
        t.ToArray().Should().Equal(f.Select(x => (double)x));
        t.ToArray()[0].Should().NotBe(0.1);
        Tensor.FromSingles(f, [3, 1]).Shape.Should().Equal(3, 1);
        Tensor.Matrix(new float[,] { { 1f, 2f }, { 3f, 4.5f } }).ToArray().Should().Equal(1, 2, 3, 4.5);
        var wrong = () => Tensor.FromSingles(f, [2]);
        wrong.Should().Throw<ArgumentException>().WithMessage("3 values cannot fill a tensor of shape [2]*");

        // Distribution constructors take floats through the same conversions.
        var n = new Normal(new[] { 0.5f, 1f }, new[] { 2f, 4f });
        n.Scale.ToArray().Should().Equal(2, 4);
        new Normal(0.25f, 2f).Loc.ToScalar().Should().Be(0.25);
    }

    [Fact]
    public void SystemNumericsTensorRoundTripKeepsShapeAndOrder()
    {
        var t = Tensor.Matrix(Values);
        var numerics = t.ToNumericsTensor();
        numerics.Lengths.ToArray().Should().Equal(2, 3);
        numerics[1, 2].Should().Be(-6.75);
        numerics[0, 1].Should().Be(-2.0);
        var back = Tensor.FromNumericsTensor(numerics);
        back.Shape.Should().Equal(2, 3);
        back.ToArray().Should().Equal(t.ToArray());

        // A copy: writing the System.Numerics tensor leaves the library tensor as it was.
        numerics[0, 0] = 42;
        t[0, 0].Should().Be(1.5);
        back[0, 0].Should().Be(1.5);
    }

    [Fact]
    public void DistributionsTakeMathNetTypes()
    {
        var mean = Vector<double>.Build.Dense([1.0, -1.0]);
        var cov = Matrix<double>.Build.DenseOfArray(new[,] { { 2.0, 0.5 }, { 0.5, 1.0 } });
        var mvn = MultivariateNormal.FromCovariance(mean, cov);
        mvn.Mean.ToVector().Should().Equal(mean);
        mvn.CovarianceMatrix.ToMatrix().Equals(cov).Should().BeTrue();

        // log N(x; μ, Σ) at x = μ is -log(2π) - ½ log det Σ, det Σ = 2 - 0.25.
        mvn.LogProb(mean).ToScalar().Should().BeApproximately(-Math.Log(2 * Math.PI) - (0.5 * Math.Log(1.75)), 1e-14);
    }
}
