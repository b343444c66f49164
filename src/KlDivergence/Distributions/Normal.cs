using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Distributions;

/// <summary>
/// The normal (Gaussian) distribution N(loc, scale²), batched over the broadcast shape of its parameters:
/// log p(x) = -½((x - μ)/σ)² - log σ - ½ log 2π.
/// </summary>
public sealed class Normal : Distribution
{
    /// <summary>Creates N(loc, scale²).</summary>
    /// <param name="loc">The mean μ (finite).</param>
    /// <param name="scale">The standard deviation σ (positive, finite).</param>
    /// <exception cref="ArgumentOutOfRangeException">A parameter is out of range; the message names it and its value.</exception>
    public Normal(Tensor loc, Tensor scale)
        : base(ParameterChecks.BroadcastParameters(nameof(Normal), loc, nameof(loc), scale, nameof(scale)), [])
    {
        this.loc = ParameterChecks.Finite(loc, nameof(Normal), nameof(loc));
        this.scale = ParameterChecks.Positive(scale, nameof(Normal), nameof(scale));
    }

    /// <summary>Creates one N(loc, scale²) from two numbers (batch shape []), the same law as from two scalar tensors.</summary>
    /// <param name="loc">The mean μ (finite).</param>
    /// <param name="scale">The standard deviation σ (positive, finite).</param>
    /// <exception cref="ArgumentOutOfRangeException">A parameter is out of range; the message names it and its value.</exception>
    public Normal(double loc, double scale)
        : base([], [])
    {
        // The numbers are kept as they are and become tensors only when asked for: a closed-form KL between two
        // normals built from numbers reads them directly (no tensor, no array).
        if (!double.IsFinite(loc))
        {
            throw ParameterChecks.Invalid(nameof(Normal), nameof(loc), "must be finite", loc);
        }

        if (!(scale > 0 && scale < double.PositiveInfinity))
        {
            throw ParameterChecks.Invalid(nameof(Normal), nameof(scale), "must be positive and finite", scale);
        }

        Numbers = (loc, scale);
    }

    private Tensor? loc;
    private Tensor? scale;

    /// <summary>The mean μ as given (broadcastable to the batch shape).</summary>
    public Tensor Loc => loc ?? Materialise(ref loc, Numbers!.Value.Loc);

    /// <summary>The standard deviation σ as given (broadcastable to the batch shape).</summary>
    public Tensor Scale => scale ?? Materialise(ref scale, Numbers!.Value.Scale);

    /// <summary>(μ, σ) when built from two numbers, else null.</summary>
    internal (double Loc, double Scale)? Numbers { get; }

    /// <summary>A number as a scalar tensor, created once (the first of racing threads wins, so the property keeps one identity).</summary>
    private static Tensor Materialise(ref Tensor? field, double value) =>
        Interlocked.CompareExchange(ref field, Tensor.Scalar(value), null) ?? field!;

    /// <summary>Lebesgue on the real line; log p falls like -x²/2σ² on both sides (every moment exists).</summary>
    public override TailProfile? Tails => TailProfile.Univariate(Support.RealLine, Tail.Power(2), Tail.Power(2));

    /// <inheritdoc/>
    public override bool HasReparameterizedSample => true;

    /// <inheritdoc/>
    public override Tensor Mean => Loc.BroadcastTo(BatchShapeArray);

    /// <inheritdoc/>
    public override Tensor Variance => Scale.Square().BroadcastTo(BatchShapeArray);

    /// <inheritdoc/>
    public override Tensor LogProb(Tensor value) => LogDensityOf(value, Loc, Scale);

    /// <summary>
    /// log N(x; μ, σ²) element by element with the three broadcast together, as one node of the graph: the kernel
    /// behind <see cref="LogProb"/>, for a family built of independent normals (no checks of μ and σ here).
    /// </summary>
    internal static Tensor LogDensityOf(Tensor value, Tensor loc, Tensor scale) => LogDensityOp.Instance.Apply(value, loc, scale, LogNormalizers(scale, value, loc));

    /// <summary>Differential entropy ½ + ½ log 2π + log σ.</summary>
    public override Tensor Entropy() => (Scale.Log() + (0.5 + ScalarMath.LogSqrtTwoPi)).BroadcastTo(BatchShapeArray);

    /// <summary>Φ((x - μ)/σ).</summary>
    public override Tensor Cdf(Tensor value) => ((value - Loc) / Scale).NormalCdf();

    /// <summary>Reparameterised: μ + σ ε with ε ~ N(0, 1).</summary>
    protected override Tensor SampleCore(int count, RandomStream random)
    {
        if (IsUnbatched && !Tensor.Tracks(Loc) && !Tensor.Tracks(Scale))
        {
            // No graph to record: scale and shift the noise in place instead of allocating two more tensors.
            var data = TensorPool.Rent(count);
            SampleInPlace(random, data);
            return new Tensor(data, [count]);
        }

        if (IsUnbatched)
        {
            return TrackedSample(count, random);
        }

        return LocationScale.Apply(StandardNoise.Normal(random, SampleShape(count)), Loc, Scale);
    }

    /// <summary>
    /// μ + σ ε for one μ and σ that need gradients, as one recorded op (the values of the tensor expression, which
    /// would record a product and a sum and allocate a third array): ∂x/∂μ = 1 and ∂x/∂σ = ε, so μ's gradient is
    /// Σ g and σ's is Σ g ε.
    /// </summary>
    private Tensor TrackedSample(int count, RandomStream random)
    {
        var noise = TensorPool.Rent(count);
        random.FillStandardNormal(noise);
        var data = TensorPool.Rent(count);
        ShiftInto(noise, data);
        Tensor loc = Loc, scale = Scale;
        return Tensor.Record(new Tensor(data, [count]), [loc, scale], g => [
            loc.RequiresGrad ? new Tensor([TensorPrimitives.Sum(g.Values)], loc.ShapeArray) : null,
            scale.RequiresGrad ? new Tensor([TensorPrimitives.Dot(g.Values, noise)], scale.ShapeArray) : null]);
    }

    /// <summary>Fills the span with draws through <see cref="SampleInPlace"/> when unbatched, else as the base class does.</summary>
    protected override void SampleIntoCore(RandomStream random, Span<double> destination)
    {
        if (IsUnbatched)
        {
            SampleInPlace(random, destination);
            return;
        }

        base.SampleIntoCore(random, destination);
    }

    /// <summary>The normal kernel straight on the spans when unbatched, else as the base class does.</summary>
    protected override void LogProbIntoCore(ReadOnlySpan<double> values, Span<double> result)
    {
        if (IsUnbatched)
        {
            LogDensity(values, Loc.Values, Scale.Values, result);
            return;
        }

        base.LogProbIntoCore(values, result);
    }

    /// <summary>
    /// A mixture of this batch of normals (batch shape [K], univariate) by one fused pass, differentiable in the value,
    /// the weights and the parameters; other batch shapes go the general way.
    /// </summary>
    public override Tensor MixtureLogProb(Tensor value, Tensor logWeights)
    {
        if (BatchShapeArray.Length != 1)
        {
            return base.MixtureLogProb(value, logWeights);
        }

        int[] k = [BatchShapeArray[0]];
        return NormalMixtureLogDensity.Apply(value, logWeights, Loc.BroadcastTo(k), Scale.BroadcastTo(k));
    }

    /// <summary>The fused mixture pass on spans when the batch is [K], else the general way.</summary>
    private protected override void MixtureLogProbIntoCore(ReadOnlySpan<double> values, Tensor logWeights, Span<double> result)
    {
        if (BatchShapeArray.Length != 1)
        {
            base.MixtureLogProbIntoCore(values, logWeights, result);
            return;
        }

        int[] k = [BatchShapeArray[0]];
        NormalMixtureLogDensity.Forward(values, logWeights.Values, Loc.BroadcastTo(k).Values, Scale.BroadcastTo(k).Values, result);
    }

    /// <summary>One location and one scale: what the span kernels below handle.</summary>
    private bool IsUnbatched => Loc.Length == 1 && Scale.Length == 1 && BatchShapeArray.Length == 0;

    /// <summary>μ + σ ε into the span (the same roundings as the tensor expression: σ ε, then + μ).</summary>
    private void SampleInPlace(RandomStream random, Span<double> destination) =>
        random.FillNormal(destination, new ShiftedDraw(Loc.Data[0], Scale.Data[0]));

    /// <summary>destination = μ + σ·noise element by element (unbatched; the spans may be the same).</summary>
    private void ShiftInto(ReadOnlySpan<double> noise, Span<double> destination) =>
        LocationScale.ShiftInto(noise, Loc.Data.AsSpan(0, 1), Scale.Data.AsSpan(0, 1), destination);

    /// <summary>The standardised value z = (x - μ)·(1/σ), for a scalar and for four lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T StandardScore<T>(T x, T loc, T inverseScale)
        where T : ILane<T> => (x - loc) * inverseScale;

    /// <inheritdoc cref="StandardScore{T}"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static double StandardScore(double x, double loc, double inverseScale) => StandardScore<ScalarLane>(new(x), new(loc), new(inverseScale)).Value;

    /// <inheritdoc cref="StandardScore{T}"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<double> StandardScore(Vector256<double> x, Vector256<double> loc, Vector256<double> inverseScale) =>
        StandardScore<VectorLane>(new(x), new(loc), new(inverseScale)).Value;

    /// <summary>
    /// The one normal log-density, -½z² + c with c = <see cref="LogNormalizer"/>(σ) (plus a log-weight in a mixture),
    /// for a scalar and for four lanes (the same code, so the same bits).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T LogDensityOfScore<T>(T z, T logNormalizer)
        where T : ILane<T> => (T.Create(-0.5) * z * z) + logNormalizer;

    /// <inheritdoc cref="LogDensityOfScore{T}"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static double LogDensityOfScore(double z, double logNormalizer) => LogDensityOfScore<ScalarLane>(new(z), new(logNormalizer)).Value;

    /// <inheritdoc cref="LogDensityOfScore{T}"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<double> LogDensityOfScore(Vector256<double> z, Vector256<double> logNormalizer) =>
        LogDensityOfScore<VectorLane>(new(z), new(logNormalizer)).Value;

    /// <summary>-log σ - ½ log 2π, the constant of the log-density.</summary>
    internal static double LogNormalizer(double scale) => -Math.Log(scale) - ScalarMath.LogSqrtTwoPi;

    /// <summary>
    /// log N(x; μ, σ²) element by element, with <paramref name="loc"/> and <paramref name="scale"/> each of x's length
    /// or a single value: the normal log-density kernel behind <see cref="LogProb"/>, the span paths and the mixtures.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void LogDensity(ReadOnlySpan<double> x, ReadOnlySpan<double> loc, ReadOnlySpan<double> scale, Span<double> result, ReadOnlySpan<double> logNormalizer = default)
    {
        int n = x.Length;
        if (n == 0)
        {
            return;
        }

        CheckKernelLengths(n, loc.Length, scale.Length, result.Length, result.Length);
        int i = 0;
        int ls = loc.Length == 1 ? 0 : 1;
        bool sharedScale = scale.Length == 1;
        if (sharedScale || logNormalizer.Length == n)
        {
            // One σ (1/σ and log σ once), or log-normalisers given per element (1/σ by vector division): vector lanes,
            // then the same formula element by element.
            double inv = 1 / scale[0], c = sharedScale ? LogNormalizer(scale[0]) : 0;
            if (Vector256.IsHardwareAccelerated)
            {
                if (Vector512.IsHardwareAccelerated)
                {
                    i = sharedScale
                        ? LogDensityLanes<WideLane512, SharedScale>(x, loc, scale, logNormalizer, result, 0, inv, c)
                        : LogDensityLanes<WideLane512, ScalePerElement>(x, loc, scale, logNormalizer, result, 0, inv, c);
                }

                i = sharedScale
                    ? LogDensityLanes<WideLane256, SharedScale>(x, loc, scale, logNormalizer, result, i, inv, c)
                    : LogDensityLanes<WideLane256, ScalePerElement>(x, loc, scale, logNormalizer, result, i, inv, c);
            }

            for (; i < n; i++)
            {
                result[i] = LogDensityOfScore(StandardScore(x[i], loc[i * ls], sharedScale ? inv : 1 / scale[i]), sharedScale ? c : logNormalizer[i]);
            }

            return;
        }

        for (; i < n; i++)
        {
            result[i] = LogDensityOfScore(StandardScore(x[i], loc[i * ls], 1 / scale[i]), LogNormalizer(scale[i]));
        }
    }

    /// <summary>
    /// The log-normalisers of a σ that is broadcast over more values than it has (one <see cref="LogNormalizer"/> per
    /// element of σ's own shape, so once per distinct σ however far it is stretched), as an untracked input of the
    /// log-density op. A single σ, or one as long as the output, gets a placeholder the kernel does not read: there
    /// the kernel takes the logarithm itself, once or once per element, with no array to fill.
    /// </summary>
    private static Tensor LogNormalizers(Tensor scale, Tensor value, Tensor loc)
    {
        if (scale.Length == 1 || scale.Length >= Math.Max(value.Length, loc.Length))
        {
            return UnusedLogNormalizer;
        }

        var c = GC.AllocateUninitializedArray<double>(scale.Length);
        var sigma = scale.Data;
        for (int k = 0; k < c.Length; k++)
        {
            c[k] = LogNormalizer(sigma[k]);
        }

        return new Tensor(c, scale.ShapeArray);
    }

    private static readonly Tensor UnusedLogNormalizer = Tensor.Scalar(0);

    /// <summary>
    /// The kernels read μ and σ as one value or one per element and write one value per element: anything else is a
    /// caller's bug, refused before the unchecked vector loops could read or write past a span.
    /// </summary>
    private static void CheckKernelLengths(int n, int locLength, int scaleLength, int resultLength, int gradientLength)
    {
        if ((locLength != 1 && locLength != n) || (scaleLength != 1 && scaleLength != n) || resultLength < n || gradientLength < n)
        {
            throw new ArgumentException($"The normal kernel needs μ and σ of length 1 or {n} and outputs of at least {n}; got {locLength}, {scaleLength}, {resultLength} and {gradientLength}.");
        }
    }

    /// <summary>
    /// The vector-Jacobian product of <see cref="LogDensity"/>: with z = (x - μ)/σ, ∂/∂x = -z/σ, ∂/∂μ = z/σ and
    /// ∂/∂σ = (z² - 1)/σ, times <paramref name="g"/>, into each non-empty gradient span.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void LogDensityGradient(
        ReadOnlySpan<double> x, ReadOnlySpan<double> loc, ReadOnlySpan<double> scale, ReadOnlySpan<double> g, Span<double> gx, Span<double> gLoc, Span<double> gScale)
    {
        int n = x.Length;
        if (n == 0)
        {
            return;
        }

        CheckKernelLengths(n, loc.Length, scale.Length, g.Length, MinLengthOfNonEmpty(n, gx.Length, gLoc.Length, gScale.Length));
        int i = 0;
        int ls = loc.Length == 1 ? 0 : 1, ss = scale.Length == 1 ? 0 : 1;
        if (Vector256.IsHardwareAccelerated)
        {
            if (Vector512.IsHardwareAccelerated)
            {
                i = ss == 0
                    ? LogDensityGradientLanes<WideLane512, SharedScale>(x, loc, scale, g, gx, gLoc, gScale, 0)
                    : LogDensityGradientLanes<WideLane512, ScalePerElement>(x, loc, scale, g, gx, gLoc, gScale, 0);
            }

            i = ss == 0
                ? LogDensityGradientLanes<WideLane256, SharedScale>(x, loc, scale, g, gx, gLoc, gScale, i)
                : LogDensityGradientLanes<WideLane256, ScalePerElement>(x, loc, scale, g, gx, gLoc, gScale, i);
        }

        for (; i < n; i++)
        {
            var (locTerm, scaleTerm) = ScoreGradient(new ScalarLane(x[i]), new ScalarLane(loc[i * ls]), new ScalarLane(1 / scale[i * ss]), new ScalarLane(g[i]));
            if (!gx.IsEmpty)
            {
                gx[i] = -locTerm.Value;
            }

            if (!gLoc.IsEmpty)
            {
                gLoc[i] = locTerm.Value;
            }

            if (!gScale.IsEmpty)
            {
                gScale[i] = scaleTerm.Value;
            }
        }
    }

    /// <summary>
    /// The vector part of <see cref="LogDensity"/> from <paramref name="start"/>, <typeparamref name="T"/>'s lanes at a time
    /// (lengths already checked): μ shared or per element; σ shared (1/σ and the log-normaliser given) or per element
    /// (1/σ by vector division, which rounds as the scalar division does, and the log-normalisers from
    /// <paramref name="logNormalizer"/>). The same operations as the scalar loop, so the same bits at every width;
    /// returns the index it reached. Its own method with no call in its loop: inside a method whose loop calls the
    /// logarithm, the loop index lived on the stack and the loop ran at half speed.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static int LogDensityLanes<T, TScale>(
        ReadOnlySpan<double> x, ReadOnlySpan<double> loc, ReadOnlySpan<double> scale, ReadOnlySpan<double> logNormalizer, Span<double> result, int start, double inverseScale, double sharedLogNormalizer)
        where T : struct, IWideLane<T>
        where TScale : struct, IScaleLayout
    {
        int n = x.Length, i = start;
        bool sharedLoc = loc.Length == 1;
        ref double xr = ref MemoryMarshal.GetReference(x);
        ref double lr = ref MemoryMarshal.GetReference(loc);
        ref double sr = ref MemoryMarshal.GetReference(scale);
        ref double cr = ref MemoryMarshal.GetReference(logNormalizer);
        ref double rr = ref MemoryMarshal.GetReference(result);
        T mean = T.Create(lr), inverse = T.Create(inverseScale), constant = T.Create(sharedLogNormalizer), one = T.Create(1);
        for (; i <= n - T.Count; i += T.Count)
        {
            var m = sharedLoc ? mean : T.LoadUnsafe(ref lr, (nuint)i);
            var inv = TScale.Shared ? inverse : one / T.LoadUnsafe(ref sr, (nuint)i);
            var c = TScale.Shared ? constant : T.LoadUnsafe(ref cr, (nuint)i);
            LogDensityOfScore(StandardScore(T.LoadUnsafe(ref xr, (nuint)i), m, inv), c).StoreUnsafe(ref rr, (nuint)i);
        }

        return i;
    }

    /// <summary>
    /// The vector part of <see cref="LogDensityGradient"/> from <paramref name="start"/>, <typeparamref name="T"/>'s lanes
    /// at a time (lengths already checked): 1/σ once for a shared σ, else by vector division per element (rounded as the
    /// scalar division is), then the same <see cref="ScoreGradient{T}"/> as the scalar loop, so the same bits at every
    /// width; returns the index it reached.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static int LogDensityGradientLanes<T, TScale>(
        ReadOnlySpan<double> x, ReadOnlySpan<double> loc, ReadOnlySpan<double> scale, ReadOnlySpan<double> g, Span<double> gx, Span<double> gLoc, Span<double> gScale, int start)
        where T : struct, IWideLane<T>
        where TScale : struct, IScaleLayout
    {
        int n = x.Length, i = start;
        bool sharedLoc = loc.Length == 1, wantX = !gx.IsEmpty, wantLoc = !gLoc.IsEmpty, wantScale = !gScale.IsEmpty;
        ref double xr = ref MemoryMarshal.GetReference(x);
        ref double lr = ref MemoryMarshal.GetReference(loc);
        ref double sr = ref MemoryMarshal.GetReference(scale);
        ref double gr = ref MemoryMarshal.GetReference(g);
        ref double gxr = ref MemoryMarshal.GetReference(gx);
        ref double glr = ref MemoryMarshal.GetReference(gLoc);
        ref double gsr = ref MemoryMarshal.GetReference(gScale);
        T mean = T.Create(lr), inverse = T.Create(1 / sr), one = T.Create(1);
        for (; i <= n - T.Count; i += T.Count)
        {
            var m = sharedLoc ? mean : T.LoadUnsafe(ref lr, (nuint)i);
            var inv = TScale.Shared ? inverse : one / T.LoadUnsafe(ref sr, (nuint)i);
            var (locTerm, scaleTerm) = ScoreGradient(T.LoadUnsafe(ref xr, (nuint)i), m, inv, T.LoadUnsafe(ref gr, (nuint)i));
            if (wantX)
            {
                T.Negate(locTerm).StoreUnsafe(ref gxr, (nuint)i);
            }

            if (wantLoc)
            {
                locTerm.StoreUnsafe(ref glr, (nuint)i);
            }

            if (wantScale)
            {
                scaleTerm.StoreUnsafe(ref gsr, (nuint)i);
            }
        }

        return i;
    }

    /// <summary>The shortest of the gradient spans that will be written (empty ones are skipped), or n when none is.</summary>
    private static int MinLengthOfNonEmpty(int n, int a, int b, int c) =>
        Math.Min(a == 0 ? n : a, Math.Min(b == 0 ? n : b, c == 0 ? n : c));

    /// <summary>
    /// g·z/σ (the derivative with respect to μ, and minus that with respect to x) and g·(z² - 1)/σ (with respect to σ),
    /// z = (x - μ)/σ: the one statement of the normal log-density's gradient, for a scalar and for four lanes.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (T LocTerm, T ScaleTerm) ScoreGradient<T>(T x, T loc, T inverseScale, T g)
        where T : ILane<T>
    {
        var z = StandardScore(x, loc, inverseScale);
        return (g * z * inverseScale, g * ((z * z) - T.Create(1)) * inverseScale);
    }

    /// <summary>
    /// Whether the lane kernels read one σ or one per element, as a type: the JIT compiles each case on its own, so the
    /// choice costs nothing inside the loop (a run-time flag there made the gradient loop 1.7× slower, measured).
    /// </summary>
    private interface IScaleLayout
    {
        static abstract bool Shared { get; }
    }

    /// <summary>One σ for every element.</summary>
    private readonly struct SharedScale : IScaleLayout
    {
        public static bool Shared => true;
    }

    /// <summary>A σ per element.</summary>
    private readonly struct ScalePerElement : IScaleLayout
    {
        public static bool Shared => false;
    }

    /// <summary>log N(x; μ, σ²) as an op of the autodiff engine: <see cref="LogDensity"/> forward, <see cref="LogDensityGradient"/> backward.</summary>
    /// <summary>Inputs (x, μ, σ, log-normalisers of σ); the last is a cache of <see cref="LogNormalizers"/>, never differentiated.</summary>
    private sealed class LogDensityOp() : CustomOp("normal log-density", 4)
    {
        public static readonly LogDensityOp Instance = new();

        public override void Forward(in CustomOpBlock block, Span<double> output) =>
            LogDensity(block.Input(0), Narrow(block, 1), Narrow(block, 2), output, block.IsUniform(2) ? default : block.Input(3));

        public override void Backward(in CustomOpBlock block, ReadOnlySpan<double> output, ReadOnlySpan<double> outputGradient) =>
            LogDensityGradient(block.Input(0), Narrow(block, 1), Narrow(block, 2), outputGradient, block.Gradient(0), block.Gradient(1), block.Gradient(2));

        /// <summary>The location and scale go through <see cref="Narrow"/>: a uniform one is read from its first element only.</summary>
        internal override bool ReadsUniformInputOnce(int k) => k is 1 or 2 or 3;

        /// <summary>A uniform input as its one value, so the kernel computes 1/σ and log σ once.</summary>
        private static ReadOnlySpan<double> Narrow(in CustomOpBlock block, int k) => block.IsUniform(k) ? block.Input(k)[..1] : block.Input(k);
    }
}
