namespace KlDivergence.Tensors;

/// <summary>
/// Splits an element-wise kernel over a large output into blocks of a fixed size and runs them on up to
/// <see cref="TensorParallelism.MaxDegreeOfParallelism"/> cores. Each output element is computed by the same kernel
/// call whatever the number of workers (the blocks do not depend on it), so results are bit-identical for any setting.
/// </summary>
internal static class ElementwiseSplit
{
    /// <summary>Elements per block, the custom ops' block size (a multiple of every vector width).</summary>
    public const int BlockSize = CustomOp.BlockSize;

    /// <summary>
    /// Below this many elements a kernel runs in one call on the calling thread: waking a worker costs more than
    /// the work it would take over (the custom ops' default threshold too, so every element-wise op splits alike).
    /// Eight blocks: with the library's <see cref="WorkerPool"/> a product, sum or squared difference with its gradient
    /// over 32 768 elements took 24-30 µs split against 32-34 µs not (session 13, interleaved runs on the 2-core VM).
    /// </summary>
    public const int Threshold = 8 * BlockSize;

    /// <summary>
    /// The threshold of a kernel of a nanosecond or more per element (an exponential, a logarithm, a hyperbolic tangent
    /// at about 0.5-2 ns, log Γ 5 ns, ψ 3.7 ns, Φ 15 ns on the development machine): two blocks, the fewest that split.
    /// e^x and tanh with their gradients over 8 192 elements took 8-9 and 10-12 µs split against 9-10 and 13-14 µs not.
    /// </summary>
    public const int CostlyThreshold = 2 * BlockSize;

    /// <summary>True when an output of <paramref name="length"/> elements is split into blocks.</summary>
    public static bool Splits(int length) => length >= Threshold;

    /// <summary>Runs <paramref name="body"/>(start, length) over the blocks covering 0 .. <paramref name="length"/> - 1.</summary>
    public static void Run(int length, Action<int, int> body) => Run(length, BlockSize, body);

    /// <summary>
    /// <paramref name="body"/>(0, length) in one call below <paramref name="threshold"/> elements, else over the blocks
    /// as <see cref="Run(int, Action{int, int})"/> does (a kernel whose cost sets its own threshold).
    /// </summary>
    public static void RunFrom(int threshold, int length, Action<int, int> body)
    {
        if (length < threshold)
        {
            body(0, length);
            return;
        }

        Run(length, BlockSize, body);
    }

    /// <summary>
    /// Elements per block for a kernel that costs a hundred nanoseconds or more per element (a scalar special-function
    /// difference, such as the Gamma-family closed forms' E(a, b)): smaller blocks, so a batch of a few thousand pairs
    /// already spreads over the cores.
    /// </summary>
    public const int CostlyBlockSize = 512;

    /// <summary>Runs a costly kernel (see <see cref="CostlyBlockSize"/>) as <see cref="Run(int, Action{int, int})"/> does; one block runs on the caller.</summary>
    public static void RunCostly(int length, Action<int, int> body)
    {
        if (length <= CostlyBlockSize)
        {
            body(0, length);
            return;
        }

        Run(length, CostlyBlockSize, body);
    }

    private static void Run(int length, int blockSize, Action<int, int> body) =>
        TensorParallelism.For(TensorParallelism.ChunkCount(length, blockSize), c =>
        {
            int start = c * blockSize;
            body(start, Math.Min(blockSize, length - start));
        });

    /// <summary>
    /// Runs <paramref name="row"/> for rows 0 .. <paramref name="rows"/> - 1 of <paramref name="rowLength"/> input
    /// elements each: on the calling thread for small inputs, else in groups of rows of about a block's worth of
    /// elements across the workers (each row's result depends only on that row).
    /// </summary>
    public static void ForRows(int rows, int rowLength, Action<int> row) =>
        ForRowGroups(rows, rowLength, (first, end) =>
        {
            for (int o = first; o < end; o++)
            {
                row(o);
            }
        });

    /// <summary>
    /// Runs <paramref name="group"/>(first, end) over consecutive groups of rows (as <see cref="ForRows"/> splits them),
    /// so a kernel over many short rows can make one vector call per group instead of one per row.
    /// </summary>
    public static void ForRowGroups(int rows, int rowLength, Action<int, int> group)
    {
        long total = (long)rows * rowLength;
        if (total < Threshold || rows < 2)
        {
            group(0, rows);
            return;
        }

        int perGroup = Math.Max(1, BlockSize / Math.Max(1, rowLength));
        TensorParallelism.For(TensorParallelism.ChunkCount(rows, perGroup), c => group(c * perGroup, Math.Min(rows, (c + 1) * perGroup)));
    }
}
