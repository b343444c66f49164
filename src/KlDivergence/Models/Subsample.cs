using KlDivergence.Tensors;

namespace KlDivergence.Models;

/// <summary>
/// The rows of a data set used by one evaluation of a model (from <see cref="ModelContext.Subsample"/>): all of them
/// when the model is evaluated exactly, a random mini-batch without replacement during a stochastic fit. A
/// likelihood observed with it is scaled by <see cref="Scale"/> = size / batch size, so its expectation over
/// mini-batches is the full-data log-likelihood.
/// </summary>
public sealed class Subsample
{
    internal Subsample(string name, int size, int[]? indices)
    {
        Name = name;
        Size = size;
        Indices = indices;
        Scale = indices is null ? 1.0 : (double)size / indices.Length;
    }

    /// <summary>The name given to <see cref="ModelContext.Subsample"/>.</summary>
    public string Name { get; }

    /// <summary>The number of rows of the full data set.</summary>
    public int Size { get; }

    /// <summary>The rows of this evaluation, or null when every row is used (in order).</summary>
    public int[]? Indices { get; }

    /// <summary>The number of rows of this evaluation.</summary>
    public int Count => Indices?.Length ?? Size;

    /// <summary>The factor applied to the log-likelihood of data observed with this subsample: size / count.</summary>
    public double Scale { get; }

    /// <summary>The rows of <paramref name="data"/> of this evaluation along <paramref name="axis"/> (the data itself when every row is used).</summary>
    /// <param name="data">A tensor whose dimension <paramref name="axis"/> has <see cref="Size"/> entries.</param>
    /// <param name="axis">The axis of the rows (0 by default).</param>
    /// <exception cref="ModelException">That dimension does not have <see cref="Size"/> entries.</exception>
    public Tensor Select(Tensor data, int axis = 0)
    {
        ArgumentNullException.ThrowIfNull(data);
        int a = axis < 0 ? axis + data.Rank : axis;
        if (a < 0 || a >= data.Rank || data.Shape[a] != Size)
        {
            throw new ModelException(Name, $"the subsample has {Size} rows but the tensor's axis {axis} has shape {Shapes.Format(data.Shape.AsSpan())}.");
        }

        return Indices is null ? data : data.IndexSelect(a, Indices);
    }
}
