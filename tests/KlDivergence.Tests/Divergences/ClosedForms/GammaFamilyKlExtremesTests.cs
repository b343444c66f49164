using KlDivergence.Distributions;
using KlDivergence.Divergences;
using KlDivergence.Tensors;
using MathNet.Numerics;

namespace KlDivergence.Tests.Divergences.ClosedForms;

/// <summary>
/// Gamma, Beta and Dirichlet KLs at large concentrations, where the direct log Γ and ψ terms (~1e9) cancel to answers
/// of ~1e-9. They are all sums of E(a, b) = log Γ(b) - log Γ(a) - (b - a)ψ(a). Reference worked here independently of
/// the library's Stirling differences: the Taylor series of log Γ at a, E = Σ_{n≥1} ψ⁽ⁿ⁾(a) δⁿ⁺¹/(n + 1)!, δ = b - a,
/// with each polygamma from its asymptotic expansion ψ⁽ⁿ⁾(a) = (-1)ⁿ⁺¹[(n - 1)!/aⁿ + n!/(2aⁿ⁺¹)
/// + Σₖ B₂ₖ (2k + n - 1)!/((2k)! a^{2k+n})] (Abramowitz &amp; Stegun 6.4.11), for a ≥ 100 and |δ|/a ≤ 0.1; and the
/// direct formula with MathNet's log Γ and ψ at moderate a, where the cancellation costs only a few digits.
/// </summary>
public class GammaFamilyKlExtremesTests
{
    private static readonly double[] Bernoulli2k = [1.0 / 6, -1.0 / 30, 1.0 / 42, -1.0 / 30, 5.0 / 66, -691.0 / 2730];

    /// <summary>E(a, a + δ) by the Taylor series in δ with asymptotic polygammas (a ≥ 100, |δ|/a ≤ 0.1).</summary>
    private static double ExcessByTaylor(double a, double delta)
    {
        double sum = 0, ratioPower = 1;
        for (int n = 1; n <= 80; n++)
        {
            ratioPower *= delta / a; // (δ/a)ⁿ
            double correction = 1 + (n / (2 * a));
            double factorialRatio = 1, aPower = 1, factorial = 1;
            for (int k = 1; k <= Bernoulli2k.Length; k++)
            {
                // (2k + n - 1)!/(n - 1)! = n(n + 1)…(2k + n - 1); (2k)!; a^{2k}.
                factorialRatio *= (n + (2 * k) - 2) * (n + (2 * k) - 1.0);
                factorial *= (2 * k) * ((2 * k) - 1.0);
                aPower *= a * a;
                correction += Bernoulli2k[k - 1] * factorialRatio / factorial / aPower;
            }

            // ψ⁽ⁿ⁾(a) δⁿ⁺¹/(n + 1)! = (-1)ⁿ⁺¹ δ (δ/a)ⁿ/(n(n + 1)) · correction.
            double term = (n % 2 == 1 ? 1 : -1) * delta * ratioPower / (n * (n + 1.0)) * correction;
            sum += term;
            if (Math.Abs(term) < 1e-22 * Math.Abs(sum))
            {
                break;
            }
        }

        return sum;
    }

    /// <summary>
    /// E(a, a + δ) at any a &gt; 0: shifted up by m to a + m ≥ 100 (log Γ(x + 1) = log Γ(x) + log x, ψ(x + 1) = ψ(x) + 1/x),
    /// each shift's log(1 + s) - s, s = δ/(a + i), summed by its series to convergence, then the Taylor reference.
    /// </summary>
    private static double ExcessByShiftedTaylor(double a, double delta)
    {
        int m = (int)Math.Ceiling(100 - a);
        double shifts = 0;
        for (int i = 0; i < m; i++)
        {
            double s = delta / (a + i), term = 0, power = s;
            for (int j = 2; j < 400; j++)
            {
                power *= -s;
                term += power / j; // (-1)^{j+1} s^j / j
                if (Math.Abs(power / j) < 1e-22 * Math.Abs(term))
                {
                    break;
                }
            }

            shifts += term;
        }

        return ExcessByTaylor(a + m, delta) - shifts;
    }

    private static double ExcessDirect(double a, double b) => SpecialFunctions.GammaLn(b) - SpecialFunctions.GammaLn(a) - ((b - a) * SpecialFunctions.DiGamma(a));

    [Fact]
    public void TheTaylorReferenceAgreesWithTheDirectFormulaAtModerateConcentrations()
    {
        // Checks the reference itself where the direct formula still has ~12 digits.
        ExcessByTaylor(100, 5).Should().BeApproximately(ExcessDirect(100, 105), 1e-11 * ExcessDirect(100, 105));
        ExcessByTaylor(250, -20).Should().BeApproximately(ExcessDirect(250, 230), 1e-11 * ExcessDirect(250, 230));
    }

    [Theory]
    [InlineData(1e8, 1.0)]      // issue 12: 2.24e-8 where the answer is 5.0e-9
    [InlineData(1e8, -1.0)]
    [InlineData(1e4, 3.0)]
    [InlineData(1e12, 0.5)]
    [InlineData(500, 50.0)]
    [InlineData(1e15, 0.25)]
    public void GammaKlAtLargeConcentrationsMatchesTheTaylorReference(double alpha, double delta)
    {
        // Equal rates: KL(Gamma(a, β) ‖ Gamma(a + δ, β)) = E(a, a + δ).
        double expected = ExcessByTaylor(alpha, delta);
        Kl.Exact(new Gamma(alpha, 2.5), new Gamma(alpha + delta, 2.5)).ToScalar().Should().BeApproximately(expected, 1e-13 * expected);
    }

    [Theory]
    [InlineData(0.3, 1e-3)]
    [InlineData(0.3, 0.1)]
    [InlineData(1.0, 1e-3)]
    [InlineData(1.0, 0.3)]
    [InlineData(1.0, -0.4)]
    [InlineData(2.5, 0.05)]
    [InlineData(7.0, 1e-6)]
    [InlineData(7.0, -2.0)]
    [InlineData(30.0, 0.5)]
    public void GammaKlAtSmallConcentrationsMatchesTheShiftedTaylorReference(double alpha, double delta)
    {
        // Where the library shifts a and b up and sums log(1 + s) - s by a series cut at the terms that reach the last bit.
        // The reference takes the δ the two stored concentrations differ by (exact, Sterbenz), not the decimal one.
        double expected = ExcessByShiftedTaylor(alpha, (alpha + delta) - alpha);
        Kl.Exact(new Gamma(alpha, 0.7), new Gamma(alpha + delta, 0.7)).ToScalar().Should().BeApproximately(expected, 1e-14 * expected);
    }

    [Theory]
    [InlineData(7.0, 7.0000001, 1.5354517721340267704e-8)]
    [InlineData(2.5, 2.4999999, -4.9035776710792863802e-8)]
    [InlineData(0.3, 0.3000001, 1.2245360782834263812e-6)]
    [InlineData(1.0, 1.001, 0.0016437330912322082349)]
    [InlineData(30.0, 27.0, -0.1072340813720124065)]
    [InlineData(13.9, 13.9000001, 7.4592298018365025953e-9)]
    public void TheGradientInQsConcentrationIsTheDigammaDifferenceToFullPrecision(double alphaP, double alphaQ, double expected)
    {
        // ∂KL(Gamma(αp, β) ‖ Gamma(αq, β))/∂αq = ψ(αq) - ψ(αp) (equal rates). Expected: mpmath 1.3 at 40 digits, for the
        // doubles nearest the decimals written. Close concentrations cancel in ψ(αq) - ψ(αp) taken directly; shifted
        // arguments that round cost 4e-9 of the answer at (7, 7 + 1e-7).
        var q = Tensor.Scalar(alphaQ, requiresGrad: true);
        Kl.Exact(new Gamma(alphaP, 1.5), new Gamma(q, 1.5)).Backward();
        q.Grad!.ToScalar().Should().BeApproximately(expected, 2e-15 * Math.Abs(expected));
    }

    [Fact]
    public void GammaKlWithUnequalRatesAtLargeConcentration()
    {
        // KL = E(αp, αq) + αp(r - 1 - log r) - δ log r, r = βq/βp = 1 + 1e-6: r - 1 - log r by its series ρ²/2 - ρ³/3 + ρ⁴/4.
        double a = 1e8, delta = 1, rho = 1e-6;
        var q = new Gamma(a + delta, 1 + rho);
        double r = 1 + rho, rhoExact = r - 1; // the stored rate's exact excess over 1
        double log1p = rhoExact - (rhoExact * rhoExact / 2) + (rhoExact * rhoExact * rhoExact / 3) - (rhoExact * rhoExact * rhoExact * rhoExact / 4);
        double scaleTerm = (rhoExact * rhoExact / 2) - (rhoExact * rhoExact * rhoExact / 3) + (rhoExact * rhoExact * rhoExact * rhoExact / 4);
        double expected = ExcessByTaylor(a, delta) + (a * scaleTerm) - (delta * log1p);
        Kl.Exact(new Gamma(a, 1.0), q).ToScalar().Should().BeApproximately(expected, 1e-13 * expected);
    }

    [Theory]
    [InlineData(3.7, 9.1)]
    [InlineData(9.1, 3.7)]
    [InlineData(0.3, 0.05)]
    [InlineData(0.05, 2.0)]
    [InlineData(120, 80)]
    [InlineData(49.5, 50.5)]
    public void GammaKlAtModerateConcentrationsMatchesTheDirectFormula(double alphaP, double alphaQ)
    {
        double expected = ExcessDirect(alphaP, alphaQ);
        Kl.Exact(new Gamma(alphaP, 1.3), new Gamma(alphaQ, 1.3)).ToScalar().Should().BeApproximately(expected, 1e-12 * Math.Max(1, expected));
    }

    [Fact]
    public void GammaKlAtRateRatiosBeyondTheDoubleRangeIsFinite()
    {
        // r = βq/βp = 1e-600: KL = E(2, 3) + 2(r - 1 - log r) - log r with log r = -600 log 10, E(2, 3) = log 2 - ψ(2) = log 2 - (1 - γ).
        double logR = -600 * Math.Log(10);
        double expected = (Math.Log(2) - (1 - 0.57721566490153286)) + (2 * (-1 - logR)) - logR;
        Kl.Exact(new Gamma(2, 1e300), new Gamma(3, 1e-300)).ToScalar().Should().BeApproximately(expected, 1e-14 * expected);
        Kl.Exact(new Gamma(2, 1e-300), new Gamma(3, 1e300)).ToScalar().Should().Be(double.PositiveInfinity);
    }

    [Fact]
    public void GammaKlGradientsAtLargeConcentrationAreTheExactDigammaAndTrigammaValues()
    {
        // ∂KL/∂αq = ψ(αq) - ψ(αp) = 1/αp for αq = αp + 1 (ψ(x + 1) = ψ(x) + 1/x); ∂KL/∂αp = -(αq - αp)ψ'(αp), with
        // ψ'(a) = 1/a + 1/(2a²) + 1/(6a³) + … (A&S 6.4.12).
        double a = 1e8;
        var ap = Tensor.Scalar(a, requiresGrad: true);
        var aq = Tensor.Scalar(a + 1, requiresGrad: true);
        Kl.Exact(new Gamma(ap, 1.0), new Gamma(aq, 1.0)).Backward();
        aq.Grad!.ToScalar().Should().BeApproximately(1 / a, 1e-13 / a);
        ap.Grad!.ToScalar().Should().BeApproximately(-((1 / a) + (1 / (2 * a * a))), 1e-13 / a);
    }

    [Fact]
    public void BetaKlAtLargeConcentrationsMatchesTheTaylorReference()
    {
        // KL = E(αp, αq) + E(βp, βq) - E(αp + βp, αq + βq).
        double a = 1e8, b = 3e8;
        double expected = ExcessByTaylor(a, 1) + ExcessByTaylor(b, 2) - ExcessByTaylor(a + b, 3);
        Kl.Exact(new Beta(a, b), new Beta(a + 1, b + 2)).ToScalar().Should().BeApproximately(expected, 1e-12 * expected);
    }

    [Fact]
    public void DirichletKlAtLargeConcentrationsMatchesTheTaylorReference()
    {
        double[] a = [1e8, 2e8, 5e7], d = [1, -3, 2];
        double expected = a.Select((v, i) => ExcessByTaylor(v, d[i])).Sum() - ExcessByTaylor(a.Sum(), d.Sum());
        var kl = Kl.Exact(new Dirichlet(Tensor.Vector(a)), new Dirichlet(Tensor.Vector(a.Select((v, i) => v + d[i]).ToArray()))).ToScalar();
        kl.Should().BeApproximately(expected, 1e-12 * expected);
    }
}
