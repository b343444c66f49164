using KlDivergence.Bijectors;
using KlDivergence.Optimization;
using KlDivergence.Tensors;

namespace KlDivergence.Inference.Flows;

/// <summary>
/// A bijector of ℝᵈ with trainable <see cref="Parameter"/>s: one layer of a normalizing flow. Events are vectors
/// (the last dimension, of length <see cref="Dimension"/>); any leading dimensions are batch dimensions. The plain
/// <see cref="Bijector"/> members read the parameters' current values; the overloads taking a value function let a
/// surrogate evaluate the same layer with its parameters cut from the graph.
/// </summary>
public abstract class FlowBijector : Bijector
{
    /// <summary>Creates a layer over ℝ^<paramref name="dimension"/> with the given trainable parameters.</summary>
    protected FlowBijector(int dimension, IReadOnlyList<Parameter> parameters)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dimension);
        ArgumentNullException.ThrowIfNull(parameters);
        Dimension = dimension;
        Parameters = parameters;
    }

    /// <summary>The dimension d of the space the layer maps onto itself.</summary>
    public int Dimension { get; }

    /// <summary>The trainable parameters of the layer.</summary>
    public IReadOnlyList<Parameter> Parameters { get; }

    /// <inheritdoc/>
    public override int InputEventRank => 1;

    /// <inheritdoc/>
    public override int OutputEventRank => 1;

    /// <summary>y = f(x) at the parameters' current values.</summary>
    public override Tensor Forward(Tensor x) => ForwardWithLogDet(x, CurrentValue).Y;

    /// <summary>x = f⁻¹(y) at the parameters' current values.</summary>
    public override Tensor Inverse(Tensor y) => Inverse(y, CurrentValue);

    /// <summary>log |det ∂f/∂x| at the parameters' current values, one value per event.</summary>
    public override Tensor ForwardLogDetJacobian(Tensor x) => ForwardWithLogDet(x, CurrentValue).LogDet;

    /// <summary>
    /// y = f(x) and log |det ∂f/∂x| in one pass (the log-determinant falls out of the forward computation), with each
    /// parameter read through <paramref name="valueOf"/>.
    /// </summary>
    /// <param name="x">Values [..., d].</param>
    /// <param name="valueOf">The value to use for each parameter (its <see cref="Parameter.Value"/>, or a detached copy).</param>
    /// <returns>y [..., d] and the log-determinant [...].</returns>
    public (Tensor Y, Tensor LogDet) ForwardWithLogDet(Tensor x, Func<Parameter, Tensor> valueOf)
    {
        ArgumentNullException.ThrowIfNull(valueOf);
        var rows = AsRows(x, nameof(x));
        var (y, logDet) = ForwardRows(rows, valueOf);
        // Rows in, rows out: no reshape nodes.
        return x.Rank == 2 ? (y, logDet) : (y.Reshape(x.ShapeArray), logDet.Reshape(x.ShapeArray[..^1]));
    }

    /// <summary>x = f⁻¹(y) with each parameter read through <paramref name="valueOf"/>.</summary>
    /// <param name="y">Values [..., d].</param>
    /// <param name="valueOf">The value to use for each parameter.</param>
    public Tensor Inverse(Tensor y, Func<Parameter, Tensor> valueOf)
    {
        ArgumentNullException.ThrowIfNull(valueOf);
        return InverseRows(AsRows(y, nameof(y)), valueOf).Reshape(y.ShapeArray);
    }

    /// <summary>The forward map and its log-determinant on a batch of rows x [n, d].</summary>
    protected abstract (Tensor Y, Tensor LogDet) ForwardRows(Tensor x, Func<Parameter, Tensor> valueOf);

    /// <summary>The inverse map on a batch of rows y [n, d].</summary>
    protected abstract Tensor InverseRows(Tensor y, Func<Parameter, Tensor> valueOf);

    private static Tensor CurrentValue(Parameter p) => p.Value;

    private Tensor AsRows(Tensor x, string paramName)
    {
        ArgumentNullException.ThrowIfNull(x, paramName);
        if (x.Rank == 0 || x.Shape[^1] != Dimension)
        {
            throw new ArgumentException($"{Name} maps vectors of length {Dimension}; got shape [{string.Join(", ", x.Shape)}].", paramName);
        }

        return x.Rank == 2 ? x : x.Reshape(-1, Dimension);
    }
}
