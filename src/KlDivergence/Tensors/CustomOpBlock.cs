namespace KlDivergence.Tensors;

/// <summary>
/// One block of a <see cref="CustomOp"/>'s work: the inputs broadcast to the output over a range of consecutive
/// output elements (each a span of <see cref="Length"/> values), and in the backward pass the spans to write each
/// input's gradient contribution into.
/// </summary>
public readonly ref struct CustomOpBlock
{
    private readonly ReadOnlySpan<double> in0, in1, in2, in3, in4, in5;
    private readonly Span<double> g0, g1, g2, g3, g4, g5;
    private readonly int uniformMask;

    internal CustomOpBlock(int length, int arity, int uniformMask, in BlockSpans inputs, in BlockGradients gradients)
    {
        Length = length;
        Arity = arity;
        this.uniformMask = uniformMask;
        in0 = inputs.In0;
        in1 = inputs.In1;
        in2 = inputs.In2;
        in3 = inputs.In3;
        in4 = inputs.In4;
        in5 = inputs.In5;
        g0 = gradients.G0;
        g1 = gradients.G1;
        g2 = gradients.G2;
        g3 = gradients.G3;
        g4 = gradients.G4;
        g5 = gradients.G5;
    }

    /// <summary>The number of output elements in the block.</summary>
    public int Length { get; }

    /// <summary>The number of inputs.</summary>
    public int Arity { get; }

    /// <summary>Input <paramref name="k"/>'s values at the block's output elements (<see cref="Length"/> values).</summary>
    public ReadOnlySpan<double> Input(int k) => k switch
    {
        0 => in0,
        1 => in1,
        2 => in2,
        3 => in3,
        4 => in4,
        5 => in5,
        _ => throw new ArgumentOutOfRangeException(nameof(k), k, $"The op has {Arity} inputs."),
    };

    /// <summary>
    /// True when input <paramref name="k"/> is a single value for the whole tensor (its span then repeats it), so a
    /// kernel may compute what depends only on it once.
    /// </summary>
    public bool IsUniform(int k) => (uniformMask & (1 << k)) != 0;

    /// <summary>
    /// True in the backward pass when input <paramref name="k"/> needs a gradient; the kernel then writes
    /// ∂L/∂yᵢ · ∂yᵢ/∂xₖ for each element i of the block into <see cref="Gradient"/>(k).
    /// </summary>
    public bool NeedsGradient(int k) => !Gradient(k).IsEmpty;

    /// <summary>Where the backward pass writes input <paramref name="k"/>'s per-element gradient (empty when none is needed).</summary>
    public Span<double> Gradient(int k) => k switch
    {
        0 => g0,
        1 => g1,
        2 => g2,
        3 => g3,
        4 => g4,
        5 => g5,
        _ => throw new ArgumentOutOfRangeException(nameof(k), k, $"The op has {Arity} inputs."),
    };
}
