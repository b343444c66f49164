using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace KlDivergence.Tensors;

/// <summary>
/// Walks an operand as if broadcast to an output shape, by strides (0 along stretched dimensions), the way NumPy's
/// nditer does: any flat range of the output can be gathered from the operand, or a gradient over that range
/// scatter-added back into the operand's own shape, run by run along the last dimension (a fill for a stride of 0,
/// a copy for a stride of 1), with one division per dimension per range, none per element.
/// </summary>
internal readonly struct BroadcastIterator
{
    private readonly double[] data;
    private readonly int[] shape;
    private readonly int[] strides;

    /// <summary>
    /// The operand's length when it is stretched only along leading dimensions (a [d] or [1, d] row over [n, d]),
    /// so the output is the operand repeated whole; else 0.
    /// </summary>
    private readonly int period;

    /// <summary>
    /// The output's last length when the operand is stretched along the last dimension only (a [m, 1] column over
    /// [m, k]), so each operand element fills one run of it; else 0.
    /// </summary>
    private readonly int repeat;

    /// <summary>
    /// The operand's length when the output repeats it whole (it is stretched only along leading dimensions), else 0:
    /// every range of the output that starts at a multiple of it gathers the same values.
    /// </summary>
    public int Period => period;

    /// <summary>Views <paramref name="data"/> of shape <paramref name="operandShape"/> broadcast to <paramref name="outputShape"/>.</summary>
    public BroadcastIterator(double[] data, int[] operandShape, int[] outputShape)
    {
        this.data = data;
        shape = outputShape;
        strides = new int[outputShape.Length];
        int offset = outputShape.Length - operandShape.Length;
        int stride = 1;
        bool repeats = true, stretched = false;
        for (int d = operandShape.Length - 1; d >= 0; d--)
        {
            strides[d + offset] = operandShape[d] == 1 ? 0 : stride;
            stride *= operandShape[d];

            // Walking from the end: once a dimension is stretched, every one before it must be 1.
            if (operandShape[d] != outputShape[d + offset])
            {
                stretched = true;
            }
            else if (stretched && operandShape[d] != 1)
            {
                repeats = false;
            }
        }

        period = repeats ? stride : 0;

        // Only the last dimension stretched: every other output dimension is the operand's own (or a leading 1).
        int rank = outputShape.Length;
        bool columnOnly = operandShape.Length > 0 && operandShape[^1] == 1 && rank > 0 && outputShape[^1] > 1;
        for (int d = 0; columnOnly && d < operandShape.Length - 1; d++)
        {
            columnOnly = operandShape[d] == outputShape[d + offset];
        }

        for (int d = 0; columnOnly && d < offset; d++)
        {
            columnOnly = outputShape[d] == 1;
        }

        repeat = columnOnly && period == 0 ? outputShape[^1] : 0;
    }

    /// <summary>Copies output elements start .. start + destination.Length - 1 of the broadcast operand.</summary>
    public void Gather(int start, Span<double> destination)
    {
        if (period > 0)
        {
            // The operand repeated whole (the same values the runs below would copy): the partial period up to the
            // first boundary and one whole period from the operand, then the destination doubles itself, since from
            // that boundary on it repeats with the period (a short operand, a row broadcast over many rows, costs a
            // few copies instead of one per repeat).
            int head = Math.Min((period - (start % period)) % period, destination.Length);
            data.AsSpan(start % period, head).CopyTo(destination);
            var periodic = destination[head..];
            int filled = Math.Min(period, periodic.Length);
            data.AsSpan(0, filled).CopyTo(periodic);
            while (filled < periodic.Length)
            {
                int run = Math.Min(filled, periodic.Length - filled);
                periodic[..run].CopyTo(periodic[filled..]);
                filled += run;
            }

            return;
        }

        if (repeat > 0)
        {
            // Each operand element fills one run of the last dimension: the runs below without walking an index.
            for (int at = 0; at < destination.Length;)
            {
                int element = start + at;
                int run = Math.Min(repeat - (element % repeat), destination.Length - at);
                destination.Slice(at, run).Fill(data[element / repeat]);
                at += run;
            }

            return;
        }

        var runs = new Runs(this, start, destination.Length);
        while (runs.Next(out int offset, out int at, out int run, out int stride))
        {
            var segment = destination.Slice(at, run);
            if (stride == 0)
            {
                segment.Fill(data[offset]);
            }
            else if (stride == 1)
            {
                data.AsSpan(offset, run).CopyTo(segment);
            }
            else
            {
                for (int i = 0; i < run; i++)
                {
                    segment[i] = data[offset + (i * stride)];
                }
            }
        }
    }

    /// <summary>Below this period a repeated operand's scatter is one scalar pass: a vector call per period costs more than it adds.</summary>
    private const int ShortPeriod = 16;

    /// <summary>
    /// Adds the output-shaped <paramref name="values"/> (output elements start ..) into <paramref name="target"/>,
    /// laid out in the operand's shape: the reduction that undoes broadcasting in a backward pass.
    /// </summary>
    public void ScatterAdd(int start, ReadOnlySpan<double> values, double[] target)
    {
        if (period > 0 && period < ShortPeriod)
        {
            // A short operand repeated whole (a mean-field surrogate's [d] over its draws): one pass, each element's
            // additions in output order, so the same bits as the blocks below without a vector call per few values.
            ScatterAddShortPeriod(start, values, target);
            return;
        }

        if (period > 0)
        {
            // The operand repeated whole: add the values block by block, each element's additions in output order
            // as the runs below make them, so the same bits, without walking runs as short as the operand's last axis.
            for (int at = 0; at < values.Length;)
            {
                int from = (start + at) % period;
                int run = Math.Min(period - from, values.Length - at);
                var segment = target.AsSpan(from, run);
                System.Numerics.Tensors.TensorPrimitives.Add(segment, values.Slice(at, run), segment);
                at += run;
            }

            return;
        }

        if (repeat > 0)
        {
            // Each run of the last dimension sums into one operand element: the same runs, so the same bits.
            for (int at = 0; at < values.Length;)
            {
                int element = start + at;
                int run = Math.Min(repeat - (element % repeat), values.Length - at);
                target[element / repeat] += System.Numerics.Tensors.TensorPrimitives.Sum(values.Slice(at, run));
                at += run;
            }

            return;
        }

        var runs = new Runs(this, start, values.Length);
        while (runs.Next(out int offset, out int at, out int run, out int stride))
        {
            var segment = values.Slice(at, run);
            if (stride == 0)
            {
                target[offset] += System.Numerics.Tensors.TensorPrimitives.Sum(segment);
            }
            else
            {
                for (int i = 0; i < run; i++)
                {
                    target[offset + (i * stride)] += segment[i];
                }
            }
        }
    }

    /// <summary>
    /// <see cref="ScatterAdd"/> for a period under <see cref="ShortPeriod"/>. A period of 2, 4 or 8 whole rows is added
    /// one row per vector into the target's elements held in one register: lane j adds its column's values in row
    /// order, the order of the scalar loop, so the same bits; the partial rows at either end, and other periods, go
    /// element by element.
    /// </summary>
    private void ScatterAddShortPeriod(int start, ReadOnlySpan<double> values, double[] target)
    {
        int j = start % period, at = 0;
        if (j != 0 || period is not (2 or 4 or 8) || !Vector512.IsHardwareAccelerated)
        {
            // Up to the first row boundary (or everything, for a period the vectors do not fit).
            int head = period is 2 or 4 or 8 && Vector512.IsHardwareAccelerated ? Math.Min(values.Length, (period - j) % period) : values.Length;
            for (; at < head; at++)
            {
                target[j] += values[at];
                if (++j == period)
                {
                    j = 0;
                }
            }
        }

        int rows = (values.Length - at) / period;
        if (rows > 0)
        {
            ref double v = ref MemoryMarshal.GetReference(values);
            if (period == 2)
            {
                var sum = Vector128.Create(target[0], target[1]);
                for (int r = 0; r < rows; r++, at += 2)
                {
                    sum += Vector128.LoadUnsafe(ref v, (nuint)at);
                }

                sum.CopyTo(target);
            }
            else if (period == 4)
            {
                var sum = Vector256.Create(target.AsSpan(0, 4));
                for (int r = 0; r < rows; r++, at += 4)
                {
                    sum += Vector256.LoadUnsafe(ref v, (nuint)at);
                }

                sum.CopyTo(target);
            }
            else
            {
                var sum = Vector512.Create(target.AsSpan(0, 8));
                for (int r = 0; r < rows; r++, at += 8)
                {
                    sum += Vector512.LoadUnsafe(ref v, (nuint)at);
                }

                sum.CopyTo(target);
            }
        }

        // The partial row at the end, from column 0.
        for (j = 0; at < values.Length; at++, j++)
        {
            target[j] += values[at];
        }
    }

    /// <summary>The runs of an output range along the last dimension: where each starts in the operand, its stride and length.</summary>
    private ref struct Runs
    {
        private readonly int[] shape;
        private readonly int[] strides;
        private readonly int length;
        private Span<int> index;
        private int offset;
        private int done;

        public Runs(BroadcastIterator view, int start, int length)
        {
            shape = view.shape;
            strides = view.strides;
            this.length = length;
            index = new int[Math.Max(shape.Length, 1)];
            int rest = start;
            for (int d = shape.Length - 1; d >= 0; d--)
            {
                index[d] = rest % shape[d];
                rest /= shape[d];
                offset += index[d] * strides[d];
            }
        }

        public bool Next(out int runOffset, out int at, out int run, out int stride)
        {
            (runOffset, at) = (offset, done);
            if (done >= length)
            {
                (run, stride) = (0, 0);
                return false;
            }

            int rank = shape.Length;
            if (rank == 0)
            {
                (run, stride) = (length, 0);
                done = length;
                return true;
            }

            int last = shape[rank - 1];
            stride = strides[rank - 1];
            run = Math.Min(last - index[rank - 1], length - done);
            done += run;
            index[rank - 1] += run;
            offset += run * stride;
            for (int d = rank - 1; d > 0 && index[d] == shape[d]; d--)
            {
                // Carry into the next dimension: rewind this one.
                offset -= shape[d] * strides[d];
                index[d] = 0;
                index[d - 1]++;
                offset += strides[d - 1];
            }

            return true;
        }
    }
}
