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
    }
}
