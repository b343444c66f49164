using MathNet.Numerics.LinearAlgebra;
using NumericsTensor = System.Numerics.Tensors.Tensor;

namespace KlDivergence.Tensors;

/// <summary>
/// Conversions to and from the types a .NET numerical program already holds: MathNet.Numerics vectors and matrices,
/// rectangular and jagged arrays, single-precision arrays and System.Numerics.Tensors tensors. Each direction copies
/// the values exactly once (a tensor never shares storage with a mutable outside buffer, so a later write there
/// cannot change it, and a returned matrix or array is the caller's to write). Single precision is widened to double
/// once, on the way in; everything inside the library is double.
/// </summary>
public sealed partial class Tensor
{
    /// <summary>Implicitly copies a MathNet vector into a rank-1 tensor (see <see cref="FromVector"/>).</summary>
    public static implicit operator Tensor(Vector<double> vector) => FromVector(vector);

    /// <summary>Implicitly copies a MathNet matrix into a rank-2 tensor (see <see cref="FromMatrix"/>).</summary>
    public static implicit operator Tensor(Matrix<double> matrix) => FromMatrix(matrix);

    /// <summary>Implicitly widens a single-precision array into a rank-1 tensor (see <see cref="FromSingles"/>).</summary>
    public static implicit operator Tensor(float[] values) => FromSingles(values, [values?.Length ?? 0]);

    /// <summary>A rank-1 tensor holding a copy of a MathNet vector (dense or sparse).</summary>
    public static Tensor FromVector(Vector<double> vector)
    {
        ArgumentNullException.ThrowIfNull(vector);
        return new(vector.ToArray(), [vector.Count]);
    }

    /// <summary>A rank-2 tensor [rows, columns] holding a copy of a MathNet matrix (transposed once from its column-major storage).</summary>
    public static Tensor FromMatrix(Matrix<double> matrix)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        return new(matrix.ToRowMajorArray(), [matrix.RowCount, matrix.ColumnCount]);
    }

    /// <summary>A rank-2 tensor holding a copy of the rows of a jagged array, which must all have the same length.</summary>
    /// <exception cref="ArgumentException">The rows have different lengths (the message names the first that differs) or one is null.</exception>
    public static Tensor Matrix(double[][] rows, bool requiresGrad = false)
    {
        ArgumentNullException.ThrowIfNull(rows);
        int cols = rows.Length == 0 ? 0 : RowLength(rows[0], 0, nameof(rows));
        var data = new double[rows.Length * cols];
        for (int i = 0; i < rows.Length; i++)
        {
            if (RowLength(rows[i], i, nameof(rows)) != cols)
            {
                throw new ArgumentException($"A matrix needs rows of equal length: row 0 has {cols} values, row {i} has {rows[i].Length}.", nameof(rows));
            }

            rows[i].CopyTo(data, i * cols);
        }

        return new(data, [rows.Length, cols], requiresGrad);
    }

    /// <summary>A rank-2 tensor holding a rectangular single-precision array, each value widened to double once.</summary>
    public static Tensor Matrix(float[,] values, bool requiresGrad = false)
    {
        ArgumentNullException.ThrowIfNull(values);
        int rows = values.GetLength(0), cols = values.GetLength(1);
        var data = new double[rows * cols];
        int k = 0;
        foreach (float v in values)
        {
            // A rectangular array enumerates row by row.
            data[k++] = v;
        }

        return new(data, [rows, cols], requiresGrad);
    }

    /// <summary>A tensor of the given shape holding single-precision values in row-major order, each widened to double once.</summary>
    /// <exception cref="ArgumentException">The number of values does not match the shape.</exception>
    public static Tensor FromSingles(ReadOnlySpan<float> values, ReadOnlySpan<int> shape, bool requiresGrad = false)
    {
        int[] s = ShapeFor(values.Length, shape, nameof(values));
        var data = new double[values.Length];
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = values[i];
        }

        return new(data, s, requiresGrad);
    }

    /// <summary>A tensor with the shape of a System.Numerics.Tensors tensor, holding a copy of its values (strided views are read in row-major order).</summary>
    /// <exception cref="ArgumentException">A dimension is longer than a tensor here can hold.</exception>
    public static Tensor FromNumericsTensor(System.Numerics.Tensors.ReadOnlyTensorSpan<double> tensor)
    {
        var lengths = tensor.Lengths;
        var shape = new int[lengths.Length];
        for (int i = 0; i < shape.Length; i++)
        {
            shape[i] = lengths[i] <= int.MaxValue ? (int)lengths[i] : throw new ArgumentException($"Dimension {i} has {lengths[i]} elements, more than a tensor can hold.", nameof(tensor));
        }

        int[] s = Shapes.Validate(shape, nameof(tensor));
        var data = new double[Shapes.Size(s)];
        tensor.FlattenTo(data);
        return new(data, s);
    }

    /// <summary>A copy of the values as a System.Numerics.Tensors tensor of the same shape (its storage is a fresh array the caller owns).</summary>
    public System.Numerics.Tensors.Tensor<double> ToNumericsTensor()
    {
        var lengths = new nint[ShapeArray.Length];
        for (int i = 0; i < lengths.Length; i++)
        {
            lengths[i] = ShapeArray[i];
        }

        return NumericsTensor.Create(ToArray(), lengths);
    }

    /// <summary>A copy of a rank-1 tensor as a dense MathNet vector (which wraps the copied array).</summary>
    /// <exception cref="InvalidOperationException">The tensor is not rank 1.</exception>
    public Vector<double> ToVector()
    {
        RequireRank(1, nameof(ToVector));
        return Vector<double>.Build.Dense(ToArray());
    }

    /// <summary>A copy of a rank-2 tensor as a dense MathNet matrix (which wraps the copied, column-major array).</summary>
    /// <exception cref="InvalidOperationException">The tensor is not rank 2.</exception>
    public Matrix<double> ToMatrix()
    {
        RequireRank(2, nameof(ToMatrix));
        int rows = ShapeArray[0], cols = ShapeArray[1];
        var columnMajor = new double[Data.Length];
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < cols; j++)
            {
                columnMajor[(j * rows) + i] = Data[(i * cols) + j];
            }
        }

        return Matrix<double>.Build.Dense(rows, cols, columnMajor);
    }

    /// <summary>A copy of a rank-2 tensor as a rectangular array [rows, columns].</summary>
    /// <exception cref="InvalidOperationException">The tensor is not rank 2.</exception>
    public double[,] ToArray2D()
    {
        RequireRank(2, nameof(ToArray2D));
        var result = new double[ShapeArray[0], ShapeArray[1]];
        if (Data.Length == 0)
        {
            return result;
        }

        Data.AsSpan().CopyTo(System.Runtime.InteropServices.MemoryMarshal.CreateSpan(ref result[0, 0], Data.Length));
        return result;
    }

    /// <summary>A copy of a rank-2 tensor as an array of rows.</summary>
    /// <exception cref="InvalidOperationException">The tensor is not rank 2.</exception>
    public double[][] ToJagged()
    {
        RequireRank(2, nameof(ToJagged));
        int rows = ShapeArray[0], cols = ShapeArray[1];
        var result = new double[rows][];
        for (int i = 0; i < rows; i++)
        {
            result[i] = Data.AsSpan(i * cols, cols).ToArray();
        }

        return result;
    }

    private static int RowLength(double[] row, int index, string paramName) =>
        row?.Length ?? throw new ArgumentException($"Row {index} is null.", paramName);

    private void RequireRank(int rank, string method)
    {
        if (ShapeArray.Length != rank)
        {
            throw new InvalidOperationException($"{method} needs a tensor of rank {rank}; this one has shape {Shapes.Format(ShapeArray)}.");
        }
    }
}
