using System.Runtime.Intrinsics;
using KlDivergence.Tensors;

namespace KlDivergence.Divergences.ClosedForms;

/// <summary>
/// Differences of log Γ and ψ at two arguments computed without the catastrophic cancellation of the direct
/// differences: at a = 1e8, log Γ(a) ≈ 1.7e9 while the Gamma KL to a + 1 is 5e-9, so log Γ(a + 1) - log Γ(a) - ψ(a)
/// loses every digit. The Gamma, Beta and Dirichlet KLs are sums of
/// <c>E(a, b) = log Γ(b) - log Γ(a) - (b - a)ψ(a)</c> (≥ 0, the Bregman divergence of log Γ).
/// <para>
/// Method: shift both arguments up by n so that min(a, b) + n ≥ 14 with the recurrences log Γ(x + 1) = log Γ(x) + log x
/// and ψ(x + 1) = ψ(x) + 1/x (each shifted term is a non-negative log(1 + s) - s, or a ratio, no cancellation), then
/// take the difference of the Stirling series log Γ(x) = (x - ½) log x - x + ½ log 2π + Σₖ B₂ₖ/(2k(2k - 1)x^{2k-1})
/// (Abramowitz &amp; Stegun 6.1.40) and of ψ(x) = log x - 1/(2x) - Σₖ B₂ₖ/(2k x^{2k}) (A&amp;S 6.3.18) term by term in
/// t = (b - a)/a: E = A·g(t) - ½(log(1 + t) - t) + Σₖ c_k f_{2k-1}(t)/A^{2k-1} with g(t) = (1 + t) log(1 + t) - t,
/// f_m(t) = (1 + t)^{-m} - 1 + mt = t²P_m(t)/(1 + t)^m, each evaluated by its series (or exact polynomial) for
/// |t| ≤ ½. Eight Bernoulli terms leave a relative error below 1e-18 at A ≥ 14: the first term left out,
/// c₉ f₁₇(t)/A¹⁷ ≈ c₉·17·18 t²/(2A¹⁷), is 55/A¹⁸ ≈ 1.3e-19 of E ≈ A t²/2 (the series' error is bounded by its first
/// omitted term for real arguments). Shifting to 50 with four terms, as this did, took about fifty shifted terms
/// per difference: most of a Dirichlet KL's time.
/// </para>
/// </summary>
internal static class GammaFunctionDifferences
{
    /// <summary>Arguments are shifted up to at least this before the Stirling series are differenced.</summary>
    private const double AsymptoticFrom = 14;

    /// <summary>The log Γ Stirling coefficients B₂ₖ/(2k(2k - 1)), k = 1..8.</summary>
    private static readonly double[] LogGammaCoefficients = GammaFunctions.LogGammaStirling;

    /// <summary>The ψ asymptotic coefficients B₂ₖ/(2k), k = 1..8.</summary>
    private static readonly double[] DigammaCoefficients = GammaFunctions.DigammaAsymptotic;

    /// <summary>P_m's coefficients m·C(m, j + 1) - C(m, j + 2) (index j) for m = 2k - 1, k = 1..8 (index k - 1): built once.</summary>
    private static readonly double[][] ExcessPolynomials = [.. Enumerable.Range(0, 8).Select(k => Enumerable.Range(0, 2 * k + 1).Select(j => ((2 * k + 1) * Binomial(2 * k + 1, j + 1)) - Binomial(2 * k + 1, j + 2)).ToArray())];

    /// <summary>E(a, b) = log Γ(b) - log Γ(a) - (b - a)ψ(a) for a, b &gt; 0 (see the type's remarks).</summary>
    public static double LogGammaExcess(double a, double b)
    {
        if (a == b)
        {
            return 0;
        }

        double delta = b - a;
        int n = ShiftFor(Math.Min(a, b));
        double shifted = ShiftedTerms(a, b, n);
        double big = a + n, bigB = b + n;
        double t = delta / big;
        // log(B/A) is read only beyond |t| = ½, where g is taken directly: a logarithm per call saved elsewhere.
        double logRatio = Math.Abs(t) > 0.5 ? ScaleRatio.Log(bigB, big) : 0;
        double value = (big * ScaleRatio.OnePlusTLogOnePlusTMinusT(t, logRatio)) - (0.5 * LogRatioMinusRelativeDifference(bigB, big, delta));
        // (1 + t)^m for m = 1, 3, 5, … by repeated multiplication (m ≤ 15: at most 8 ulps, on terms below 1e-3 of E)
        // instead of a power function per term, which cost a third of E.
        double power = big, onePlusT = 1 + t, square = onePlusT * onePlusT, onePlusTPower = onePlusT;
        for (int k = 0; k < LogGammaCoefficients.Length; k++)
        {
            value += LogGammaCoefficients[k] * F(k, t, bigB / big, onePlusTPower) / power;
            power *= big * big;
            onePlusTPower *= square;
        }

        return value - shifted;
    }

    /// <summary>ψ(b) - ψ(a) for a, b &gt; 0, without cancellation when a and b are large and close.</summary>
    public static double DigammaDifference(double a, double b)
    {
        if (a == b)
        {
            return 0;
        }

        double delta = b - a;
        int n = ShiftFor(Math.Min(a, b));
        double shifted = 0;
        for (int i = 0; i < n; i++)
        {
            shifted += delta / (a + i) / (b + i); // 1/(a + i) - 1/(b + i)
        }

        // log(B/A) from δ, not from B = b + n, which rounds: for b = a + 1e-7 at a = 7 that cost 4e-9 of the answer.
        double big = a + n, bigB = b + n, t = delta / big;
        double logRatio = Math.Abs(t) <= 0.5 ? ScalarMath.Log1p(t) : ScaleRatio.Log(bigB, big);
        double value = logRatio + (delta / (2 * big) / bigB);
        double power = big * big;
        for (int k = 0; k < DigammaCoefficients.Length; k++)
        {
            // B₂ₖ/(2k) (A^{-2k} - B^{-2k}) = -B₂ₖ/(2k) A^{-2k} expm1(-2k log(B/A)).
            value -= DigammaCoefficients[k] * ScalarMath.Expm1(-2 * (k + 1) * logRatio) / power;
            power *= big * big;
        }

        return value + shifted;
    }

    /// <summary>
    /// E(a, b) = log Γ(b) - log Γ(a) - (b - a)ψ(a) over broadcast tensors, differentiable:
    /// ∂E/∂a = -(b - a)ψ'(a) and ∂E/∂b = ψ(b) - ψ(a) (from <see cref="DigammaDifference"/>).
    /// </summary>
    public static Tensor LogGammaExcess(Tensor a, Tensor b) =>
        ScaleRatio.Binary(
            a,
            b,
            static (x, y) => LogGammaExcess(x, y),
            static (x, y) => x == y ? 0 : -(y - x) * GammaFunctions.Trigamma(x),
            static (x, y) => DigammaDifference(x, y));

    /// <summary>How far to shift so that the smaller argument reaches <see cref="AsymptoticFrom"/>.</summary>
    private static int ShiftFor(double smaller) => smaller >= AsymptoticFrom ? 0 : (int)Math.Ceiling(AsymptoticFrom - smaller);

    /// <summary>
    /// Σ_{i&lt;n} [log((b + i)/(a + i)) - (b - a)/(a + i)], in order of i: shifting log Γ(b) - log Γ(a) up by one picks
    /// up log((b + i)/(a + i)) and ψ(a) picks up 1/(a + i), times b - a. Each term is a function of s = δ/(a + i) with
    /// δ = b - a as given (exact when a and b are close, by Sterbenz's lemma), not of (b + i) - (a + i): b + i rounds,
    /// and for δ = 1e-6 at a = 7 that cost 8e-10 of the answer. Terms with |s| &gt; ½ go one at a time; the rest four at
    /// a time through the same series (<see cref="LogRatioMinusRelativeDifference"/>) in vector lanes, each group with
    /// the terms its largest u² needs: one chain of multiply-adds instead of four.
    /// </summary>
    private static double ShiftedTerms(double a, double b, int n)
    {
        double delta = b - a, shifted = 0;
        int i = 0;
        for (; i < n && Math.Abs(delta / (a + i)) > 0.5; i++)
        {
            shifted += LogRatioMinusRelativeDifference(b + i, a + i, delta);
        }

        if (Vector256.IsHardwareAccelerated)
        {
            var d = Vector256.Create(delta);
            var two = Vector256.Create(2.0);
            for (; i <= n - 4; i += 4)
            {
                var s = d / Vector256.Create(a + i, a + (i + 1), a + (i + 2), a + (i + 3));
                var u = s / (two + s);
                var t = u * u;
                int terms = Math.Max(Math.Max(AtanhTerms(t[0]), AtanhTerms(t[1])), Math.Max(AtanhTerms(t[2]), AtanhTerms(t[3])));
                var q = Vector256<double>.Zero;
                for (int j = terms - 1; j >= 0; j--)
                {
                    q = Vector256.Create(AtanhSeriesCoefficients[j]) + (t * q);
                }

                var lanes = (two * u * t * q) - (u * s);
                shifted += lanes[0];
                shifted += lanes[1];
                shifted += lanes[2];
                shifted += lanes[3];
            }
        }

        for (; i < n; i++)
        {
            shifted += LogRatioMinusRelativeDifference(b + i, a + i, delta);
        }

        return shifted;
    }

    /// <summary>(2j + 3)⁻¹ at index j: atanh's series coefficients after its first term, divided once.</summary>
    private static readonly double[] AtanhSeriesCoefficients = [.. Enumerable.Range(0, 24).Select(j => 1.0 / ((2 * j) + 3))];

    /// <summary>
    /// log(x/y) - δ/y (≤ 0) with x = y + δ, as a function of s = δ/y (δ is passed as well as x because x may have
    /// rounded, see <see cref="ShiftedTerms"/>): directly for |s| &gt; ½ (no cancellation there); else by
    /// log(1 + s) = 2 atanh u, u = s/(2 + s) (Abramowitz &amp; Stegun 4.1.27), and s - 2u = us, so
    /// log(1 + s) - s = -us + 2u³(1/3 + u²/5 + u⁴/7 + …), two terms that cancel by at most a twentieth (u² ≤ 1/9), the
    /// series cut where the rest cannot reach the last bit (<see cref="AtanhTerms"/>). The series in s itself needed
    /// sixty terms near |s| = ½ and twenty at ⅛, where this needs twenty-one and eight.
    /// </summary>
    private static double LogRatioMinusRelativeDifference(double x, double y, double delta)
    {
        double s = delta / y;
        if (Math.Abs(s) > 0.5)
        {
            return ScaleRatio.Log(x, y) - s;
        }

        double u = s / (2 + s), t = u * u, q = 0;
        for (int j = AtanhTerms(t) - 1; j >= 0; j--)
        {
            q = AtanhSeriesCoefficients[j] + (t * q);
        }

        return (2 * u * t * q) - (u * s);
    }

    /// <summary>
    /// Terms of Q(t) = Σ_{j≥0} t^j/(2j + 3) to keep for t = u² ≤ 1/9: with t &lt; 2^-k, those past ⌈63/k⌉ sum to at most
    /// t^J/((2J + 3)(1 - t)), and 2|u|³ times that is below 2^-63 of |us|; one for t = 0, all for NaN.
    /// </summary>
    private static int AtanhTerms(double t)
    {
        if (t == 0)
        {
            return 1;
        }

        int k = -Math.ILogB(t) - 1;
        return k < 3 ? AtanhSeriesCoefficients.Length : Math.Min(AtanhSeriesCoefficients.Length, (63 + k - 1) / k);
    }

    /// <summary>
    /// f_m(t) = (1 + t)^{-m} - 1 + mt ≥ 0 for m = 2k + 1 (<paramref name="k"/> from 0): for |t| ≤ ½ as t²P_m(t)/(1 + t)^m with P_m's coefficients
    /// m·C(m, j + 1) - C(m, j + 2) (from 1 - (1 - mt)(1 + t)^m, with <paramref name="onePlusTPower"/> = (1 + t)^m), else directly
    /// (<paramref name="onePlusT"/> = B/A).
    /// </summary>
    private static double F(int k, double t, double onePlusT, double onePlusTPower)
    {
        int m = (2 * k) + 1;
        if (Math.Abs(t) > 0.5)
        {
            return Math.Pow(onePlusT, -m) - 1 + (m * t);
        }

        var coefficients = ExcessPolynomials[k];
        double p = 0;
        for (int j = m - 1; j >= 0; j--)
        {
            p = (p * t) + coefficients[j];
        }

        return t * t * p / onePlusTPower;
    }

    private static double Binomial(int n, int k)
    {
        if (k < 0 || k > n)
        {
            return 0;
        }

        double c = 1;
        for (int i = 1; i <= k; i++)
        {
            c = c * (n - k + i) / i;
        }

        return c;
    }
}
