namespace KlDivergence.Random;

/// <summary>
/// Layer tables of the 256-layer ziggurat for the half-normal density f(x) = exp(-x²/2)
/// (Marsaglia &amp; Tsang 2000, "The Ziggurat Method for Generating Random Variables", J. Stat. Softw. 5(8)).
/// </summary>
/// <remarks>
/// Layer 0 is the base strip (the rectangle [0, r] × [0, f(r)] plus the tail beyond r) of area
/// <see cref="LayerArea"/>, given the pseudo-width x₀ = v / f(r); layers 1..255 are rectangles of width xᵢ
/// from height f(xᵢ) up to f(xᵢ₊₁), with x₁ = r, xᵢ₊₁ = f⁻¹(f(xᵢ) + v / xᵢ) and x₂₅₆ = 0.
/// All layers have the same area v, so the layer is drawn uniformly.
/// </remarks>
internal static class ZigguratTables
{
    /// <summary>Number of layers; a power of two so the layer is eight random bits.</summary>
    public const int LayerCount = 256;

    /// <summary>
    /// Right edge r of the base rectangle for 256 layers: the root of the closing condition
    /// f(x₂₅₅) + v/x₂₅₅ = 1, solved by bisection in 40-digit arithmetic (matches Marsaglia &amp; Tsang's 3.6541528853610088).
    /// </summary>
    public const double TailStart = 3.6541528853610087716;

    /// <summary>Common layer area v = r f(r) + ∫_r^∞ f, for the same r (40-digit evaluation).</summary>
    public const double LayerArea = 0.0049286732339746553474;

    /// <summary>2⁻⁵³: scales a 53-bit integer to [0, 1).</summary>
    public const double TwoPowMinus53 = 1.0 / (1UL << 53);

    /// <summary>
    /// Acceptance thresholds, indexed by the nine low bits j (layer i = j mod 256, sign = bit 8): a 53-bit
    /// integer u is inside layer i's core when u &lt; K[j] = ⌊2⁵³ xᵢ₊₁ / xᵢ⌋.
    /// </summary>
    public static readonly ulong[] K = new ulong[2 * LayerCount];

    /// <summary>
    /// Signed scaled widths, W[j] = ±xᵢ 2⁻⁵³ (negative when bit 8 of j is set), so z = u W[j] is uniform in
    /// (−xᵢ, 0] or [0, xᵢ): folding the sign into the table saves the bit manipulation in the hot loop.
    /// </summary>
    public static readonly double[] W = new double[2 * LayerCount];

    /// <summary>F[i] = f(xᵢ) for i = 0..256 (F[256] = 1, the peak); F[0] is unused.</summary>
    public static readonly double[] F = new double[LayerCount + 1];

    /// <summary>
    /// How far rounding in <see cref="Squeeze"/>'s inputs and in the wedge test can move a point, in the wedge's
    /// normalised units: those errors are below 1e-11 (the F spread of a layer is at least 1.4e-3), so the squeeze
    /// decides only points at least this far from the curve, where the exponential's test decides the same way.
    /// </summary>
    private const double SqueezeMargin = 1e-9;

    /// <summary>Per layer, 1/(1 - xᵢ₊₁/xᵢ): the chord's height t = (1 - q)/(1 - xᵢ₊₁/xᵢ) at a point q xᵢ of the wedge.</summary>
    private static readonly double[] ChordScale = new double[LayerCount];

    /// <summary>Per layer, how far below the chord the curve can dip (convex layers), plus the margin.</summary>
    private static readonly double[] BelowChord = new double[LayerCount];

    /// <summary>Per layer, how far above the chord the curve can rise (concave layers), plus the margin.</summary>
    private static readonly double[] AboveChord = new double[LayerCount];

#pragma warning disable CA1810 // The three tables come from one recurrence; a static constructor keeps it in one place.
    static ZigguratTables()
#pragma warning restore CA1810
    {
        var x = new double[LayerCount + 1];
        double fr = Math.Exp(-0.5 * TailStart * TailStart);
        x[0] = LayerArea / fr;
        x[1] = TailStart;
        for (int i = 1; i < LayerCount - 1; i++)
        {
            x[i + 1] = Math.Sqrt(-2.0 * Math.Log(Math.Exp(-0.5 * x[i] * x[i]) + LayerArea / x[i]));
        }

        x[LayerCount] = 0.0;
        for (int i = 0; i < LayerCount; i++)
        {
            K[i] = K[i + LayerCount] = (ulong)(x[i + 1] / x[i] * (1UL << 53));
            W[i] = x[i] * TwoPowMinus53;
            W[i + LayerCount] = -W[i];
            F[i] = Math.Exp(-0.5 * x[i] * x[i]);
        }

        F[0] = fr;
        F[LayerCount] = 1.0;
        for (int i = 1; i < LayerCount; i++)
        {
            ChordScale[i] = 1.0 / (1.0 - (x[i + 1] / x[i]));
            if (x[i + 1] < 1.0 && x[i] > 1.0)
            {
                // The inflection point x = 1 is inside: no one-sided bound, every point goes to the exponential.
                BelowChord[i] = AboveChord[i] = 2.0;
                continue;
            }

            // Convex beyond x = 1 (the curve below the chord), concave inside it (above): one side is the chord itself.
            double gap = LargestGapToChord(x[i + 1], x[i], F[i + 1], F[i]);
            BelowChord[i] = (x[i + 1] >= 1.0 ? gap : 0) + SqueezeMargin;
            AboveChord[i] = (x[i + 1] >= 1.0 ? 0 : gap) + SqueezeMargin;
        }
    }

    /// <summary>
    /// The wedge test's verdict without the exponential, when the chord decides it (McFarland 2016, "A modified ziggurat
    /// algorithm for generating exponentially and normally distributed pseudorandom numbers", J. Stat. Comput. Simul.
    /// 86(7)): in layer i's wedge, scaled to the unit square, the point at fraction q = u 2⁻⁵³ of the width and height
    /// <paramref name="uniform"/> lies under the curve if it lies under the chord by more than the curve's largest dip
    /// below it, and above the curve if it lies above the chord by more than the curve's largest rise above it.
    /// </summary>
    /// <returns>1 under the curve, -1 above it, 0 when only the exponential can tell (<see cref="UnderCurve"/>).</returns>
    public static int Squeeze(int layer, ulong u, double uniform)
    {
        double chord = ChordScale[layer] * (1.0 - ((long)u * TwoPowMinus53));
        if (uniform < chord - BelowChord[layer])
        {
            return 1;
        }

        return uniform >= chord + AboveChord[layer] ? -1 : 0;
    }

    /// <summary>The wedge test itself: is f(xᵢ) + uniform·(f(xᵢ₊₁) - f(xᵢ)) below exp(-z²/2)?</summary>
    public static bool UnderCurve(int layer, double z, double uniform)
    {
        double fLow = F[layer];
        double height = fLow + (uniform * (F[layer + 1] - fLow));
        return height < Math.Exp(-0.5 * z * z);
    }

    /// <summary>
    /// The largest distance between the chord and the curve over a wedge [low, high] whose curvature has one sign, in
    /// units of the wedge's height fLow - fHigh (fLow = f(low), the larger value): it lies where the curve's slope
    /// -t e^{-t²/2} equals the chord's, a slope monotone in t there, so bisection finds the point (40 halvings leave it
    /// within 2⁻⁴⁰ of the width, which changes the distance only at second order, far below the margin).
    /// </summary>
    private static double LargestGapToChord(double low, double high, double fLow, double fHigh)
    {
        double slope = (fHigh - fLow) / (high - low);
        double a = low, b = high;
        bool risesAtLow = SlopeExcess(low, slope) > 0;
        for (int k = 0; k < 40; k++)
        {
            double mid = 0.5 * (a + b);
            if ((SlopeExcess(mid, slope) > 0) == risesAtLow)
            {
                a = mid;
            }
            else
            {
                b = mid;
            }
        }

        double t = 0.5 * (a + b);
        double chord = fLow + (slope * (t - low));
        return Math.Abs(chord - Math.Exp(-0.5 * t * t)) / (fLow - fHigh);
    }

    /// <summary>The curve's slope at <paramref name="t"/> minus <paramref name="slope"/>.</summary>
    private static double SlopeExcess(double t, double slope) => (-t * Math.Exp(-0.5 * t * t)) - slope;
}
