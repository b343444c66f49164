using KlDivergence.Distributions;
using KlDivergence.Random;
using KlDivergence.Tensors;
using static KlDivergence.Tests.Distributions.DistributionTestHelpers;

namespace KlDivergence.Tests.Distributions;

public class CategoricalTests
{
    private static readonly double[,] Probs = { { 0.2, 0.5, 0.3, 0.0 }, { 0.1, 0.1, 0.1, 0.7 } };

    [Fact]
    public void ShapesOfEveryResult()
    {
        var c = new Categorical(Tensor.Matrix(Probs));
        c.BatchShape.Should().Equal(2);
        c.EventShape.Should().BeEmpty();
        c.CategoryCount.Should().Be(4);
        c.Sample(9, new RandomStream(1)).Shape.Should().Equal(9, 2);
        c.LogProb(Tensor.Zeros(5, 2)).Shape.Should().Equal(5, 2);
        c.LogProb(Tensor.Zeros(5, 1)).Shape.Should().Equal(5, 2);
        c.Mean.Shape.Should().Equal(2);
        c.Variance.Shape.Should().Equal(2);
        c.Entropy().Shape.Should().Equal(2);
        c.Support.IsDiscrete.Should().BeTrue();
        c.Support.Lower.ToScalar().Should().Be(0);
        c.Support.Upper.ToScalar().Should().Be(3);
    }

    [Fact]
    public void LogProbGathersAndGivesMinusInfinityOutsideTheSupport()
    {
        var c = new Categorical(Tensor.Vector(0.2, 0.5, 0.3, 0.0));
        var lp = c.LogProb(Tensor.Vector(0, 1, 2, 3, -1, 4, 1.5, double.NaN)).ToArray();
        lp[0].Should().BeApproximately(Math.Log(0.2), 1e-15);
        lp[1].Should().BeApproximately(Math.Log(0.5), 1e-15);
        lp[2].Should().BeApproximately(Math.Log(0.3), 1e-15);
        lp[3..].Should().AllSatisfy(v => v.Should().Be(double.NegativeInfinity));
        c.Prob(Tensor.Vector(0, 1, 2, 3)).ToArray().Sum().Should().BeApproximately(1.0, 1e-15);
    }

    [Fact]
    public void FromLogitsNormalisesAndHandlesMinusInfinity()
    {
        var c = Categorical.FromLogits(Tensor.Vector(1.0, double.NegativeInfinity, 3.0));
        double z = Math.Exp(1) + Math.Exp(3);
        c.Probs.ToArray().Should().Equal([Math.Exp(1) / z, 0, Math.Exp(3) / z], (a, b) => Math.Abs(a - b) < 1e-15);
        c.Logits.ToArray()[1].Should().Be(double.NegativeInfinity);
        c.Entropy().ToScalar().Should().BeApproximately(-(Math.Exp(1) / z * Math.Log(Math.Exp(1) / z)) - (Math.Exp(3) / z * Math.Log(Math.Exp(3) / z)), 1e-14);
    }

    [Fact]
    public void EntropyMatchesDirectSumWithZeroLogZero()
    {
        var c = new Categorical(Tensor.Matrix(Probs));
        var h = c.Entropy().ToArray();
        for (int r = 0; r < 2; r++)
        {
            double expected = 0;
            for (int k = 0; k < 4; k++)
            {
                double p = Probs[r, k];
                expected -= p > 0 ? p * Math.Log(p) : 0;
            }

            h[r].Should().BeApproximately(expected, 1e-15);
        }
    }

    [Fact]
    public void SampleMomentsMatchMeanAndVariance()
    {
        var c = new Categorical(Tensor.Matrix(Probs));
        var x = c.Sample(SampleCount, new RandomStream(3));
        x.Values.ToArray().Should().OnlyContain(v => v == 0 || v == 1 || v == 2 || v == 3);
        x.Values.ToArray().Where((_, i) => i % 2 == 0).Should().NotContain(3.0, "category 3 of row 0 has probability 0");
        var mean = c.Mean.ToArray();
        var fourth = new double[2];
        for (int r = 0; r < 2; r++)
        {
            for (int k = 0; k < 4; k++)
            {
                fourth[r] += Probs[r, k] * Math.Pow(k - mean[r], 4);
            }
        }

        mean[0].Should().BeApproximately(1.1, 1e-15);
        CheckMeanAndVariance(x, c.Mean, c.Variance, fourth);
    }

    [Fact]
    public void CdfSumsProbabilitiesUpToTheValue()
    {
        var c = new Categorical(Tensor.Vector(0.2, 0.5, 0.3));
        c.Cdf(Tensor.Vector(-0.5, 0, 1.5, 2, 7)).ToArray().Should().Equal([0, 0.2, 0.7, 1.0, 1.0], (a, b) => Math.Abs(a - b) < 1e-15);
    }

    [Fact]
    public void GradientsOfLogProbAndEntropyMatchFiniteDifferences()
    {
        double[] logits = [0.3, -1.0, 2.0, 0.5, 0.1, 0.0];
        var values = Tensor.Matrix(new[,] { { 0.0, 1.0 }, { 2.0, 1.0 }, { 2.0, 0.0 } });
        GradCheck.Check(t => GradCheck.Project(Categorical.FromLogits(t[0]).LogProb(values)), [logits], [[2, 3]]);
        GradCheck.Check(t => GradCheck.Project(Categorical.FromLogits(t[0]).Entropy()), [logits], [[2, 3]]);
        GradCheck.Check(t => GradCheck.Project(Categorical.FromLogits(t[0]).Mean + Categorical.FromLogits(t[0]).Variance), [logits], [[2, 3]]);

        double[] probs = [0.2, 0.5, 0.3];
        GradCheck.Check(t => GradCheck.Project(new Categorical(t[0], renormalize: true).LogProb(Tensor.Vector(0, 1, 2, 2))), [probs], [[3]]);
        GradCheck.Check(t => new Categorical(t[0], renormalize: true).Entropy(), [probs], [[3]]);
    }

    [Fact]
    public void ZeroProbabilityGivesFiniteGradients()
    {
        var probs = Tensor.FromArray([0.0, 0.4, 0.6], [3], requiresGrad: true);
        var c = new Categorical(probs);
        (c.LogProb(Tensor.Vector(1, 2)).Sum() + c.Entropy()).Backward();
        probs.Grad.ShouldBeFinite("gradient with a zero probability");

        var logits = Tensor.FromArray([double.NegativeInfinity, 0.4, 0.6], [3], requiresGrad: true);
        var d = Categorical.FromLogits(logits);
        (d.LogProb(Tensor.Vector(1, 2)).Sum() + d.Entropy() + d.Mean).Backward();
        logits.Grad.ShouldBeFinite("gradient with a -inf logit");
    }

    [Fact]
    public void RenormalizeDividesBySum()
    {
        var c = new Categorical(Tensor.Vector(1.0, 3.0), renormalize: true);
        c.Probs.ToArray().Should().Equal(0.25, 0.75);
    }

    [Fact]
    public void InvalidProbabilitiesAreRejectedWithNameAndValue()
    {
        var negative = () => new Categorical(Tensor.Vector(0.5, -0.1, 0.6));
        negative.Should().Throw<ArgumentOutOfRangeException>().Where(e => e.ParamName == "probs")
            .WithMessage("Categorical: probs must be non-negative and finite, got -0.1*");
        var infinite = () => new Categorical(Tensor.Vector(0.5, double.PositiveInfinity));
        infinite.Should().Throw<ArgumentOutOfRangeException>().Where(e => e.ParamName == "probs").WithMessage("*got Infinity*");
        var sum = () => new Categorical(Tensor.Matrix(new[,] { { 0.5, 0.5 }, { 0.5, 0.6 } }));
        sum.Should().Throw<ArgumentException>().Where(e => e.ParamName == "probs")
            .WithMessage("Categorical: probs must sum to 1 (within 1E-10) in each row, got a sum of 1.1 in row 1*");
        var zero = () => new Categorical(Tensor.Vector(0.0, 0.0), renormalize: true);
        zero.Should().Throw<ArgumentException>().Where(e => e.ParamName == "probs").WithMessage("*positive sum*got a sum of 0 in row 0*");
        var slightlyOff = () => new Categorical(Tensor.Vector(0.5, 0.5 + 1e-9));
        slightlyOff.Should().Throw<ArgumentException>();
        _ = new Categorical(Tensor.Vector(0.5, 0.5 + 1e-12));
    }

    [Fact]
    public void InvalidLogitsAreRejected()
    {
        var nan = () => Categorical.FromLogits(Tensor.Vector(0.0, double.NaN));
        nan.Should().Throw<ArgumentOutOfRangeException>().Where(e => e.ParamName == "logits").WithMessage("Categorical: logits must not be NaN or +infinity, got NaN*");
        var allMinusInf = () => Categorical.FromLogits(Tensor.Vector(double.NegativeInfinity, double.NegativeInfinity));
        allMinusInf.Should().Throw<ArgumentException>().Where(e => e.ParamName == "logits").WithMessage("*row 0 is all -infinity*");
        var scalar = () => new Categorical(Tensor.Scalar(1.0));
        scalar.Should().Throw<ArgumentException>().Where(e => e.ParamName == "probs");
    }

    [Fact]
    public void LogProbGathersTheValuesCategoryAcrossABatchAndBroadcastValuesAndMasksTheRest()
    {
        // Batch [3] of K = 4 against values [2, 3]: each value picks log p of its own row; a value that is not a
        // category (first, in the middle, last) is -∞ and the others keep their log-probabilities.
        double[,] p = { { 0.1, 0.2, 0.3, 0.4 }, { 0.25, 0.25, 0.25, 0.25 }, { 0.7, 0.1, 0.1, 0.1 } };
        var c = new Categorical(Tensor.FromArray([.. p.Cast<double>()], [3, 4]));
        double[] values = [-1, 3, 0, 2, 1.5, 5];
        var lp = c.LogProb(Tensor.FromArray(values, [2, 3])).ToArray();
        for (int i = 0; i < values.Length; i++)
        {
            double v = values[i];
            bool category = v >= 0 && v <= 3 && Math.Floor(v) == v;
            if (category)
            {
                lp[i].Should().BeApproximately(Math.Log(p[i % 3, (int)v]), 1e-15, $"value {i}");
            }
            else
            {
                lp[i].Should().Be(double.NegativeInfinity, $"value {i}");
            }
        }

        // Unbatched logits against many values, all categories: no mask, the gather alone.
        var one = Categorical.FromLogits(Tensor.Vector(0.5, -1.0, 2.0));
        double z = Math.Log(Math.Exp(0.5) + Math.Exp(-1.0) + Math.Exp(2.0));
        one.LogProb(Tensor.Vector(2, 0, 1, 2)).ToArray().Should().Equal([2.0 - z, 0.5 - z, -1.0 - z, 2.0 - z], (a, b) => Math.Abs(a - b) < 1e-15);

        // Batch [2, 1] against values [3]: the result is [2, 3], and element (r, j) reads row r of the logits.
        var column = new Categorical(Tensor.FromArray([0.1, 0.9, 0.6, 0.4], [2, 1, 2]));
        column.LogProb(Tensor.Vector(1, 0, 1)).ToArray().Should().Equal(
            [Math.Log(0.9), Math.Log(0.1), Math.Log(0.9), Math.Log(0.4), Math.Log(0.6), Math.Log(0.4)], (a, b) => Math.Abs(a - b) < 1e-15);
    }

    [Fact]
    public void TheLogProbGradientIsTheUpstreamGradientAtEachPickedLogitThroughTheNormalisation()
    {
        // d/dℓⱼ Σᵢ gᵢ log softmax(ℓ)_{vᵢ} = Σᵢ gᵢ (1[vᵢ = j] - pⱼ) for one row of logits, worked here by hand.
        double[] l = [0.3, -0.8, 1.1];
        double[] values = [2, 0, 2, 1, 7];
        double[] g = [0.5, -1.0, 2.0, 0.25, 3.0];
        var logits = Tensor.FromArray(l, [3], requiresGrad: true);
        var lp = Categorical.FromLogits(logits).LogProb(Tensor.FromArray(values, [5]));
        TensorOps.Where(TensorOps.EqualTo(lp, double.NegativeInfinity), 0.0, lp * Tensor.FromArray(g, [5])).Sum().Backward();
        double norm = l.Sum(Math.Exp);
        for (int j = 0; j < 3; j++)
        {
            double expected = 0;
            for (int i = 0; i < 4; i++)
            {
                expected += g[i] * ((values[i] == j ? 1 : 0) - (Math.Exp(l[j]) / norm));
            }

            logits.Grad!.Values[j].Should().BeApproximately(expected, 1e-14, $"logit {j}");
        }
    }

    [Fact]
    public void ABadLogitAmongManyIsNamed()
    {
        var many = Enumerable.Range(0, 203).Select(i => Math.Sin(i)).ToArray();
        many[117] = double.PositiveInfinity;
        var act = () => Categorical.FromLogits(Tensor.FromArray(many, [29, 7]));
        act.Should().Throw<ArgumentOutOfRangeException>().WithMessage("Categorical: logits must not be NaN or +infinity, got Infinity*");
        many[117] = double.NaN;
        var nan = () => Categorical.FromLogits(Tensor.FromArray(many, [29, 7]));
        nan.Should().Throw<ArgumentOutOfRangeException>().WithMessage("Categorical: logits must not be NaN or +infinity, got NaN*");
        many[117] = double.NegativeInfinity;
        for (int j = 0; j < 7; j++)
        {
            many[(20 * 7) + j] = double.NegativeInfinity;
        }

        var row = () => Categorical.FromLogits(Tensor.FromArray(many, [29, 7]));
        row.Should().Throw<ArgumentException>().WithMessage("*row 20 is all -infinity*");
    }

    [Fact]
    public void ProbabilitiesReadFirstWithoutGradientsStillCarryTheirGradientLater()
    {
        // From logits the probabilities are made at the first read; one made under NoGrad must not be the one a later
        // differentiable read gets. d/dℓⱼ Σₖ wₖ pₖ = pⱼ (wⱼ - Σₖ wₖ pₖ).
        double[] l = [0.3, -0.8, 1.1];
        double[] w = [2.0, -1.0, 0.5];
        var logits = Tensor.FromArray(l, [3], requiresGrad: true);
        var c = Categorical.FromLogits(logits);
        using (Tensor.NoGrad())
        {
            c.Probs.ToArray().Sum().Should().BeApproximately(1, 1e-15);
        }

        (c.Probs * Tensor.FromArray(w, [3])).Sum().Backward();
        double norm = l.Sum(Math.Exp);
        double[] p = [.. l.Select(v => Math.Exp(v) / norm)];
        double mean = p.Zip(w, (a, b) => a * b).Sum();
        for (int j = 0; j < 3; j++)
        {
            logits.Grad!.Values[j].Should().BeApproximately(p[j] * (w[j] - mean), 1e-15, $"logit {j}");
        }
    }
}
