using KlDivergence.Distributions;
using KlDivergence.Divergences;
using KlDivergence.Tensors;

namespace KlDivergence.Tests.Divergences.ClosedForms;

/// <summary>KL(Binomial ‖ Binomial) for trial counts beyond int range, against formulas worked here.</summary>
public class BinomialKlTests
{
    /// <summary>KL(Bernoulli(p) ‖ Bernoulli(q)) = p log(p/q) + (1 - p) log((1 - p)/(1 - q)).</summary>
    private static double BernoulliKl(double p, double q) => (p * Math.Log(p / q)) + ((1 - p) * Math.Log((1 - p) / (1 - q)));

    /// <summary>Σ_{k=0}^{n} P(k)(log P(k) - log Q(k)) with log C(n, k) from MathNet's log-factorials.</summary>
    private static double ExactSum(int np, double p, int nq, double q)
    {
        double sum = 0;
        for (int k = 0; k <= np; k++)
        {
            double logP = MathNet.Numerics.SpecialFunctions.BinomialLn(np, k) + (k * Math.Log(p)) + ((np - k) * Math.Log(1 - p));
            double logQ = MathNet.Numerics.SpecialFunctions.BinomialLn(nq, k) + (k * Math.Log(q)) + ((nq - k) * Math.Log(1 - q));
            sum += Math.Exp(logP) * (logP - logQ);
        }

        return sum;
    }

    [Fact]
    public void AHugeEqualCountBesideASmallUnequalOneUsesTheBernoulliFormulaAndTheSum()
    {
        // Was ArgumentOutOfRangeException "('count')": the sum over k was built for every element, up to 3e9 terms.
        var p = new Binomial(Tensor.Vector(3e9, 3.0), 0.3);
        var q = new Binomial(Tensor.Vector(3e9, 5.0), 0.4);
        var kl = Kl.Divergence(p, q);
        kl.Method.Should().Be(KlMethod.ClosedForm);
        kl.Value.Values[0].Should().BeApproximately(3e9 * BernoulliKl(0.3, 0.4), 1e-12 * 3e9 * BernoulliKl(0.3, 0.4));
        kl.Value.Values[1].Should().BeApproximately(ExactSum(3, 0.3, 5, 0.4), 1e-12);
    }

    [Fact]
    public void AHugeCountAboveQsIsInfinite()
    {
        // p puts mass on 4e9 > q's largest count 3e9: +∞, without summing.
        Kl.Exact(new Binomial(4e9, 0.3), new Binomial(3e9, 0.3)).ToScalar().Should().Be(double.PositiveInfinity);
    }

    [Fact]
    public void AnInfeasibleSumIsAClearException()
    {
        var act = () => Kl.Exact(new Binomial(3e9, 0.3), new Binomial(4e9, 0.3));
        act.Should().Throw<ArgumentOutOfRangeException>().Where(e => e.Message.Contains("totalCount") && e.Message.Contains("3000000000"));
    }
}
