using KlDivergence.Distributions;
using KlDivergence.Divergences;
using KlDivergence.Random;
using KlDivergence.Tensors;
using KlDivergence.Tests.Distributions;

namespace KlDivergence.Tests.Divergences;

public class WishartKlTests
{
    private static readonly double[] L3p = [1.0, 0.0, 0.0, 0.3, 1.4, 0.0, -0.2, 0.5, 0.9];
    private static readonly double[] L3q = [1.3, 0.0, 0.0, -0.4, 0.8, 0.0, 0.1, 0.2, 1.6];

    private static Wishart W(double df, double[] tril) =>
        Wishart.FromScaleTril(df, Tensor.FromArray(tril, [(int)Math.Sqrt(tril.Length), (int)Math.Sqrt(tril.Length)]));

    [Theory]
    [InlineData(2.5, 6.0)]
    [InlineData(7.0, 3.2)]
    [InlineData(4.0, 4.0)]
    public void ClosedFormMatchesMonteCarloWithinFiveStandardErrors(double dfP, double dfQ)
    {
        // E_p[log p(X) - log q(X)] over 10⁵ Bartlett draws of p, each log-density checked in WishartTests.
        var p = W(dfP, L3p);
        var q = W(dfQ, L3q);
        using var scope = Tensor.NoGrad();
        var x = p.Sample(100_000, new RandomStream(31UL));
        var terms = (p.LogProb(x) - q.LogProb(x)).ToArray();
        MatrixFamilyChecks.AverageIs(terms, Kl.Exact(p, q).ToScalar(), $"KL(W({dfP}) ‖ W({dfQ}))");
    }

    [Theory]
    [InlineData(0.7, 2.0, 3.0, 0.5)]
    [InlineData(4.0, 1.5, 2.5, 1.5)]
    public void OneByOneIsTheGammaKlWrittenOut(double dfP, double sP, double dfQ, double sQ)
    {
        // W₁(ν, s) = Gamma(ν/2, rate 1/(2s)); KL between Gammas (a, rate b): (a_p - a_q)ψ(a_p) - log Γ(a_p) + log Γ(a_q)
        // + a_q(log b_p - log b_q) + a_p (b_q - b_p)/b_p (Penny 2001, eq. 8), written out with MathNet.
        double ap = dfP / 2, bp = 1 / (2 * sP), aq = dfQ / 2, bq = 1 / (2 * sQ);
        double expected = ((ap - aq) * MathNet.Numerics.SpecialFunctions.DiGamma(ap)) - MathNet.Numerics.SpecialFunctions.GammaLn(ap)
            + MathNet.Numerics.SpecialFunctions.GammaLn(aq) + (aq * (Math.Log(bp) - Math.Log(bq))) + (ap * (bq - bp) / bp);
        using var scope = Tensor.NoGrad();
        Kl.Exact(W(dfP, [Math.Sqrt(sP)]), W(dfQ, [Math.Sqrt(sQ)])).ToScalar().Should().BeApproximately(expected, 1e-12);
    }

    [Fact]
    public void KlOfADistributionWithItselfIsZeroAndBatchesBroadcast()
    {
        using var scope = Tensor.NoGrad();
        Kl.Exact(W(3.3, L3p), W(3.3, L3p)).ToScalar().Should().BeApproximately(0, 1e-13);
        var batch = Wishart.FromScaleTril(Tensor.Vector(2.5, 7.0), Tensor.FromArray(L3p, [3, 3]));
        var kl = Kl.Exact(batch, W(6.0, L3q)).ToArray();
        kl.Should().HaveCount(2);
        kl[0].Should().BeApproximately(Kl.Exact(W(2.5, L3p), W(6.0, L3q)).ToScalar(), 1e-13);
        kl[1].Should().BeApproximately(Kl.Exact(W(7.0, L3p), W(6.0, L3q)).ToScalar(), 1e-13);
    }

    [Fact]
    public void GradientMatchesFiniteDifferencesInBothDistributions() =>
        GradCheck.Check(
            t => Kl.Exact(Wishart.FromScaleTril(t[0], t[1].Tril()), Wishart.FromScaleTril(t[2], t[3].Tril())),
            [[2.5], L3p.ToArray(), [6.0], L3q.ToArray()],
            [[], [3, 3], [], [3, 3]],
            tolerance: 1e-6);

    [Fact]
    public void DifferentDimensionsAreRejected()
    {
        Action act = () => Kl.Exact(W(3.0, L3p), W(3.0, [1.0, 0.0, 0.0, 1.0]));
        act.Should().Throw<ArgumentException>();
    }
}
