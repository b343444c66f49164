using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

using KlDivergence.Tensors;

namespace KlDivergence.Optimization;

/// <summary>
/// Adam's rescaling of the gradient, Kingma &amp; Ba 2015 (ICLR), Algorithm 1, with bias correction and
/// ε added outside the square root (as in the paper, PyTorch <c>torch.optim.Adam</c> and <c>optax.scale_by_adam</c>).
/// For step t = 1, 2, … and gradient g_t:
/// <code>
/// m_t = β₁ m_{t−1} + (1 − β₁) g_t
/// v_t = β₂ v_{t−1} + (1 − β₂) g_t²
/// m̂_t = m_t / (1 − β₁^t)
/// v̂_t = v_t / (1 − β₂^t)
/// u_t = m̂_t / (√v̂_t + ε)
/// </code>
/// with m_0 = v_0 = 0. Follow it with <see cref="ScaleByLearningRate"/> for the step −η u_t.
/// </summary>
/// <remarks>
/// <para>
/// AMSGrad (Reddi, Kale &amp; Kumar 2018, "On the Convergence of Adam and Beyond") replaces v_t in the
/// denominator by its running maximum. This follows PyTorch's <c>amsgrad=True</c>: the maximum is taken
/// over the uncorrected v and then bias-corrected,
/// <code>
/// v_max,t = max(v_max,t−1, v_t)
/// u_t = m̂_t / (√(v_max,t / (1 − β₂^t)) + ε)
/// </code>
/// (Reddi et al.'s Algorithm 2 has no bias correction; optax takes the maximum of the corrected v̂.)
/// </para>
/// <para>
/// Given finite gradients with |g| below about 1e154 (so that g² does not overflow) the state stays finite. Above,
/// v becomes +∞ and every later update 0 (which looks finite); <see cref="Minimizer"/> detects the non-finite
/// state, skips and counts the step, and restores the state saved before it.
/// </para>
/// </remarks>
public sealed class ScaleByAdam : IGradientTransformation
{
    /// <summary>Creates Adam's rescaling.</summary>
    /// <param name="beta1">β₁ ∈ [0, 1), the decay of the first-moment average.</param>
    /// <param name="beta2">β₂ ∈ [0, 1), the decay of the second-moment average.</param>
    /// <param name="epsilon">ε &gt; 0, added to √v̂ so the division is safe when v̂ = 0.</param>
    /// <param name="amsgrad">Whether to use the running maximum of v (AMSGrad).</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside the range given above.</exception>
    public ScaleByAdam(double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8, bool amsgrad = false)
    {
        Guard.DecayRate(beta1, nameof(beta1));
        Guard.DecayRate(beta2, nameof(beta2));
        Guard.PositiveFinite(epsilon, nameof(epsilon));
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
        AmsGrad = amsgrad;
    }

    /// <summary>β₁, the decay of the first-moment average.</summary>
    public double Beta1 { get; }

    /// <summary>β₂, the decay of the second-moment average.</summary>
    public double Beta2 { get; }

    /// <summary>ε, added outside the square root.</summary>
    public double Epsilon { get; }

    /// <summary>Whether AMSGrad's running maximum of v is used.</summary>
    public bool AmsGrad { get; }

    /// <inheritdoc/>
    public IOptimizerState Init(IReadOnlyList<double[]> parameters)
    {
        double[][] m = Guard.ZerosLike(parameters, nameof(parameters));
        return new ScaleByAdamState(m, Guard.ZerosLike(parameters, nameof(parameters)), AmsGrad ? Guard.ZerosLike(parameters, nameof(parameters)) : null);
    }

    /// <inheritdoc/>
    public void Update(IReadOnlyList<double[]> updates, IOptimizerState state, IReadOnlyList<double[]> parameters)
    {
        ScaleByAdamState s = Guard.State<ScaleByAdamState>(state, nameof(state));
        Guard.SameShape(updates, s.FirstMomentBuffers, nameof(updates));
        if (AmsGrad != s.MaxSecondMomentBuffers is not null)
        {
            throw new ArgumentException("The state was created by an Adam transformation with a different AMSGrad setting.", nameof(state));
        }

        long t = s.Count + 1;
        var constants = new Constants(Beta1, Beta2, Epsilon, 1.0 - Math.Pow(Beta1, t), 1.0 - Math.Pow(Beta2, t));
        bool finite = true;

        // The moments are read from the state saved just before (which holds them after a swap of buffers) or else
        // from this state, and written into this state's buffers.
        var from = s.ReadFrom ?? s;
        s.ReadFrom = null;
        for (int i = 0; i < updates.Count; i++)
        {
            var buffers = new Moments(
                from.FirstMomentBuffers[i], from.SecondMomentBuffers[i], from.MaxSecondMomentBuffers?[i],
                s.FirstMomentBuffers[i], s.SecondMomentBuffers[i], s.MaxSecondMomentBuffers?[i]);
            double[] g = updates[i];

            // One pass over each buffer (the formulas above element by element), in blocks across the cores when large.
            finite &= ElementwiseSplit.Splits(g.Length) ? StepInBlocks(constants, g, buffers) : Step(constants, g, buffers, 0, g.Length);
        }

        // The pass wrote every moment estimate and checked each as it went, so the minimize loop's check of the state
        // after the step needs no second pass over it.
        s.KnownFinite = finite;
        s.Count = t;
    }

    /// <summary>
    /// <see cref="Step(in Constants, double[], in Moments, int, int)"/> in blocks across the cores (apart, so the
    /// closure is made only for a buffer that splits and a small fit's step allocates nothing).
    /// </summary>
    private static bool StepInBlocks(Constants c, double[] g, Moments buffers)
    {
        int notFinite = 0;
        ElementwiseSplit.Run(g.Length, (start, length) =>
        {
            if (!Step(c, g, buffers, start, length))
            {
                Volatile.Write(ref notFinite, 1);
            }
        });
        return notFinite == 0;
    }

    /// <summary>
    /// Algorithm 1 over elements [start, start + length) of the buffers at the widest vector width, the last few
    /// elements one at a time; true when every moment estimate it wrote is finite.
    /// </summary>
    private static bool Step(in Constants c, double[] g, in Moments buffers, int start, int length)
    {
        var stretch = buffers.Slice(start, length);
        var gs = g.AsSpan(start, length);
        int done = 0;
        bool finite = true;
        if (Vector512.IsHardwareAccelerated)
        {
            (done, finite) = Step<WideLane512>(c, gs, stretch);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            (done, finite) = Step<WideLane256>(c, gs, stretch);
        }

        return Step<WideLaneScalar>(c, gs[done..], stretch.Slice(done)).Finite && finite;
    }

    /// <summary>
    /// m, v (and v_max) read from the buffers' sources and written to their destinations (the same arrays when the
    /// state was not saved by swapping) and g replaced by u, T.Count elements at a time with the operations of the
    /// formulas in their order (IEEE, no fused multiply-add: the bits of applying them buffer-wide, one at a time);
    /// returns how many elements it did and whether every m, v (and v_max) it wrote is finite (x - x is 0 for a finite
    /// x and NaN otherwise, summed into one lane check).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static (int Done, bool Finite) Step<T>(in Constants c, Span<double> g, in MomentSpans buffers)
        where T : struct, IWideLane<T>
    {
        T beta1 = T.Create(c.Beta1), keep1 = T.Create(1.0 - c.Beta1), beta2 = T.Create(c.Beta2), keep2 = T.Create(1.0 - c.Beta2);
        T correction1 = T.Create(c.Correction1), correction2 = T.Create(c.Correction2), epsilon = T.Create(c.Epsilon);
        ref double gr = ref MemoryMarshal.GetReference(g);
        ref double mIn = ref MemoryMarshal.GetReference(buffers.FirstIn);
        ref double vIn = ref MemoryMarshal.GetReference(buffers.SecondIn);
        ref double xIn = ref MemoryMarshal.GetReference(buffers.MaxIn);
        ref double mOut = ref MemoryMarshal.GetReference(buffers.FirstOut);
        ref double vOut = ref MemoryMarshal.GetReference(buffers.SecondOut);
        ref double xOut = ref MemoryMarshal.GetReference(buffers.MaxOut);
        bool ams = !buffers.MaxOut.IsEmpty;
        var check = T.Create(0);
        int i = 0;
        for (; i <= g.Length - T.Count; i += T.Count)
        {
            var gi = T.LoadUnsafe(ref gr, (nuint)i);
            var mi = (gi * keep1) + (T.LoadUnsafe(ref mIn, (nuint)i) * beta1);
            var vi = (gi * gi * keep2) + (T.LoadUnsafe(ref vIn, (nuint)i) * beta2);
            mi.StoreUnsafe(ref mOut, (nuint)i);
            vi.StoreUnsafe(ref vOut, (nuint)i);
            if (ams)
            {
                vi = T.Max(T.LoadUnsafe(ref xIn, (nuint)i), vi);
                vi.StoreUnsafe(ref xOut, (nuint)i);
            }

            (mi / (T.Sqrt(vi / correction2) + epsilon) / correction1).StoreUnsafe(ref gr, (nuint)i);
            check += (mi - mi) + (vi - vi);
        }

        // Lanes that stayed 0 compare below 1; a NaN lane compares false.
        return (i, T.MaskBits(T.LessThan(check, T.Create(1))) == (1u << T.Count) - 1);
    }

    /// <summary>One parameter's moment buffers: where the step reads them and where it writes them (v_max null without AMSGrad).</summary>
    private readonly record struct Moments(double[] FirstIn, double[] SecondIn, double[]? MaxIn, double[] FirstOut, double[] SecondOut, double[]? MaxOut)
    {
        public MomentSpans Slice(int start, int length) => new(
            FirstIn.AsSpan(start, length), SecondIn.AsSpan(start, length), MaxIn is null ? default : MaxIn.AsSpan(start, length),
            FirstOut.AsSpan(start, length), SecondOut.AsSpan(start, length), MaxOut is null ? default : MaxOut.AsSpan(start, length));
    }

    /// <summary>A stretch of <see cref="Moments"/>.</summary>
    private readonly ref struct MomentSpans(Span<double> firstIn, Span<double> secondIn, Span<double> maxIn, Span<double> firstOut, Span<double> secondOut, Span<double> maxOut)
    {
        public Span<double> FirstIn { get; } = firstIn;

        public Span<double> SecondIn { get; } = secondIn;

        public Span<double> MaxIn { get; } = maxIn;

        public Span<double> FirstOut { get; } = firstOut;

        public Span<double> SecondOut { get; } = secondOut;

        public Span<double> MaxOut { get; } = maxOut;

        public MomentSpans Slice(int start) => new(
            FirstIn[start..], SecondIn[start..], MaxIn.IsEmpty ? MaxIn : MaxIn[start..],
            FirstOut[start..], SecondOut[start..], MaxOut.IsEmpty ? MaxOut : MaxOut[start..]);
    }

    /// <summary>The step's numbers: the decays, ε, and the bias corrections 1 − β₁^t and 1 − β₂^t.</summary>
    private readonly record struct Constants(double Beta1, double Beta2, double Epsilon, double Correction1, double Correction2);
}
