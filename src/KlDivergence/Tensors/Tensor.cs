using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace KlDivergence.Tensors;

/// <summary>
/// A dense, row-major array of doubles with a shape (rank 0 for a scalar), optionally recording the
/// operations applied to it so that <see cref="Backward()"/> can compute gradients by reverse-mode
/// automatic differentiation. Tensors are immutable once built: every operation returns a new tensor
/// (reshapes share storage, and a transpose reads its source until its values are first read), so a recorded graph
/// can never see its inputs change. A fit may expire the intermediates of a step once the step is over, to reuse
/// their memory: reading one then throws instead of showing other values
/// (see <see cref="Optimization.MinimizeOptions.ReuseIntermediates"/>).
/// </summary>
public sealed partial class Tensor : IRealArithmetic<Tensor>
{
    private double[]? data;
    internal readonly int[] ShapeArray;

    /// <summary>Set when a fit reused this intermediate's memory after step <c>expiredStep</c> (see <see cref="StepArena"/>).</summary>
    private int expiredStep = -1;
    internal GradNode? Node;

    /// <summary>
    /// A number for hashing this tensor by identity (<see cref="IdentityComparer"/>), so a backward pass's sets and
    /// maps do not ask the runtime for an object hash code, which costs a call into the runtime the first time for
    /// every new object, and a pass meets mostly new ones. Numbers may repeat (threads racing on the counter,
    /// wrap-around): equality stays by reference.
    /// </summary>
    internal readonly int HashId;

    private static int nextHashId;

    internal Tensor(double[] data, int[] shape, bool requiresGrad = false)
    {
        this.data = data;
        ShapeArray = shape;
        RequiresGrad = requiresGrad;
        HashId = unchecked(++nextHashId);
        if (StepArena.AnyOpen)
        {
            StepArena.OnWrap(data);
        }
    }

    /// <summary>
    /// A matrix transpose whose values are laid out when first read (<see cref="ShapeOps.Transpose"/>): a matrix product
    /// reads <paramref name="source"/> transposed in place instead, so x.MatMul(w.Transpose()) copies nothing.
    /// </summary>
    private Tensor(Tensor source, int[] shape)
    {
        TransposeOf = source;
        ShapeArray = shape;
        HashId = unchecked(++nextHashId);
    }

    /// <summary>The tensor whose last two dimensions this one swaps, when it was built as a lazy transpose (else null).</summary>
    internal Tensor? TransposeOf { get; }

    /// <summary>A lazy transpose of <paramref name="source"/> (rank 2 or more), of shape <paramref name="shape"/>.</summary>
    internal static Tensor LazyTranspose(Tensor source, int[] shape) => new(source, shape);

    /// <summary>The elements (row-major); throws when a fit has reused this intermediate's memory.</summary>
    internal double[] Data
    {
        // Inlined: every kernel reads it; the rare paths live in their own method so this getter stays a load and a test.
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get
        {
            var values = data;
            if (values is null)
            {
                values = LayOutOrThrow();
            }

            return values;
        }
    }

    /// <summary>The elements if they are laid out: null for an expired tensor and for a lazy transpose not yet read.</summary>
    internal double[]? DataIfLaidOut => data;

    /// <summary>True when a fit reused this intermediate's memory after its step, so its values are gone.</summary>
    internal bool IsExpired => data is null && TransposeOf is null;

    /// <summary>A lazy transpose's values, laid out once (racing readers agree on one array); else the expired tensor's exception.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private double[] LayOutOrThrow()
    {
        if (TransposeOf is { } source)
        {
            var laidOut = ShapeOps.TransposeData(source.Data, source.ShapeArray, out _);
            return Interlocked.CompareExchange(ref data, laidOut, null) ?? laidOut;
        }

        ThrowExpired();
        return null;
    }

    /// <summary>Drops this intermediate's array, which a fit reuses after step <paramref name="step"/>.</summary>
    internal void Expire(int step)
    {
        data = null;
        expiredStep = step;
    }

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ThrowExpired() => throw new InvalidOperationException(
        $"This tensor {Shapes.Format(ShapeArray)} was an intermediate of step {expiredStep} of a fit, and the fit reused its memory " +
        "when the step ended. Keep a value with Clone() inside the loss, or set ReuseIntermediates = false on the fit's options (MinimizeOptions, LbfgsOptions, AutomaticFitOptions or ModelFitOptions).");

    /// <summary>The length of each dimension; empty for a scalar.</summary>
    public ImmutableArray<int> Shape => ImmutableCollectionsMarshal.AsImmutableArray(ShapeArray);

    /// <summary>The number of dimensions (0 for a scalar).</summary>
    public int Rank => ShapeArray.Length;

    /// <summary>The number of elements (the product of the shape; 1 for a scalar).</summary>
    public int Length => data?.Length ?? Shapes.Size(ShapeArray);

    /// <summary>The elements in row-major order.</summary>
    public ReadOnlySpan<double> Values => Data;

    /// <summary>
    /// Whether gradients flow to this tensor: true for a leaf marked with <see cref="RequireGrad"/> and for
    /// every result computed from such a leaf outside a <see cref="NoGrad"/> scope.
    /// </summary>
    public bool RequiresGrad { get; private set; }

    /// <summary>True when this tensor was not produced by a recorded operation (a leaf of the graph).</summary>
    public bool IsLeaf => Node is null;

    /// <summary>The gradient accumulated by <see cref="Backward()"/> for a leaf that requires it; null before.</summary>
    public Tensor? Grad { get; internal set; }

    /// <summary>False inside a live <see cref="NoGrad"/> scope of the current flow (thread or async flow): operations record no graph.</summary>
    public static bool IsGradEnabled => NoGradScope.IsGradEnabled;

    /// <summary>
    /// Starts a scope (dispose it to end) in which operations record no graph, so plain evaluation pays no
    /// autodiff cost. Scopes nest and follow the flow of control across <c>await</c> (see <see cref="NoGradScope"/>);
    /// disposing one twice or on another thread is harmless.
    /// </summary>
    public static NoGradScope NoGrad() => NoGradScope.Enter();

    /// <summary>Implicitly wraps a number as a scalar tensor, so that <c>x * 2.0</c> reads naturally.</summary>
    public static implicit operator Tensor(double value) => Scalar(value);

    /// <summary>Implicitly copies an array of numbers into a rank-1 tensor.</summary>
    public static implicit operator Tensor(double[] values) => Vector(values);

    /// <summary>A rank-0 tensor holding <paramref name="value"/>.</summary>
    public static Tensor Scalar(double value, bool requiresGrad = false) => new([value], [], requiresGrad);

    /// <summary>A rank-1 tensor holding a copy of <paramref name="values"/>.</summary>
    public static Tensor Vector(params double[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return new((double[])values.Clone(), [values.Length]);
    }

    /// <summary>A rank-2 tensor holding a copy of <paramref name="values"/> (rows first).</summary>
    public static Tensor Matrix(double[,] values, bool requiresGrad = false)
    {
        ArgumentNullException.ThrowIfNull(values);
        int rows = values.GetLength(0), cols = values.GetLength(1);
        var data = TensorPool.Rent(rows * cols);
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < cols; j++)
            {
                data[(i * cols) + j] = values[i, j];
            }
        }

        return new(data, [rows, cols], requiresGrad);
    }

    /// <summary>A tensor of the given shape holding a copy of <paramref name="values"/> in row-major order.</summary>
    /// <exception cref="ArgumentException">The number of values does not match the shape.</exception>
    public static Tensor FromArray(ReadOnlySpan<double> values, ReadOnlySpan<int> shape, bool requiresGrad = false) =>
        new(values.ToArray(), ShapeFor(values.Length, shape, nameof(values)), requiresGrad);

    /// <summary>The validated shape, which must hold exactly <paramref name="count"/> values.</summary>
    private static int[] ShapeFor(int count, ReadOnlySpan<int> shape, string valuesName)
    {
        int[] s = Shapes.Validate(shape, nameof(shape));
        int size = Shapes.Size(s);
        if (count != size)
        {
            throw new ArgumentException($"{count} values cannot fill a tensor of shape {Shapes.Format(s)} ({size} elements).", valuesName);
        }

        return s;
    }

    /// <summary>A tensor of the given shape filled with <paramref name="value"/>.</summary>
    public static Tensor Full(double value, params int[] shape)
    {
        int[] s = Shapes.Validate(shape, nameof(shape));
        var data = TensorPool.Rent(Shapes.Size(s));
        data.AsSpan().Fill(value);
        return new(data, s);
    }

    /// <summary>A tensor of zeros of the given shape.</summary>
    public static Tensor Zeros(params int[] shape)
    {
        int[] s = Shapes.Validate(shape, nameof(shape));
        return new(new double[Shapes.Size(s)], s);
    }

    /// <summary>A tensor of ones of the given shape.</summary>
    public static Tensor Ones(params int[] shape) => Full(1.0, shape);

    /// <summary>A tensor of zeros with this tensor's shape (no gradient).</summary>
    public Tensor ZerosLike() => new(new double[Data.Length], ShapeArray);

    /// <summary>A tensor filled with <paramref name="value"/> with this tensor's shape (no gradient).</summary>
    public Tensor FullLike(double value)
    {
        var data = TensorPool.Rent(Data.Length);
        data.AsSpan().Fill(value);
        return new(data, ShapeArray);
    }

    /// <summary>
    /// Marks this leaf as requiring gradients, so that <see cref="Backward()"/> accumulates into <see cref="Grad"/>.
    /// </summary>
    /// <returns>This tensor.</returns>
    /// <exception cref="InvalidOperationException">The tensor is the result of a recorded operation.</exception>
    public Tensor RequireGrad()
    {
        if (Node is not null)
        {
            throw new InvalidOperationException("Only a leaf tensor can be marked as requiring gradients; call Detach() first.");
        }

        RequiresGrad = true;
        return this;
    }

    /// <summary>
    /// A leaf tensor sharing this tensor's values, cut from the graph (no gradient flows through it). Sharing is
    /// safe because no tensor's values are ever written after it is built (parameters publish a new tensor per step).
    /// </summary>
    public Tensor Detach() => new(Data, ShapeArray);

    /// <summary>A deep copy of the values as a new leaf (no gradient).</summary>
    public Tensor Clone() => new((double[])Data.Clone(), ShapeArray);

    /// <summary>The single value of a tensor with one element.</summary>
    /// <exception cref="InvalidOperationException">The tensor has more than one element.</exception>
    public double ToScalar()
    {
        if (Data.Length != 1)
        {
            throw new InvalidOperationException($"ToScalar needs a tensor with one element, this one has shape {Shapes.Format(ShapeArray)}.");
        }

        return Data[0];
    }

    /// <summary>A copy of the values in row-major order.</summary>
    public double[] ToArray() => (double[])Data.Clone();

    /// <summary>The element at the given index (one entry per dimension).</summary>
    /// <exception cref="ArgumentException">The index has the wrong rank or is out of range.</exception>
    public double this[params int[] index] => Data[Shapes.FlatIndex(ShapeArray, index)];

    /// <summary>Resets the accumulated gradient of this leaf to null.</summary>
    public void ZeroGrad() => Grad = null;

    /// <summary>
    /// Reverse-mode differentiation from this scalar: accumulates d(this)/d(leaf) into <see cref="Grad"/> of
    /// every leaf that requires gradients (adding to what is already there, as PyTorch does).
    /// </summary>
    /// <exception cref="InvalidOperationException">This tensor is not a scalar or does not require gradients.</exception>
    public void Backward()
    {
        if (Data.Length != 1)
        {
            throw new InvalidOperationException($"Backward() starts from a scalar; this tensor has shape {Shapes.Format(ShapeArray)}. Sum it first.");
        }

        Backward(FullLike(1.0));
    }

    /// <summary>
    /// Reverse-mode differentiation seeded with <paramref name="gradient"/> (a vector-Jacobian product);
    /// the seed must have this tensor's shape.
    /// </summary>
    public void Backward(Tensor gradient)
    {
        ArgumentNullException.ThrowIfNull(gradient);
        if (!RequiresGrad)
        {
            throw new InvalidOperationException("This tensor does not depend on any tensor that requires gradients.");
        }

        Shapes.RequireEqual(ShapeArray, gradient.ShapeArray, nameof(gradient));

        var workspace = BackwardWorkspace.Take();
        try
        {
            Backward(gradient, workspace);
        }
        finally
        {
            workspace.Return();
        }
    }

    /// <summary>The pass of <see cref="Backward(Tensor)"/> with its collections taken from <paramref name="workspace"/>.</summary>
    private void Backward(Tensor gradient, BackwardWorkspace workspace)
    {
        // Topological order by iterative depth-first search, so deep graphs do not overflow the stack.
        var order = workspace.Order;
        var visited = workspace.Visited;
        var stack = workspace.Stack;
        stack.Push((this, false));
        while (stack.Count > 0)
        {
            var (t, expanded) = stack.Pop();
            if (expanded)
            {
                order.Add(t);
                continue;
            }

            if (!visited.Add(t))
            {
                continue;
            }

            stack.Push((t, true));
            if (t.Node is not null)
            {
                foreach (var input in t.Node.Inputs)
                {
                    if (input.RequiresGrad && !visited.Contains(input))
                    {
                        stack.Push((input, false));
                    }
                }
            }
        }

        var grads = workspace.Gradients;
        var uniform = workspace.UniformGradients;
        grads[this] = gradient;
        using var scope = NoGrad();

        // Gradient arrays the pass allocates come from the pool and go back once consumed (see GradientPass). A
        // pending gradient is an array or, below a sum, one value for every element (never both: see AddUniform).
        var pass = GradientPass.Begin();
        try
        {
            for (int i = order.Count - 1; i >= 0; i--)
            {
                var t = order[i];
                var node = t.Node;
                if (uniform.Remove(t, out double c))
                {
                    if (node?.UniformFactors is { } factors)
                    {
                        for (int k = 0; k < factors.Length; k++)
                        {
                            AddUniform(node.Inputs[k], c * factors[k], grads, uniform, pass);
                        }

                        continue;
                    }

                    if (node?.BackwardUniform is { } ruleForUniform)
                    {
                        AddInputGradients(node, ruleForUniform(c), grads, uniform, pass);
                        continue;
                    }

                    grads[t] = UniformGradient.Spread(t, c);
                    pass.Hold(grads[t]);
                }

                if (!grads.Remove(t, out var g))
                {
                    continue;
                }

                if (node is null)
                {
                    if (t.Grad is null)
                    {
                        t.Grad = g.Detach();
                        pass.Escape(g);
                    }
                    else
                    {
                        t.Grad = TensorOps.Add(t.Grad, g);
                        pass.Release(g);
                    }

                    continue;
                }

                var inputs = node.Inputs;
                if (g.Length == 1 && node.UniformFactors is { } scalarFactors)
                {
                    // A one-element gradient (a sum's, of a scalar) is one value everywhere already.
                    for (int k = 0; k < scalarFactors.Length; k++)
                    {
                        AddUniform(inputs[k], g.Data[0] * scalarFactors[k], grads, uniform, pass);
                    }

                    pass.Release(g);
                    continue;
                }

                if (node.ScatterInto is { } scatter)
                {
                    // A gather: add straight into the source's pending gradient (dense once, whatever the number of gathers).
                    var target = pass.Exclusive(inputs[0], PendingArray(inputs[0], grads, uniform, pass));
                    grads[inputs[0]] = target;
                    scatter(g, target.Data);
                    pass.Release(g);
                    continue;
                }

                AddInputGradients(node, node.Backward(g), grads, uniform, pass);
                pass.Release(g);
            }
        }
        finally
        {
            pass.End();
        }
    }

    /// <summary>Adds a rule's input gradients to the pending ones of <paramref name="node"/>'s inputs.</summary>
    private static void AddInputGradients(GradNode node, Tensor?[] inputGrads, Dictionary<Tensor, Tensor> grads, Dictionary<Tensor, double> uniform, GradientPass pass)
    {
        var inputs = node.Inputs;
        for (int k = 0; k < inputs.Length; k++)
        {
            var gi = inputGrads[k];
            if (gi is null || !inputs[k].RequiresGrad)
            {
                continue;
            }

            if (PendingArray(inputs[k], grads, uniform, pass) is { } existing)
            {
                grads[inputs[k]] = pass.Accumulate(existing, gi);
            }
            else
            {
                grads[inputs[k]] = gi;
                pass.Hold(gi);
            }
        }
    }

    /// <summary>
    /// Adds the gradient <paramref name="value"/> at every element of <paramref name="input"/>: to its pending value,
    /// or into its pending array, in the order the arrays would have been added (so the sums are the same bits).
    /// </summary>
    private static void AddUniform(Tensor input, double value, Dictionary<Tensor, Tensor> grads, Dictionary<Tensor, double> uniform, GradientPass pass)
    {
        if (!input.RequiresGrad)
        {
            return;
        }

        if (grads.TryGetValue(input, out var existing))
        {
            grads[input] = pass.Accumulate(existing, UniformGradient.Spread(input, value));
        }
        else if (uniform.TryGetValue(input, out double pending))
        {
            uniform[input] = pending + value;
        }
        else
        {
            uniform[input] = value;
        }
    }

    /// <summary>The pending gradient of <paramref name="input"/> as an array (a pending single value written out), or null when it has none.</summary>
    private static Tensor? PendingArray(Tensor input, Dictionary<Tensor, Tensor> grads, Dictionary<Tensor, double> uniform, GradientPass pass)
    {
        if (uniform.Remove(input, out double value))
        {
            var spread = UniformGradient.Spread(input, value);
            pass.Hold(spread);
            grads[input] = spread;
            return spread;
        }

        return grads.TryGetValue(input, out var existing) ? existing : null;
    }

    /// <summary>Records <paramref name="output"/> as produced from <paramref name="inputs"/> when any of them needs gradients.</summary>
    internal static Tensor Record(Tensor output, Tensor[] inputs, Func<Tensor, Tensor?[]> backward) => Record(output, inputs, backward, null, null);

    /// <summary>
    /// <see cref="Record(Tensor, Tensor[], Func{Tensor, Tensor?[]})"/> with the rules for an output gradient that is one
    /// value everywhere (<see cref="GradNode.UniformFactors"/>, <see cref="GradNode.BackwardUniform"/>).
    /// </summary>
    internal static Tensor Record(Tensor output, Tensor[] inputs, Func<Tensor, Tensor?[]> backward, double[]? uniformFactors, Func<double, Tensor?[]>? backwardUniform)
    {
        // Inputs first: when none needs gradients (plain evaluation) the scope is never consulted.
        foreach (var input in inputs)
        {
            if (input.RequiresGrad)
            {
                if (!NoGradScope.IsGradEnabled)
                {
                    return output;
                }

                output.RequiresGrad = true;
                output.Node = new GradNode(inputs, backward) { UniformFactors = uniformFactors, BackwardUniform = backwardUniform };
                return output;
            }
        }

        return output;
    }

    /// <summary>True when an operation on <paramref name="a"/> must be recorded.</summary>
    internal static bool Tracks(Tensor a) => a.RequiresGrad && NoGradScope.IsGradEnabled;

    /// <summary>Element-wise sum with broadcasting.</summary>
    public static Tensor operator +(Tensor left, Tensor right) => TensorOps.Add(left, right);

    /// <summary>Element-wise difference with broadcasting.</summary>
    public static Tensor operator -(Tensor left, Tensor right) => TensorOps.Subtract(left, right);

    /// <summary>Element-wise product with broadcasting.</summary>
    public static Tensor operator *(Tensor left, Tensor right) => TensorOps.Multiply(left, right);

    /// <summary>Element-wise quotient with broadcasting.</summary>
    public static Tensor operator /(Tensor left, Tensor right) => TensorOps.Divide(left, right);

    /// <summary>Element-wise negation.</summary>
    public static Tensor operator -(Tensor value) => TensorOps.Negate(value);

    /// <summary>Named alternative for the <c>+</c> operator.</summary>
    public static Tensor Add(Tensor left, Tensor right) => TensorOps.Add(left, right);

    /// <summary>Named alternative for the <c>-</c> operator.</summary>
    public static Tensor Subtract(Tensor left, Tensor right) => TensorOps.Subtract(left, right);

    /// <summary>Named alternative for the <c>*</c> operator.</summary>
    public static Tensor Multiply(Tensor left, Tensor right) => TensorOps.Multiply(left, right);

    /// <summary>Named alternative for the <c>/</c> operator.</summary>
    public static Tensor Divide(Tensor left, Tensor right) => TensorOps.Divide(left, right);

    /// <summary>Named alternative for unary <c>-</c>.</summary>
    public static Tensor Negate(Tensor value) => TensorOps.Negate(value);

    /// <summary>Named alternative for the implicit conversion from <see cref="double"/>.</summary>
    public static Tensor FromDouble(double value) => Scalar(value);

    /// <summary>Named alternative for the implicit conversion from an array.</summary>
    public static Tensor FromDoubleArray(double[] values) => Vector(values);

    static Tensor IRealArithmetic<Tensor>.Log(Tensor x) => x.Log();

    static Tensor IRealArithmetic<Tensor>.Log1p(Tensor x) => x.Log1p();

    static Tensor IRealArithmetic<Tensor>.Exp(Tensor x) => x.Exp();

    static Tensor IRealArithmetic<Tensor>.Expm1(Tensor x) => x.Expm1();

    static Tensor IRealArithmetic<Tensor>.Expm1MinusX(Tensor x) => x.Expm1MinusX();

    static Tensor IRealArithmetic<Tensor>.Square(Tensor x) => x.Square();

    static Tensor IRealArithmetic<Tensor>.Sqrt(Tensor x) => x.Sqrt();

    static Tensor IRealArithmetic<Tensor>.Abs(Tensor x) => x.Abs();

    static Tensor IRealArithmetic<Tensor>.LogGamma(Tensor x) => x.LogGamma();

    static Tensor IRealArithmetic<Tensor>.Digamma(Tensor x) => x.Digamma();

    /// <inheritdoc/>
    public override string ToString()
    {
        var sb = new StringBuilder();
        sb.Append("Tensor").Append(Shapes.Format(ShapeArray));
        if (IsExpired)
        {
            return sb.Append(" (expired: an intermediate of step ").Append(expiredStep).Append(" of a fit)").ToString();
        }

        sb.Append(" [");
        int shown = Math.Min(Data.Length, 8);
        for (int i = 0; i < shown; i++)
        {
            if (i > 0)
            {
                sb.Append(", ");
            }

            sb.Append(Data[i].ToString("G6", CultureInfo.InvariantCulture));
        }

        if (Data.Length > shown)
        {
            sb.Append(", ...");
        }

        return sb.Append(']').ToString();
    }
}
