using MathNet.Numerics;

namespace KlDivergence.Tensors;

/// <summary>Scalar special functions the element-wise kernels need beyond System.Math.</summary>
internal static class ScalarMath
{
    public const double LogSqrtTwoPi = 0.91893853320467274178032973640562;
    public const double InvSqrtTwoPi = 0.39894228040143267793994605993438;
    public const double SqrtHalf = 0.70710678118654752440084436210485;

    /// <summary>log(1 + e^x) without overflow: max(x, 0) + log1p(e^{-|x|}).</summary>
    public static double Softplus(double x) => Math.Max(x, 0) + Math.Log(1 + Math.Exp(-Math.Abs(x)));

    /// <summary>Standard normal CDF, Φ(x) = ½ erfc(-x/√2).</summary>
    public static double NormalCdf(double x) => 0.5 * SpecialFunctions.Erfc(-x * SqrtHalf);

    /// <summary>
    /// log Φ(x), accurate in both tails: log1p(-Φ(-x)) for large x, the erfc form in the middle, and for
    /// x &lt; -35 (where erfc underflows) the asymptotic series of Abramowitz &amp; Stegun 26.2.12.
    /// </summary>
    public static double LogNormalCdf(double x)
    {
        if (double.IsNaN(x))
        {
            return double.NaN;
        }

        if (x > 5)
        {
            return LogOnePlus(-0.5 * SpecialFunctions.Erfc(x * SqrtHalf));
        }

        if (x > -35)
        {
            return Math.Log(0.5 * SpecialFunctions.Erfc(-x * SqrtHalf));
        }

        if (double.IsNegativeInfinity(x))
        {
            return double.NegativeInfinity;
        }

        double z = 1 / (x * x);
        double series = 1 - (z * (1 - (3 * z * (1 - (5 * z)))));
        return (-0.5 * x * x) - Math.Log(-x) - LogSqrtTwoPi + Math.Log(series);
    }

    /// <summary>log(1 + x), accurate for small x.</summary>
    public static double LogOnePlus(double x) => double.LogP1(x);

    /// <summary>
    /// Trigamma ψ₁(x) = d²/dx² log Γ(x): reflection for x &lt; 0 (ψ₁(1-x) + ψ₁(x) = π²/sin²(πx)), upward
    /// recurrence ψ₁(x) = ψ₁(x+1) + 1/x² to x ≥ 6, then the asymptotic series in Bernoulli numbers
    /// (Abramowitz &amp; Stegun 6.4.12).
    /// </summary>
    public static double Trigamma(double x)
    {
        if (double.IsNaN(x) || double.IsNegativeInfinity(x))
        {
            return double.NaN;
        }

        if (x <= 0 && Math.Floor(x) == x)
        {
            return double.PositiveInfinity;
        }

        if (x < 0)
        {
            double s = Math.Sin(Math.PI * x);
            return (Math.PI * Math.PI / (s * s)) - Trigamma(1 - x);
        }

        double acc = 0;
        while (x < 6)
        {
            acc += 1 / (x * x);
            x += 1;
        }

        double z = 1 / (x * x);
        double tail = (1 / x) + (z / 2) + ((z / x) * ((1.0 / 6) - (z * ((1.0 / 30) - (z * ((1.0 / 42) - (z * ((1.0 / 30) - (z * 5.0 / 66)))))))));
        return acc + tail;
    }
}
