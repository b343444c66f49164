using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using KlDivergence.Tensors;

namespace KlDivergence.Random;

/// <summary>
/// A seeded, reproducible stream of random numbers: the xoshiro256** generator (Blackman &amp; Vigna 2021,
/// "Scrambled Linear Pseudorandom Number Generators", ACM TOMS 47(4)) seeded through SplitMix64 (Steele, Lea &amp;
/// Flood 2014). The same seed gives bit-identical output on every run and platform.
/// </summary>
/// <remarks>
/// Normals come from a 256-layer ziggurat (Marsaglia &amp; Tsang 2000) that takes the layer, the sign and the
/// 53-bit uniform from disjoint bits of one 64-bit draw, so they are independent (Doornik 2005's fix of the
/// original's correlated bits). Instances are not thread-safe; give each thread its own stream via <see cref="Split"/>.
/// </remarks>
public sealed class RandomStream
{
    private ulong _s0;
    private ulong _s1;
    private ulong _s2;
    private ulong _s3;

    /// <summary>Creates a stream whose whole output is determined by <paramref name="seed"/>.</summary>
    /// <param name="seed">Any 64-bit value, zero included.</param>
    public RandomStream(ulong seed)
    {
        // SplitMix64 expands the seed so that nearby seeds give unrelated states (and never the all-zero state
        // for which xoshiro is stuck: SplitMix64's output is a bijection of distinct counter values).
        ulong sm = seed;
        _s0 = SplitMix64(ref sm);
        _s1 = SplitMix64(ref sm);
        _s2 = SplitMix64(ref sm);
        _s3 = SplitMix64(ref sm);
    }

    /// <summary>Creates a stream from a 32-bit seed; equal to <c>new RandomStream((ulong)(long)seed)</c>.</summary>
    /// <param name="seed">Any 32-bit value; negative values are sign-extended.</param>
    public RandomStream(int seed)
        : this((ulong)(long)seed)
    {
    }

    private RandomStream(ulong s0, ulong s1, ulong s2, ulong s3)
    {
        _s0 = s0;
        _s1 = s1;
        _s2 = s2;
        _s3 = s3;
    }

    /// <summary>Creates a stream from a raw xoshiro256** state (for checking against the reference vectors).</summary>
    /// <exception cref="ArgumentException">All four words are zero.</exception>
    internal static RandomStream FromState(ulong s0, ulong s1, ulong s2, ulong s3)
    {
        if ((s0 | s1 | s2 | s3) == 0)
        {
            throw new ArgumentException("The xoshiro256** state must not be all zero.", nameof(s0));
        }

        return new RandomStream(s0, s1, s2, s3);
    }

    /// <summary>One SplitMix64 step: advance the counter by the golden gamma and return its mixed value.</summary>
    internal static ulong SplitMix64(ref ulong state)
    {
        // Constants from Steele, Lea & Flood, "Fast Splittable Pseudorandom Number Generators", OOPSLA 2014.
        ulong z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Returns the next 64 uniformly distributed random bits.</summary>
    /// <returns>A uniform 64-bit value.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong NextUInt64()
    {
        ulong s0 = _s0, s1 = _s1, s2 = _s2, s3 = _s3;
        ulong result = Next(ref s0, ref s1, ref s2, ref s3);
        _s0 = s0;
        _s1 = s1;
        _s2 = s2;
        _s3 = s3;
        return result;
    }

    /// <summary>Returns a uniform double in [0, 1) with 53 random bits (multiples of 2⁻⁵³).</summary>
    /// <returns>A value in [0, 1).</returns>
    public double NextDouble() => HalfOpen.From(NextUInt64());

    /// <summary>
    /// Returns a uniform double in the open interval (0, 1): (k + ½) 2⁻⁵², never 0 or 1, so its logarithm is
    /// always finite.
    /// </summary>
    /// <returns>A value in (0, 1).</returns>
    public double NextOpenDouble() => Open.From(NextUInt64());

    /// <summary>Fills <paramref name="destination"/> with uniform doubles in [0, 1), the same values successive
    /// <see cref="NextDouble"/> calls would give.</summary>
    /// <param name="destination">The span to fill.</param>
    public void FillUniform(Span<double> destination) => FillFromBits<HalfOpen>(destination);

    /// <summary>Fills <paramref name="destination"/> with uniform doubles in (0, 1), the same values successive
    /// <see cref="NextOpenDouble"/> calls would give.</summary>
    /// <param name="destination">The span to fill.</param>
    public void FillOpenUniform(Span<double> destination) => FillFromBits<Open>(destination);

    /// <summary>How a uniform double is made from 64 random bits: one type per interval, so each fill loop is compiled for its own.</summary>
    private interface IUniformForm
    {
        static abstract double From(ulong bits);
    }

    /// <summary>[0, 1): the top 53 bits times 2⁻⁵³, as <see cref="NextDouble"/>.</summary>
    private readonly struct HalfOpen : IUniformForm
    {
        // bits >> 11 < 2⁵³, so the signed conversion is exact and cheaper than the unsigned one.
        public static double From(ulong bits) => (long)(bits >> 11) * ZigguratTables.TwoPowMinus53;
    }

    /// <summary>(0, 1): (k + ½) 2⁻⁵² from the top 52 bits, as <see cref="NextOpenDouble"/>.</summary>
    private readonly struct Open : IUniformForm
    {
        public static double From(ulong bits) => ((long)(bits >> 12) + 0.5) * (1.0 / (1UL << 52));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void FillFromBits<TForm>(Span<double> destination)
        where TForm : IUniformForm
    {
        ulong s0 = _s0, s1 = _s1, s2 = _s2, s3 = _s3;
        for (int i = 0; i < destination.Length; i++)
        {
            // xoshiro256** step written out: passing the locals by ref to a helper makes the JIT keep them on the stack.
            ulong bits = ulong.RotateLeft(s1 * 5, 7) * 9;
            ulong t = s1 << 17;
            s2 ^= s0;
            s3 ^= s1;
            s1 ^= s2;
            s0 ^= s3;
            s2 ^= t;
            s3 = ulong.RotateLeft(s3, 45);
            destination[i] = TForm.From(bits);
        }

        _s0 = s0;
        _s1 = s1;
        _s2 = s2;
        _s3 = s3;
    }

    /// <summary>Returns a uniform integer in [0, <paramref name="maxExclusive"/>), without modulo bias.</summary>
    /// <param name="maxExclusive">The exclusive upper bound; must be positive.</param>
    /// <returns>An integer in [0, maxExclusive).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxExclusive"/> is zero or negative.</exception>
    public int NextInt(int maxExclusive)
    {
        if (maxExclusive <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(maxExclusive), maxExclusive, "The exclusive upper bound must be positive.");
        }

        // Lemire 2019, "Fast Random Integer Generation in an Interval", ACM TOMOCS 29(1): the high word of x·n is
        // uniform once the low words below 2⁶⁴ mod n are rejected.
        ulong n = (ulong)maxExclusive;
        ulong high = Math.BigMul(NextUInt64(), n, out ulong low);
        if (low < n)
        {
            ulong threshold = (0UL - n) % n;
            while (low < threshold)
            {
                high = Math.BigMul(NextUInt64(), n, out low);
            }
        }

        return (int)high;
    }

    /// <summary>
    /// Draws an index from a categorical distribution given by its cumulative (unnormalised) probabilities:
    /// index i is returned with probability (c[i] − c[i−1]) / c[^1].
    /// </summary>
    /// <param name="cumulativeProbabilities">Non-decreasing, non-negative cumulative weights; the last must be positive and finite.</param>
    /// <returns>An index into <paramref name="cumulativeProbabilities"/>.</returns>
    /// <exception cref="ArgumentException">The span is empty, or its last element is not positive and finite.</exception>
    public int NextCategorical(ReadOnlySpan<double> cumulativeProbabilities)
    {
        if (cumulativeProbabilities.IsEmpty)
        {
            throw new ArgumentException("At least one category is needed.", nameof(cumulativeProbabilities));
        }

        double total = cumulativeProbabilities[^1];
        if (!(total > 0) || double.IsPositiveInfinity(total))
        {
            throw new ArgumentException($"The last cumulative probability must be positive and finite, but was {total}.", nameof(cumulativeProbabilities));
        }

        // First index whose cumulative weight exceeds u·total (zero-weight categories are never hit), by a binary search
        // whose step is arithmetic, not a branch: which half holds the draw is a coin toss, and a mispredicted
        // branch per halving cost more than the rest of the draw. The answer stays in [first, first + length).
        double target = NextDouble() * total;
        ref double start = ref MemoryMarshal.GetReference(cumulativeProbabilities);
        int first = 0, length = cumulativeProbabilities.Length;
        while (length > 1)
        {
            int half = length >> 1;
            // The comparison as a byte (a setcc), then a mask: the JIT turns a floating-point ternary into a branch.
            bool right = Unsafe.Add(ref start, first + half - 1) <= target;
            first += half & -Unsafe.As<bool, byte>(ref right);
            length -= half;
        }

        return first;
    }

    /// <summary>Returns a standard normal N(0, 1) draw (the same sequence <see cref="FillStandardNormal"/> gives).</summary>
    /// <returns>A standard normal value.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public double NextStandardNormal()
    {
        ulong bits = NextUInt64();
        nint index = (nint)(bits & 0x1FF);
        ulong u = bits >> 11;
        ref ulong k = ref MemoryMarshal.GetArrayDataReference(ZigguratTables.K);
        if (u < Unsafe.Add(ref k, index))
        {
            ref double w = ref MemoryMarshal.GetArrayDataReference(ZigguratTables.W);
            return (long)u * Unsafe.Add(ref w, index);
        }

        return NormalSlowPath(bits);
    }

    /// <summary>
    /// Fills <paramref name="destination"/> with independent standard normal draws: the values successive
    /// <see cref="NextStandardNormal"/> calls would give, at a few nanoseconds each.
    /// </summary>
    /// <param name="destination">The span to fill.</param>
    public void FillStandardNormal(Span<double> destination) => FillNormal(destination, default(UnchangedDraw));

    /// <summary>
    /// Fills <paramref name="destination"/> with <paramref name="map"/> applied to the draws
    /// <see cref="FillStandardNormal"/> gives: a family's location and scale applied while each draw is still in a
    /// register, instead of in a second pass over the span (the draw loop waits on the generator's state, so the
    /// map's arithmetic costs nothing there).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal void FillNormal<TMap>(Span<double> destination, TMap map)
        where TMap : struct, IDrawMap
    {
        int i = 0;
        while (i < destination.Length)
        {
            // The call-free core loop runs until a draw misses its layer's core (about 1.2 % of draws);
            // keeping the rare slow path out of that loop keeps the whole state in registers.
            i = FillNormalCores(destination, i, map, out ulong bits);
            if (i < destination.Length)
            {
                destination[i++] = map.Apply(NormalSlowPath(bits));
            }
        }
    }

    /// <summary>
    /// Returns a Gamma(shape, 1) draw by Marsaglia &amp; Tsang 2000 ("A Simple Method for Generating Gamma
    /// Variables", ACM TOMS 26(3)); for shape &lt; 1 it is exp(<see cref="NextLogGamma"/>), the same draw.
    /// </summary>
    /// <remarks>
    /// Never 0: a draw below the smallest positive double (about half of all draws at shape 0.001, since
    /// P(X &lt; 5e-324) ≈ (5e-324)^α) is returned as <see cref="double.Epsilon"/>, so it stays in the support and its
    /// log-density is finite, but its logarithm reads −744.4 where the true one is smaller. Where such draws matter
    /// (ratios, logarithms), use <see cref="NextLogGamma"/>, which keeps them exactly.
    /// </remarks>
    /// <param name="shape">The shape α &gt; 0 (finite).</param>
    /// <returns>A draw in [ε, ∞) with mean α and variance α.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="shape"/> is not positive and finite.</exception>
    public double NextGamma(double shape)
    {
        CheckShape(shape);
        return shape < 1 ? Math.Max(Math.Exp(NextLogGammaBelowOne(shape)), double.Epsilon) : NextGammaAtLeastOne(shape);
    }

    /// <summary>
    /// Returns the logarithm of a Gamma(shape, 1) draw, finite where the draw itself underflows double (shape &lt; 1:
    /// log X = log G + (log U)/α with G ~ Gamma(α + 1), U ~ Uniform(0, 1), Marsaglia &amp; Tsang's boost of their
    /// section 6 taken in logs). Consumes the stream exactly as <see cref="NextGamma"/> does.
    /// </summary>
    /// <param name="shape">The shape α &gt; 0 (finite).</param>
    /// <returns>log X; −∞ only when α is below about 2e-307 and (log U)/α is below −1.8e308.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="shape"/> is not positive and finite.</exception>
    public double NextLogGamma(double shape)
    {
        CheckShape(shape);
        return shape < 1 ? NextLogGammaBelowOne(shape) : Math.Log(NextGammaAtLeastOne(shape));
    }

    /// <summary>
    /// Returns a Poisson(rate) draw, exact in distribution, in expected time bounded independently of the rate:
    /// Knuth's multiplication method below 10, above it Hörmann's PTRS transformed rejection with squeeze ("The
    /// transformed rejection method for generating Poisson random variables", Insurance: Mathematics and Economics
    /// 12, 1993), whose acceptance test uses Loader's saddle-point log-probability so it stays exact at rates up to
    /// 2⁵³ (above it draws are whole doubles, the nearest the grid allows).
    /// </summary>
    /// <param name="rate">The rate λ &gt; 0 (finite).</param>
    /// <returns>A whole number k ≥ 0.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="rate"/> is not positive and finite.</exception>
    public double NextPoisson(double rate)
    {
        if (!(rate > 0) || double.IsPositiveInfinity(rate))
        {
            throw new ArgumentOutOfRangeException(nameof(rate), rate, $"The Poisson rate must be positive and finite, got {rate.ToString("G", CultureInfo.InvariantCulture)}.");
        }

        if (rate < 10)
        {
            // Knuth (TAOCP vol. 2, 3.4.1): the number of uniforms whose running product stays above e^−λ.
            double limit = Math.Exp(-rate), product = NextDouble();
            int k = 0;
            while (product > limit)
            {
                k++;
                product *= NextDouble();
            }

            return k;
        }

        // PTRS constants from Hörmann (1993), table of algorithm PTRS.
        double sqrtRate = Math.Sqrt(rate);
        double b = 0.931 + (2.53 * sqrtRate), a = -0.059 + (0.02483 * b);
        double logInvAlpha = Math.Log(1.1239 + (1.1328 / (b - 3.4))), vr = 0.9277 - (3.6224 / (b - 2));
        while (true)
        {
            double u = NextDouble() - 0.5, v = NextDouble();
            double us = 0.5 - Math.Abs(u);
            double k = Math.Floor((((2 * a / us) + b) * u) + rate + 0.43);
            if (us >= 0.07 && v <= vr)
            {
                return k;
            }

            if (k < 0 || (us < 0.013 && v > us))
            {
                continue;
            }

            if (Math.Log(v) + logInvAlpha - Math.Log((a / (us * us)) + b) <= SaddlePointPmf.LogPoisson(k, rate))
            {
                return k;
            }
        }
    }

    /// <summary>
    /// Returns a Binomial(count, probability) draw, exact in distribution, in expected time bounded independently
    /// of the count: inversion (Kachitvichyanukul &amp; Schmeiser's BINV, 1988) when n·min(p, 1 − p) &lt; 10, else
    /// Hörmann's BTRS transformed rejection ("The generation of binomial random variates", J. Statist. Comput.
    /// Simul. 46, 1993) with Loader's saddle-point log-probabilities in the acceptance test, exact for n up to 2⁵³.
    /// </summary>
    /// <param name="count">The number of trials n: a whole number in [0, 2⁵³].</param>
    /// <param name="probability">The success probability p in [0, 1].</param>
    /// <returns>A whole number in [0, n].</returns>
    /// <exception cref="ArgumentOutOfRangeException">A parameter is out of range; the message names it and its value.</exception>
    public double NextBinomial(double count, double probability)
    {
        if (!(count >= 0) || count > MaxExactCount || count != Math.Floor(count))
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, $"The binomial count must be a whole number in [0, 2^53 = 9007199254740992], got {count.ToString("G", CultureInfo.InvariantCulture)}.");
        }

        if (!(probability >= 0 && probability <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(probability), probability, $"The binomial probability must be in [0, 1], got {probability.ToString("G", CultureInfo.InvariantCulture)}.");
        }

        // Reflect so p ≤ ½: 1 − p is exact for p ≥ ½ (Sterbenz), and both algorithms assume the smaller tail.
        return probability > 0.5 ? count - BinomialSmallP(count, 1 - probability) : BinomialSmallP(count, probability);
    }

    /// <summary>
    /// Returns an independent child stream and advances this one. The child's state is four outputs of this
    /// stream, each passed through the SplitMix64 finaliser so the child does not replay this stream's values.
    /// </summary>
    /// <returns>A new stream, deterministic given this stream's state.</returns>
    public RandomStream Split()
    {
        // Random 256-bit states rather than jump(): nested splits of jumped streams would overlap (a child's
        // jump lands on its parent's next block), while random states overlap with negligible probability.
        ulong a = NextUInt64(), b = NextUInt64(), c = NextUInt64(), d = NextUInt64();
        var child = new RandomStream(Mix(a), Mix(b), Mix(c), Mix(d));
        if ((child._s0 | child._s1 | child._s2 | child._s3) == 0)
        {
            child._s0 = 0x9E3779B97F4A7C15UL;
        }

        return child;

        static ulong Mix(ulong x) => SplitMix64(ref x);
    }

    /// <summary>
    /// The stream of chunk <paramref name="index"/> of a parallel computation: a function of this stream's state and
    /// the index only (this stream does not advance), so each chunk's draws are the same whichever worker runs it.
    /// </summary>
    internal RandomStream Substream(ulong index)
    {
        // Fold the state and the index into one SplitMix64 counter, then expand it as the seed constructor does:
        // distinct indices give unrelated states.
        ulong key = _s0 ^ ulong.RotateLeft(_s1, 17) ^ ulong.RotateLeft(_s2, 31) ^ ulong.RotateLeft(_s3, 47);
        ulong mixedIndex = index;
        key ^= SplitMix64(ref mixedIndex);
        var child = new RandomStream(SplitMix64(ref key), SplitMix64(ref key), SplitMix64(ref key), SplitMix64(ref key));
        if ((child._s0 | child._s1 | child._s2 | child._s3) == 0)
        {
            child._s0 = 0x9E3779B97F4A7C15UL;
        }

        return child;
    }

    /// <summary>One xoshiro256** step over a state held in locals (Blackman &amp; Vigna's reference algorithm).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Next(ref ulong s0, ref ulong s1, ref ulong s2, ref ulong s3)
    {
        ulong result = ulong.RotateLeft(s1 * 5, 7) * 9;
        ulong t = s1 << 17;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = ulong.RotateLeft(s3, 45);
        return result;
    }

    /// <summary>
    /// Writes ziggurat core draws from <paramref name="start"/> on and stops at the first draw outside its
    /// layer's core, returning its index (or the length) and its bits.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int FillNormalCores<TMap>(Span<double> destination, int start, TMap map, out ulong missedBits)
        where TMap : struct, IDrawMap
    {
        // Tables first: their class-initialisation check is a possible call, and state loaded before it
        // would be homed on the stack for the whole loop.
        ref ulong k = ref MemoryMarshal.GetArrayDataReference(ZigguratTables.K);
        ref double w = ref MemoryMarshal.GetArrayDataReference(ZigguratTables.W);
        ulong s0 = _s0, s1 = _s1, s2 = _s2, s3 = _s3;
        // A local copy: with the parameter itself the JIT stored the map's fields back to the stack every iteration,
        // a store-to-load chain through memory that made the loop slower than the separate pass it replaces.
        TMap local = map;
        ref double dst = ref MemoryMarshal.GetReference(destination);
        int n = destination.Length;
        int i = start;
        missedBits = 0;
        for (; i < n; i++)
        {
            // xoshiro256** step written out: passing the locals by ref to a helper makes the JIT keep them on the stack.
            ulong bits = ulong.RotateLeft(s1 * 5, 7) * 9;
            ulong t = s1 << 17;
            s2 ^= s0;
            s3 ^= s1;
            s1 ^= s2;
            s0 ^= s3;
            s2 ^= t;
            s3 = ulong.RotateLeft(s3, 45);
            nint index = (nint)(bits & 0x1FF);
            ulong u = bits >> 11;
            if (u >= Unsafe.Add(ref k, index))
            {
                missedBits = bits;
                break;
            }

            // u < 2⁵³, so the signed conversion is exact and cheaper than the unsigned one.
            Unsafe.Add(ref dst, i) = local.Apply((long)u * Unsafe.Add(ref w, index));
        }

        _s0 = s0;
        _s1 = s1;
        _s2 = s2;
        _s3 = s3;
        return i;
    }

    /// <summary>Gives <paramref name="magnitude"/> the sign in bit 8 of <paramref name="bits"/>, without a branch.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double WithSign(double magnitude, ulong bits) =>
        BitConverter.Int64BitsToDouble(BitConverter.DoubleToInt64Bits(magnitude) ^ (long)((bits & 0x100) << 55));

    /// <summary>The ziggurat's rare branches: the tail of the base layer, and the wedges of the others.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private double NormalSlowPath(ulong bits)
    {
        while (true)
        {
            int layer = (int)(bits & 0xFF);
            ulong u = bits >> 11;
            if (u < ZigguratTables.K[layer])
            {
                return WithSign((long)u * ZigguratTables.W[layer], bits);
            }

            if (layer == 0)
            {
                // Tail beyond r (Marsaglia 1964): x = −ln(U₁)/r, y = −ln(U₂), accept when 2y > x².
                double x, y;
                do
                {
                    x = -Math.Log(NextOpenDouble()) / ZigguratTables.TailStart;
                    y = -Math.Log(NextOpenDouble());
                }
                while (y + y <= x * x);
                return WithSign(ZigguratTables.TailStart + x, bits);
            }

            // Wedge: z is beyond layer i's core; accept under the curve between f(xᵢ) and f(xᵢ₊₁). The chord decides
            // most points, the exponential only those near the curve: the same verdicts, without most exponentials.
            double z = (long)u * ZigguratTables.W[layer];
            double uniform = NextDouble();
            int verdict = ZigguratTables.Squeeze(layer, u, uniform);
            if (verdict > 0 || (verdict == 0 && ZigguratTables.UnderCurve(layer, z, uniform)))
            {
                return WithSign(z, bits);
            }

            bits = NextUInt64();
        }
    }

    /// <summary>2⁵³: every whole number up to it is exact in double, so counts above it cannot be drawn exactly.</summary>
    internal const double MaxExactCount = 9007199254740992.0;

    private static void CheckShape(double shape)
    {
        if (!(shape > 0) || double.IsPositiveInfinity(shape))
        {
            throw new ArgumentOutOfRangeException(nameof(shape), shape, $"The gamma shape must be positive and finite, got {shape.ToString("G", CultureInfo.InvariantCulture)}.");
        }
    }

    /// <summary>log G(α + 1) + (log U)/α for 0 &lt; α &lt; 1 (G first, then U: the order <see cref="NextGamma"/> always used).</summary>
    private double NextLogGammaBelowOne(double shape)
    {
        double logBoosted = Math.Log(NextGammaAtLeastOne(shape + 1.0));
        return logBoosted + (Math.Log(NextOpenDouble()) / shape);
    }

    /// <summary>Binomial(n, p) for p ≤ ½: inversion for small means, BTRS otherwise.</summary>
    private double BinomialSmallP(double n, double p)
    {
        if (n == 0 || p == 0)
        {
            return 0;
        }

        double mean = n * p;
        return mean < 10 ? BinomialByInversion(n, p) : BinomialByTransformedRejection(n, p, mean);
    }

    /// <summary>
    /// BINV: walk the pmf from k = 0 with the recurrence P(k) = P(k − 1)·(p/q)(n − k + 1)/k until the uniform is
    /// used up; restart (as BINV does) in the rare event that rounding leaves mass unspent past k = 110 or n.
    /// </summary>
    private double BinomialByInversion(double n, double p)
    {
        double ratio = p / (1 - p), first = Math.Exp(n * ScalarMath.Log1p(-p));
        double limit = Math.Min(n, 110);
        while (true)
        {
            double u = NextDouble(), f = first;
            double k = 0;
            while (u > f)
            {
                u -= f;
                k++;
                if (k > limit)
                {
                    break;
                }

                f *= ratio * (n - k + 1) / k;
            }

            if (k <= limit)
            {
                return k;
            }
        }
    }

    /// <summary>
    /// BTRS (Hörmann 1993): a transformed-rejection hat around the mode m with a quick-acceptance region, then the
    /// exact test log V ≤ log P(k) − log P(m). Valid for np ≥ 10, p ≤ ½.
    /// </summary>
    private double BinomialByTransformedRejection(double n, double p, double mean)
    {
        // Constants of algorithm BTRS.
        double spq = Math.Sqrt(mean * (1 - p));
        double b = 1.15 + (2.53 * spq), a = -0.0873 + (0.0248 * b) + (0.01 * p), c = mean + 0.5;
        double vr = 0.92 - (4.2 / b), logAlpha = Math.Log((2.83 + (5.1 / b)) * spq);
        double mode = Math.Floor((n + 1) * p);
        double logPMode = SaddlePointPmf.LogBinomial(mode, n, p);
        while (true)
        {
            double u = NextDouble() - 0.5, v = NextDouble();
            double us = 0.5 - Math.Abs(u);
            double k = Math.Floor((((2 * a / us) + b) * u) + c);
            if (!(k >= 0 && k <= n))
            {
                continue;
            }

            if (us >= 0.07 && v <= vr)
            {
                return k;
            }

            if (Math.Log(v) + logAlpha - Math.Log((a / (us * us)) + b) <= SaddlePointPmf.LogBinomial(k, n, p) - logPMode)
            {
                return k;
            }
        }
    }

    /// <summary>Marsaglia &amp; Tsang's squeeze-and-reject loop for shape ≥ 1.</summary>
    private double NextGammaAtLeastOne(double shape)
    {
        double d = shape - 1.0 / 3.0;
        double c = 1.0 / Math.Sqrt(9.0 * d);
        while (true)
        {
            double x, v;
            do
            {
                x = NextStandardNormal();
                v = 1.0 + c * x;
            }
            while (v <= 0);

            v = v * v * v;
            double u = NextOpenDouble();
            double x2 = x * x;

            // Cheap squeeze first, then the exact log test (their equations in section 3).
            if (u < 1.0 - 0.0331 * x2 * x2 || Math.Log(u) < 0.5 * x2 + d * (1.0 - v + Math.Log(v)))
            {
                return d * v;
            }
        }
    }
}
