using KlDivergence.Distributions;
using KlDivergence.Divergences;
using KlDivergence.Tensors;

namespace KlDivergence.Tests.Distributions;

/// <summary>
/// Bernoulli and Binomial from logits: the probability form at moderate logits (references summed or written out in
/// the test with σ(l) = 1 / (1 + e^-l)), and analytic limits at extreme logits where σ(l) rounds to 1.
/// </summary>
public class BinaryLogitsTests
{
    private static double Sigmoid(double l) => 1 / (1 + Math.Exp(-l));

    public static TheoryData<double> ModerateLogits => new() { -3.0, -0.4, 0.0, 2.5 };

    [Theory]
    [MemberData(nameof(ModerateLogits))]
    public void BernoulliFromLogitsMatchesTheProbabilityForm(double l)
    {
        double p = Sigmoid(l);
        var d = Bernoulli.FromLogits(l);
        d.IsLogitParameterized.Should().BeTrue();
        d.Logits.ToScalar().Should().Be(l);
        d.Probs.ToScalar().Should().BeApproximately(p, 1e-15);
        d.LogProb(1.0).ToScalar().Should().BeApproximately(Math.Log(p), 1e-14);
        d.LogProb(0.0).ToScalar().Should().BeApproximately(Math.Log(1 - p), 1e-14);
        d.Entropy().ToScalar().Should().BeApproximately(-(p * Math.Log(p)) - ((1 - p) * Math.Log(1 - p)), 1e-14);
        d.Variance.ToScalar().Should().BeApproximately(p * (1 - p), 1e-15);
        FamilyChecks.DiscreteMatchesSums(d, 1);
    }

    [Fact]
    public void BernoulliLogProbAndEntropyGradientsInTheLogitsMatchFiniteDifferences() =>
        FamilyChecks.GradientsMatch(t => Bernoulli.FromLogits(t[0]), [0.7], [0.0, 1.0, 1.0], differentiableValue: false);

    [Fact]
    public void BernoulliLogProbFromBatchedLogitsIsLogPOrLogOneMinusPAndMinusInfinityOutside()
    {
        // Logits [3, 6] against values [6] (a likelihood's layout): log σ(l) at 1, log σ(-l) at 0, -∞ off {0, 1}, and
        // d/dl = y - σ(l) on {0, 1}, 0 (finite) off it.
        double[] ls = [.. Enumerable.Range(0, 18).Select(i => (3.1 * Math.Sin(i)) + (i == 17 ? 700 : 0))];
        double[] ys = [1, 0, 0.5, double.NaN, double.PositiveInfinity, 1];
        var logits = Tensor.FromArray(ls, [3, 6], requiresGrad: true);
        var logP = Bernoulli.FromLogits(logits).LogProb(Tensor.FromArray(ys, [6]));
        logP.Shape.Should().Equal(3, 6);
        logP.Sum(0).Sum().Backward();
        for (int k = 0; k < 18; k++)
        {
            double l = ls[k], y = ys[k % 6];
            bool inside = y is 0 or 1;

            // log σ(±l) = -softplus(∓l), softplus(x) = max(x, 0) + log(1 + e^-|x|).
            double x = y == 1 ? -l : l;
            double expected = inside ? -(Math.Max(x, 0) + Math.Log(1 + Math.Exp(-Math.Abs(x)))) : double.NegativeInfinity;
            if (inside)
            {
                logP.Values[k].Should().BeApproximately(expected, 1e-15 * Math.Max(1, Math.Abs(expected)), $"element {k}");
            }
            else
            {
                logP.Values[k].Should().Be(double.NegativeInfinity, $"element {k}");
            }

            logits.Grad!.Values[k].Should().BeApproximately(inside ? y - Sigmoid(l) : 0, 1e-15, $"gradient {k}");
        }
    }

    [Fact]
    public void BernoulliFromLogitsGivesTheBitsOfItsOwnLogPAndLogOneMinusP()
    {
        // Parity: the batched log-probability with the per-outcome tensors it no longer builds.
        double[] ls = [.. Enumerable.Range(0, 40).Select(i => 6 * Math.Cos(0.7 * i))];
        double[] ys = [.. Enumerable.Range(0, 40).Select(i => (double)((i * 7) % 3 == 0 ? 1 : 0))];
        var d = Bernoulli.FromLogits(Tensor.FromArray(ls, [40]));
        var logP = d.LogProb(Tensor.FromArray(ys, [40])).ToArray();
        var logOne = d.Binary.LogOne.ToArray();
        var logZero = d.Binary.LogZero.ToArray();
        logP.Should().Equal(ys.Select((y, i) => y == 1 ? logOne[i] : logZero[i]));
    }

    [Fact]
    public void ATensorReadWithoutGradientsIsNotKeptForALaterReadWithThem()
    {
        // Probabilities are worked out when first read; one read inside NoGrad must not leave a graph-less value behind.
        var logits = Tensor.Scalar(0.8, requiresGrad: true);
        var d = Bernoulli.FromLogits(logits);
        using (Tensor.NoGrad())
        {
            d.Entropy().ToScalar().Should().BeGreaterThan(0);
        }

        d.Entropy().Backward();

        // dH/dl = -l σ(l)(1 - σ(l)).
        double s = Sigmoid(0.8);
        logits.Grad!.ToScalar().Should().BeApproximately(-0.8 * s * (1 - s), 1e-15);
    }

    [Theory]
    [InlineData(40.0)]
    [InlineData(1000.0)]
    [InlineData(-1000.0)]
    public void BernoulliAtExtremeLogitsHasExactLogProbsAndFiniteGradients(double l)
    {
        // log σ(-l) = -softplus(l) = -l - log(1 + e^-l) → -l for large l; log σ(l) = -log(1 + e^-l) → -e^-l.
        var logits = Tensor.Scalar(l, requiresGrad: true);
        var d = Bernoulli.FromLogits(logits);
        var atZero = d.LogProb(0.0);
        var atOne = d.LogProb(1.0);
        double big = Math.Abs(l), tiny = Math.Exp(-big);
        (l > 0 ? atZero : atOne).ToScalar().Should().BeApproximately(-big, 1e-13 * big);
        (l > 0 ? atOne : atZero).ToScalar().Should().BeApproximately(-tiny, 1e-15 * tiny + 1e-320);

        // d/dl log P(0) = -σ(l): -1 here for l > 0, the signal a logistic regression needs (the probability form gives -∞ and 0).
        atZero.Backward();
        logits.Grad!.ToScalar().Should().BeApproximately(-Sigmoid(l), 1e-15);
        double.IsFinite(logits.Grad.ToScalar()).Should().BeTrue();
    }

    [Theory]
    [InlineData(40.0)]
    [InlineData(-40.0)]
    [InlineData(1000.0)]
    public void BernoulliEntropyAtExtremeLogitsIsTheAnalyticLimit(double l)
    {
        // H = σ(l) softplus(-l) + σ(-l) softplus(l) = e^-|l| (1 + |l|) (1 + O(e^-|l|)).
        var logits = Tensor.Scalar(l, requiresGrad: true);
        var h = Bernoulli.FromLogits(logits).Entropy();
        double a = Math.Abs(l), expected = Math.Exp(-a) * (1 + a);
        h.ToScalar().Should().BeApproximately(expected, (1e-13 * expected) + 1e-320);
        h.Backward();

        // dH/dl = -l σ(l) σ(-l) = -l e^-|l| (1 + O(e^-|l|)).
        double grad = -l * Math.Exp(-a);
        logits.Grad!.ToScalar().Should().BeApproximately(grad, (1e-12 * Math.Abs(grad)) + 1e-320);
    }

    [Theory]
    [InlineData(-2.0, 1.5)]
    [InlineData(0.3, 0.3)]
    [InlineData(3.0, -1.0)]
    public void BernoulliKlFromLogitsMatchesTheDefinitionAndMixedForms(double lp, double lq)
    {
        double p = Sigmoid(lp), q = Sigmoid(lq);
        double expected = (p * Math.Log(p / q)) + ((1 - p) * Math.Log((1 - p) / (1 - q)));
        Kl.Exact(Bernoulli.FromLogits(lp), Bernoulli.FromLogits(lq)).ToScalar().Should().BeApproximately(expected, 1e-14);
        Kl.Exact(new Bernoulli(p), Bernoulli.FromLogits(lq)).ToScalar().Should().BeApproximately(expected, 1e-14);
        Kl.Exact(Bernoulli.FromLogits(lp), new Bernoulli(q)).ToScalar().Should().BeApproximately(expected, 1e-14);
    }

    [Fact]
    public void BernoulliKlAtExtremeLogitsIsTheAnalyticLimitWithItsGradient()
    {
        // lp = 40, lq = 38: KL = e^-38 - 3e^-40 + O(e^-76), dKL/dlp = (lp - lq) e^-lp + O(e^-76); σ(40) and σ(38) round to 1.
        var lp = Tensor.Scalar(40.0, requiresGrad: true);
        var kl = Kl.Exact(Bernoulli.FromLogits(lp), Bernoulli.FromLogits(38.0));
        double expected = Math.Exp(-40) * (Math.Exp(2) - 3);
        kl.ToScalar().Should().BeApproximately(expected, 1e-12 * expected);
        kl.Backward();
        lp.Grad!.ToScalar().Should().BeApproximately(2 * Math.Exp(-40), 1e-10 * Math.Exp(-40));

        // lp = 1000, lq = -1000: KL = log p - log q + (1 - p)(...) = 1000 + O(1000 e^-1000); the reverse is 1000 too.
        Kl.Exact(Bernoulli.FromLogits(1000.0), Bernoulli.FromLogits(-1000.0)).ToScalar().Should().BeApproximately(1000, 1e-10);
        Kl.Exact(Bernoulli.FromLogits(-1000.0), Bernoulli.FromLogits(1000.0)).ToScalar().Should().BeApproximately(1000, 1e-10);

        // Both outcomes keep positive mass at finite logits: KL(Bernoulli(1/2) ‖ σ(1000)) = ½ log ½ + ½ (log ½ + 1000), finite.
        Kl.Divergence(new Bernoulli(0.5), Bernoulli.FromLogits(1000.0)).ToScalar().Should().BeApproximately(Math.Log(0.5) + 500, 1e-10);
    }

    [Theory]
    [MemberData(nameof(ModerateLogits))]
    public void BinomialFromLogitsMatchesTheProbabilityForm(double l)
    {
        const int n = 7;
        double p = Sigmoid(l);
        var d = Binomial.FromLogits(n, l);
        for (int k = 0; k <= n; k++)
        {
            double logChoose = MathNet.Numerics.SpecialFunctions.FactorialLn(n) - MathNet.Numerics.SpecialFunctions.FactorialLn(k) - MathNet.Numerics.SpecialFunctions.FactorialLn(n - k);
            double expected = logChoose + (k * Math.Log(p)) + ((n - k) * Math.Log(1 - p));
            d.LogProb(k).ToScalar().Should().BeApproximately(expected, 1e-12);
        }

        FamilyChecks.DiscreteMatchesSums(d, n);
        var q = Binomial.FromLogits(n, 1.1);
        double kl = Enumerable.Range(0, n + 1).Sum(k => Math.Exp(d.LogProb(k).ToScalar()) * (d.LogProb(k).ToScalar() - q.LogProb(k).ToScalar()));
        Kl.Exact(d, q).ToScalar().Should().BeApproximately(kl, 1e-12);
        Kl.Exact(new Binomial(n, p), q).ToScalar().Should().BeApproximately(kl, 1e-12);
    }

    [Fact]
    public void BinomialAtExtremeLogitsHasExactLogProbsKlAndFiniteGradients()
    {
        // log P(0) = n log σ(-l) = -n softplus(l) = -10 000 at n = 10, l = 1000; d/dl = -n σ(l) = -10.
        var logits = Tensor.Scalar(1000.0, requiresGrad: true);
        var lp = Binomial.FromLogits(10, logits).LogProb(0.0);
        lp.ToScalar().Should().BeApproximately(-10_000, 1e-9);
        lp.Backward();
        logits.Grad!.ToScalar().Should().Be(-10);

        // Equal counts: n KL(Bernoulli): 10 (e^-38 - 3e^-40) at logits 40 and 38.
        double expected = 10 * Math.Exp(-40) * (Math.Exp(2) - 3);
        Kl.Exact(Binomial.FromLogits(10, 40.0), Binomial.FromLogits(10, 38.0)).ToScalar().Should().BeApproximately(expected, 1e-12 * expected);
    }

    [Fact]
    public void NonFiniteLogitsAreRejectedWithFamilyParameterAndValue()
    {
        FamilyChecks.Rejects(() => _ = Bernoulli.FromLogits(double.NaN), "Bernoulli: logits must be finite, got NaN");
        FamilyChecks.Rejects(() => _ = Binomial.FromLogits(3, double.PositiveInfinity), "Binomial: logits must be finite, got Infinity");
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public void TheFusedLogProbabilityIsTheBitsOfTheThreeOpsItReplaces(bool scalarSign, bool weighted)
    {
        // -softplus(l·s) as one op against -(l * s).Softplus() recorded op by op: values and the gradient in l, for a
        // length over several blocks with a ragged end, for 1, 2 and 8 workers, under a uniform upstream gradient (a
        // sum) and a weighted one. The logits stay within ±40: beyond exp's range TensorPrimitives takes another path
        // for the whole vector holding such a value, and which neighbours share that vector follows the arrays'
        // alignment, so bits there are not comparable between any two calls (the extremes are checked by value below).
        const int n = (3 * CustomOp.BlockSize) + 517;
        var lv = GradCheck.RandomValues(n, 3, -40, 40);
        var sv = scalarSign ? [-1.0] : GradCheck.RandomValues(n, 4, -1, 1).Select(v => v < 0 ? -1.0 : 1.0).ToArray();
        var wv = GradCheck.RandomValues(n, 5, -2, 2);
        var sign = scalarSign ? Tensor.Scalar(-1.0) : Tensor.FromArray(sv, [n]);
        (double[] Values, double[] Gradient) Run(Func<Tensor, Tensor> f)
        {
            var l = Tensor.FromArray(lv, [n], requiresGrad: true);
            var y = f(l);
            (weighted ? (y * Tensor.FromArray(wv, [n])).Sum() : y.Sum()).Backward();
            return (y.ToArray(), l.Grad!.ToArray());
        }

        var reference = Run(l => -(l * sign).Softplus());
        foreach (int workers in Workers.Counts)
        {
            var fused = Workers.With(workers, () => Run(l => BinaryProbabilities.LogProbability(l, sign)));
            fused.Values.Should().Equal(reference.Values, $"values with {workers} workers");
            fused.Gradient.Should().Equal(reference.Gradient, $"gradient with {workers} workers");
        }
    }

    [Fact]
    public void TheFusedLogProbabilityIsExactAtExtremeLogits()
    {
        // -softplus(l·s) = -(l·s) far above 0 and 0 (to the last bit, e^-800) far below; its gradient -σ(l·s)·s.
        var l = Tensor.FromArray([800, -800, 800, -800, 1e-3, 0], [6], requiresGrad: true);
        var s = Tensor.FromArray([1, 1, -1, -1, 1, -1], [6]);
        var y = BinaryProbabilities.LogProbability(l, s);
        y.Sum().Backward();
        double[] values = [-800, 0, 0, -800, -Math.Log(1 + Math.Exp(1e-3)), -Math.Log(2)];
        double[] gradients = [-1, 0, 0, 1, -1 / (1 + Math.Exp(-1e-3)), 0.5];
        y.ToArray().Should().Equal(values, (a, b) => Math.Abs(a - b) <= 1e-15);
        l.Grad!.ToArray().Should().Equal(gradients, (a, b) => Math.Abs(a - b) <= 1e-15);
    }
}
