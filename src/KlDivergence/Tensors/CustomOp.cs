using System.Buffers;

namespace KlDivergence.Tensors;

/// <summary>
/// An element-wise operation of up to six broadcast inputs, written as a forward kernel and its vector-Jacobian
/// product, that takes part in automatic differentiation like the built-in operations: the door through which fused
/// kernels (a family's log-density, a closed-form KL) enter the graph, open to a user's own family too.
/// </summary>
/// <remarks>
/// <see cref="Apply"/> broadcasts the inputs (NumPy rules), hands the kernels blocks of at most
/// <see cref="BlockSize"/> consecutive output elements with every input laid out for the block, runs large outputs'
/// blocks on up to <see cref="TensorParallelism.MaxDegreeOfParallelism"/> cores, and records the operation when an
/// input needs gradients. The backward pass calls <see cref="Backward"/> block by block and sums the gradients of
/// broadcast inputs back to their shapes in a fixed order. Each output element must depend only on the inputs at that
/// element (never on its neighbours in the block), so results do not depend on how the work is split.
/// <code>
/// sealed class Softsign() : CustomOp("softsign", 1)
/// {
///     public override void Forward(in CustomOpBlock block, Span&lt;double&gt; output)
///     {
///         var x = block.Input(0);
///         for (int i = 0; i &lt; output.Length; i++) output[i] = x[i] / (1 + Math.Abs(x[i]));
///     }
///
///     public override void Backward(in CustomOpBlock block, ReadOnlySpan&lt;double&gt; output, ReadOnlySpan&lt;double&gt; outputGradient)
///     {
///         var x = block.Input(0);
///         var gx = block.Gradient(0);
///         for (int i = 0; i &lt; gx.Length; i++) { double d = 1 + Math.Abs(x[i]); gx[i] = outputGradient[i] / (d * d); }
///     }
/// }
/// </code>
/// </remarks>
public abstract class CustomOp
{
    /// <summary>
    /// The most output elements per block. A block holds fewer when an input is repeated whole by the output (a [d] row
    /// over [n, d]): then it is the most whole repeats that fit, so every block reads the same stretch of that input.
    /// Either way it depends on the shapes only, never on the number of workers, so splits never change a result.
    /// </summary>
    public const int BlockSize = 4096;

    /// <summary>The most inputs an op can take.</summary>
    public const int MaxArity = 6;

    /// <summary>Creates an op with a name (for messages) and a number of inputs.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="arity"/> is not 1 to <see cref="MaxArity"/>.</exception>
    protected CustomOp(string name, int arity)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (arity < 1 || arity > MaxArity)
        {
            throw new ArgumentOutOfRangeException(nameof(arity), arity, $"A custom op takes 1 to {MaxArity} inputs.");
        }

        Name = name;
        Arity = arity;
    }

    /// <summary>
    /// True when the kernels read input <paramref name="k"/>, where it is a single value for the whole tensor
    /// (<see cref="CustomOpBlock.IsUniform"/>), from its first element only: the block then holds that one value instead
    /// of a span of <see cref="CustomOpBlock.Length"/> copies, so nothing is filled per call. For the library's own
    /// kernels (a closed form's N(0, 1) prior, a log-density's fixed scale); a user's op always gets the full span.
    /// </summary>
    internal virtual bool ReadsUniformInputOnce(int k) => false;

    /// <summary>
    /// The fewest output elements whose blocks run on several cores; below it every block runs on the calling thread.
    /// The default, 8 blocks (32 768 elements), suits kernels of a few arithmetic operations per element, for which
    /// waking workers (about a microsecond, a whole time slice on a busy machine) costs more than the work below it.
    /// A kernel that spends nanoseconds per element (a division and a series, a special function) gains from the
    /// cores on smaller outputs and may lower it; an output of one block never splits, so values below
    /// 2 × <see cref="BlockSize"/> act as that. Splits never change a result: blocks depend on the shapes only.
    /// </summary>
    public virtual int ParallelThreshold => DefaultParallelThreshold;

    /// <summary>The op's name, as used in messages.</summary>
    public string Name { get; }

    /// <summary>The number of inputs.</summary>
    public int Arity { get; }

    /// <summary>Writes the op's value at each element of the block into <paramref name="output"/> (block.Length values).</summary>
    public abstract void Forward(in CustomOpBlock block, Span<double> output);

    /// <summary>
    /// The vector-Jacobian product for one block: for each input k with <see cref="CustomOpBlock.NeedsGradient"/>,
    /// writes outputGradient[i] · ∂output[i]/∂inputₖ[i] into <see cref="CustomOpBlock.Gradient"/>(k).
    /// </summary>
    public abstract void Backward(in CustomOpBlock block, ReadOnlySpan<double> output, ReadOnlySpan<double> outputGradient);

    /// <summary>
    /// Applies the op to <paramref name="inputs"/> (broadcast together): a new tensor of the broadcast shape, recorded
    /// for differentiation when an input needs gradients.
    /// </summary>
    /// <exception cref="ArgumentException">The number of inputs is not <see cref="Arity"/>, or their shapes do not broadcast.</exception>
    public Tensor Apply(params ReadOnlySpan<Tensor> inputs)
    {
        if (inputs.Length != Arity)
        {
            throw new ArgumentException($"The custom op '{Name}' takes {Arity} inputs, got {inputs.Length}.", nameof(inputs));
        }

        var operands = inputs.ToArray();
        int[] shape = operands[0]?.ShapeArray ?? throw new ArgumentNullException(nameof(inputs), $"Input 0 of '{Name}' is null.");
        bool tracks = Tensor.Tracks(operands[0]);
        for (int k = 1; k < operands.Length; k++)
        {
            var t = operands[k] ?? throw new ArgumentNullException(nameof(inputs), $"Input {k} of '{Name}' is null.");
            shape = Shapes.Equal(shape, t.ShapeArray) ? shape : Shapes.Broadcast(shape, t.ShapeArray);
            tracks |= Tensor.Tracks(t);
        }

        int n = Shapes.Size(shape);
        var y = TensorPool.Rent(n);
        var layout = new Layout(operands, shape, n);
        RunAll(layout, y, null, false, null);
        var result = new Tensor(y, shape);
        if (!tracks)
        {
            return result;
        }

        return Tensor.Record(
            result,
            operands,
            g => Gradients(layout, y, g.Data, gradientIsUniform: false),
            uniformFactors: null,
            // The output gradient is c everywhere: every block reads the same short array of it.
            backwardUniform: c => UniformGradient.WithBlock(Math.Min(n, layout.BlockLength), c, g => Gradients(layout, y, g, gradientIsUniform: true)));
    }

    /// <summary>
    /// The inputs' gradients for the output gradient <paramref name="g"/>: the whole array, or with
    /// <paramref name="gradientIsUniform"/> one block's worth of a single value that every block reads.
    /// </summary>
    private Tensor?[] Gradients(Layout layout, double[] y, double[] g, bool gradientIsUniform)
    {
        var operands = layout.Operands;
        var shape = layout.Shape;
        int n = y.Length;
        var grads = new double[]?[operands.Length];
        for (int k = 0; k < operands.Length; k++)
        {
            // An input of the output's shape gets its gradient in an array the gradient pass recycles; a broadcast
            // one's output-sized gradient is scratch, summed to its shape below and handed back to the pool.
            grads[k] = !operands[k].RequiresGrad ? null : layout.Direct[k] ? GradientPass.Rent(n) : TensorPool.Rent(n);
        }

        RunAll(layout, y, g, gradientIsUniform, grads);
        var results = new Tensor?[operands.Length];
        for (int k = 0; k < operands.Length; k++)
        {
            if (grads[k] is { } gk)
            {
                if (layout.Direct[k])
                {
                    results[k] = new Tensor(gk, shape);
                }
                else
                {
                    results[k] = new Tensor(layout.ReduceToOperand(k, gk), operands[k].ShapeArray);
                    TensorPool.Return(gk);
                }
            }
        }

        return results;
    }

    /// <summary>
    /// Below this many output elements the blocks run on the calling thread: waking workers costs more than the
    /// work, and on a busy machine a worker may wait a whole time slice to be scheduled.
    /// </summary>
    private const int DefaultParallelThreshold = ElementwiseSplit.Threshold;

    /// <summary>Every block, on the calling thread for small outputs, else on up to the worker cap.</summary>
    private void RunAll(Layout layout, double[] y, double[]? g, bool gradientIsUniform, double[]?[]? grads)
    {
        int blocks = TensorParallelism.ChunkCount(y.Length, layout.BlockLength);
        bool serial = y.Length < ParallelThreshold || blocks < 2;

        // A single-valued input is filled once for all the blocks, and so is an input the output repeats whole, since
        // every block starts at a multiple of its period; the blocks only read them, so workers share them too (a
        // gather per block copied three times the output for a log-density with a row of μ, σ and log σ). The array
        // of filled inputs is only made when one needs it: most ops read their single values once.
        double[]?[]? filled = null;
        try
        {
            for (int k = 0; k < Arity; k++)
            {
                int length = Math.Min(layout.BlockLength, y.Length);
                if (!layout.Direct[k] && layout.Operands[k].Length == 1 && !ReadsUniformInputOnce(k))
                {
                    filled ??= new double[]?[Arity];
                    filled[k] = ArrayPool<double>.Shared.Rent(length);
                    filled[k].AsSpan(0, length).Fill(layout.Operands[k].Data[0]);
                }
                else if (layout.Repeated(k) && blocks > 1)
                {
                    filled ??= new double[]?[Arity];
                    filled[k] = ArrayPool<double>.Shared.Rent(length);
                    layout.Iterators[k].Gather(0, filled[k].AsSpan(0, length));
                }
            }

            if (serial)
            {
                for (int c = 0; c < blocks; c++)
                {
                    RunBlock(layout, c, y, g, gradientIsUniform, grads, filled);
                }
            }
            else
            {
                TensorParallelism.For(blocks, c => RunBlock(layout, c, y, g, gradientIsUniform, grads, filled));
            }
        }
        finally
        {
            foreach (var buffer in filled ?? [])
            {
                if (buffer is not null)
                {
                    ArrayPool<double>.Shared.Return(buffer);
                }
            }
        }
    }

    /// <summary>
    /// Runs the forward (no gradient buffers) or backward kernel over block <paramref name="c"/>; a single-valued
    /// input is read from <paramref name="filled"/> when the caller filled it already, and the output gradient from
    /// the start of <paramref name="g"/> for every block when <paramref name="gradientIsUniform"/>.
    /// </summary>
    private void RunBlock(Layout layout, int c, double[] y, double[]? g, bool gradientIsUniform, double[]?[]? grads, double[]?[]? filled)
    {
        int start = c * layout.BlockLength;
        int length = Math.Min(layout.BlockLength, y.Length - start);
        var rented = default(RentedBuffers);
        try
        {
            var spans = default(BlockSpans);
            int uniform = 0;
            for (int k = 0; k < Arity; k++)
            {
                if (layout.Direct[k])
                {
                    spans.Set(k, layout.Operands[k].Data.AsSpan(start, length));
                    continue;
                }

                if (layout.Operands[k].Length == 1 && ReadsUniformInputOnce(k))
                {
                    // The kernel reads the one value: no copies of it.
                    uniform |= 1 << k;
                    spans.Set(k, layout.Operands[k].Data.AsSpan(0, 1));
                    continue;
                }

                if (filled?[k] is { } shared)
                {
                    if (layout.Operands[k].Length == 1)
                    {
                        uniform |= 1 << k;
                    }

                    spans.Set(k, shared.AsSpan(0, length));
                    continue;
                }

                var buffer = rented[k] = ArrayPool<double>.Shared.Rent(length);
                var span = buffer.AsSpan(0, length);
                if (layout.Operands[k].Length == 1)
                {
                    uniform |= 1 << k;
                    span.Fill(layout.Operands[k].Data[0]);
                }
                else
                {
                    layout.Iterators[k].Gather(start, span);
                }

                spans.Set(k, span);
            }

            var gradients = default(BlockGradients);
            if (grads is not null)
            {
                for (int k = 0; k < Arity; k++)
                {
                    if (grads[k] is { } gk)
                    {
                        gradients.Set(k, gk.AsSpan(start, length));
                    }
                }
            }

            var block = new CustomOpBlock(length, Arity, uniform, spans, gradients);
            if (g is null)
            {
                Forward(block, y.AsSpan(start, length));
            }
            else
            {
                Backward(block, y.AsSpan(start, length), g.AsSpan(gradientIsUniform ? 0 : start, length));
            }
        }
        finally
        {
            for (int k = 0; k < Arity; k++)
            {
                if (rented[k] is { } buffer)
                {
                    ArrayPool<double>.Shared.Return(buffer);
                }
            }
        }
    }

    /// <summary>A block's gathered inputs, one slot per input, on the stack (a block needs no array of its own for them).</summary>
    [System.Runtime.CompilerServices.InlineArray(MaxArity)]
    private struct RentedBuffers
    {
        private double[]? first;
    }

    /// <summary>How each operand is read: in place (its shape is the output's) or through a broadcast iterator.</summary>
    private sealed class Layout
    {
        public Layout(Tensor[] operands, int[] shape, int n)
        {
            Operands = operands;
            Shape = shape;
            Direct = new bool[operands.Length];
            Iterators = new BroadcastIterator[operands.Length];
            for (int k = 0; k < operands.Length; k++)
            {
                var t = operands[k];
                Direct[k] = t.Length == n && (ReferenceEquals(t.ShapeArray, shape) || Shapes.Equal(t.ShapeArray, shape));
                if (!Direct[k] && t.Length != 1)
                {
                    Iterators[k] = new BroadcastIterator(t.Data, t.ShapeArray, shape);
                    int p = Iterators[k].Period;
                    mixed |= p == 0 || (period != 0 && p != period);
                    period = period == 0 ? p : period;
                }
            }

            // Blocks are a whole number of periods of the repeated inputs (one period for all of them, and at most a
            // block), so each block reads the same stretch of them and it is gathered once per op, not per block.
            aligned = period > 1 && period <= BlockSize && !mixed;
            BlockLength = aligned ? BlockSize / period * period : BlockSize;
        }

        private readonly int period;
        private readonly bool mixed;
        private readonly bool aligned;

        /// <summary>Output elements per block: <see cref="BlockSize"/>, or the most whole periods of the repeated inputs that fit in it.</summary>
        public int BlockLength { get; }

        /// <summary>True when input <paramref name="k"/> is repeated whole by the output and every block starts at a multiple of its period.</summary>
        public bool Repeated(int k) => aligned && !Direct[k] && Operands[k].Length != 1;

        public Tensor[] Operands { get; }

        public int[] Shape { get; }

        public bool[] Direct { get; }

        public BroadcastIterator[] Iterators { get; }

        /// <summary>Sums a broadcast operand's full-size gradient back to its shape, in output order (deterministic).</summary>
        public double[] ReduceToOperand(int k, double[] gradient)
        {
            var t = Operands[k];
            if (t.Length == 1)
            {
                return [System.Numerics.Tensors.TensorPrimitives.Sum<double>(gradient)];
            }

            var target = TensorPool.RentZeroed(t.Length);
            Iterators[k].ScatterAdd(0, gradient, target);
            return target;
        }
    }
}
