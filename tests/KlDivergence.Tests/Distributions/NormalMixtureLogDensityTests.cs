using KlDivergence.Distributions;
using KlDivergence.Tensors;

namespace KlDivergence.Tests.Distributions;

public class NormalMixtureLogDensityTests
{
    /// <summary>log Σₖ wₖ N(x; μₖ, σₖ²) worked directly from the density in extended range (no log-sum-exp).</summary>
    private static double Reference(double x, double[] w, double[] mu, double[] sd)
    {
        // Each density is written as exp of a log, summed after factoring the largest out by hand.
        var logs = w.Select((wk, k) => Math.Log(wk) - Math.Log(sd[k]) - (0.5 * Math.Log(2 * Math.PI)) - (0.5 * Math.Pow((x - mu[k]) / sd[k], 2))).ToArray();
        double max = logs.Max();
        return max + Math.Log(logs.Sum(l => Math.Exp(l - max)));
    }

    public static TheoryData<int> ComponentCounts => new() { 1, 2, 3, 5 };

    /// <summary>k weights (normalised), means and scales from seeds derived from <paramref name="seed"/>.</summary>
    private static (double[] W, double[] Mu, double[] Sd) RandomMixture(int k, int seed)
    {
        var w = GradCheck.RandomValues(k, seed + k, 0.2, 1.0);
        double total = w.Sum();
        return ([.. w.Select(v => v / total)], GradCheck.RandomValues(k, seed + 10 + k, -2, 2), GradCheck.RandomValues(k, seed + 20 + k, 0.05, 1.5));
    }

    [Theory]
    [MemberData(nameof(ComponentCounts))]
    public void ValuesMatchTheDensityFormulaAcrossTheVectorAndScalarPaths(int k)
    {
        var (w, mu, sd) = RandomMixture(k, 10);

        // 1027 values: many 512-value blocks, a partial block and a scalar tail; far tails (|x| up to 60) included.
        var x = GradCheck.RandomValues(1027, 40 + k, -60, 60);
        var y = new double[x.Length];
        NormalMixtureLogDensity.Forward(x, [.. w.Select(v => Math.Log(v))], mu, sd, y);
        for (int i = 0; i < x.Length; i++)
        {
            double expected = Reference(x[i], w, mu, sd);
            y[i].Should().BeApproximately(expected, 1e-12 * Math.Max(1, Math.Abs(expected)), $"x = {x[i]}");
        }
    }

    [Fact]
    public void ZeroWeightsInfiniteAndNaNValuesGiveTheRightLimits()
    {
        double[] logW = [double.NegativeInfinity, 0.0];
        double[] mu = [0.0, 1.0], sd = [1.0, 2.0];
        double[] x = [0.5, double.PositiveInfinity, double.NegativeInfinity, double.NaN, 3.0, -4.0, 1e300, 2.0];
        var y = new double[x.Length];
        NormalMixtureLogDensity.Forward(x, logW, mu, sd, y);

        // A zero-weight component contributes nothing: the mixture is N(1, 4).
        y[0].Should().BeApproximately(-Math.Log(2) - (0.5 * Math.Log(2 * Math.PI)) - (0.5 * 0.0625), 1e-14);
        y[1].Should().Be(double.NegativeInfinity);
        y[2].Should().Be(double.NegativeInfinity);
        double.IsNaN(y[3]).Should().BeTrue();
        y[6].Should().Be(double.NegativeInfinity);
    }

    [Fact]
    public void GradientsMatchFiniteDifferencesForTheValueAndEveryParameter()
    {
        // x of shape [3, 5]; three components with their log-weights, locations and scales all trainable.
        var x = GradCheck.RandomValues(15, 1, -2, 3);
        var logW = new[] { Math.Log(0.2), Math.Log(0.5), Math.Log(0.3) };
        var mu = new[] { -1.0, 0.3, 2.0 };
        var sd = new[] { 0.7, 1.1, 0.4 };
        GradCheck.Check(t => GradCheck.Project(NormalMixtureLogDensity.Apply(t[0], t[1], t[2], t[3])), [x, logW, mu, sd], [[3, 5], [3], [3], [3]]);

        // Only the value trainable (the vectorised gradient path), with more than a vector's worth of values.
        var many = GradCheck.RandomValues(37, 2, -3, 4);
        GradCheck.Check(
            t => GradCheck.Project(NormalMixtureLogDensity.Apply(t[0], Tensor.Vector(logW), Tensor.Vector(mu), Tensor.Vector(sd))),
            [many],
            [[37]]);
    }

    [Theory]
    [MemberData(nameof(ComponentCounts))]
    public void ValueGradientMatchesTheResponsibilityFormulaIntoTheFarTails(int k)
    {
        // d/dx log Σₖ wₖ N(x; μₖ, σₖ²) = Σₖ rₖ (μₖ - x)/σₖ², rₖ = wₖ N(x; μₖ, σₖ²) / Σⱼ wⱼ N(x; μⱼ, σⱼ²), worked here from
        // the log terms with the largest factored out; |x| up to 60, where all but one responsibility underflow.
        var (w, mu, sd) = RandomMixture(k, 50);
        var xs = GradCheck.RandomValues(1027, 80 + k, -60, 60);
        var upstream = GradCheck.RandomValues(1027, 90 + k, -2, 2);
        var x = Tensor.FromArray(xs, [xs.Length], requiresGrad: true);
        var y = NormalMixtureLogDensity.Apply(x, Tensor.Vector([.. w.Select(v => Math.Log(v))]), Tensor.Vector(mu), Tensor.Vector(sd));
        (y * Tensor.FromArray(upstream, [upstream.Length])).Sum().Backward();
        for (int i = 0; i < xs.Length; i++)
        {
            var logs = Enumerable.Range(0, k).Select(j => Math.Log(w[j]) - Math.Log(sd[j]) - (0.5 * Math.Pow((xs[i] - mu[j]) / sd[j], 2))).ToArray();
            double max = logs.Max();
            double norm = logs.Sum(l => Math.Exp(l - max));
            double slope = Enumerable.Range(0, k).Sum(j => Math.Exp(logs[j] - max) / norm * (mu[j] - xs[i]) / (sd[j] * sd[j]));
            double expected = upstream[i] * slope;
            x.Grad!.Values[i].Should().BeApproximately(expected, 1e-12 * Math.Max(1, Math.Abs(expected)), $"x = {xs[i]}");
        }
    }

    [Theory]
    [MemberData(nameof(ComponentCounts))]
    public void ParameterGradientsMatchTheResponsibilityFormulasOverTheVectorAndScalarPaths(int k)
    {
        // With rᵢₖ the responsibilities and zᵢₖ = (xᵢ - μₖ)/σₖ, Σᵢ gᵢ yᵢ has ∂/∂log wₖ = Σᵢ gᵢ rᵢₖ, ∂/∂μₖ = Σᵢ gᵢ rᵢₖ zᵢₖ/σₖ,
        // ∂/∂σₖ = Σᵢ gᵢ rᵢₖ (zᵢₖ² - 1)/σₖ and ∂/∂xᵢ = -gᵢ Σₖ rᵢₖ zᵢₖ/σₖ, worked here value by value; 1027 values (four
        // at a time, then a scalar tail), |x| up to 30, with gradients in x and every parameter at once.
        var (w, mu, sd) = RandomMixture(k, 60);
        var xs = GradCheck.RandomValues(1027, 100 + k, -30, 30);
        var upstream = GradCheck.RandomValues(1027, 110 + k, -2, 2);
        var x = Tensor.FromArray(xs, [xs.Length], requiresGrad: true);
        var logW = Tensor.FromArray([.. w.Select(v => Math.Log(v))], [k], requiresGrad: true);
        var loc = Tensor.FromArray(mu, [k], requiresGrad: true);
        var scale = Tensor.FromArray(sd, [k], requiresGrad: true);
        (NormalMixtureLogDensity.Apply(x, logW, loc, scale) * Tensor.FromArray(upstream, [upstream.Length])).Sum().Backward();
        double[] gw = new double[k], gm = new double[k], gs = new double[k];
        for (int i = 0; i < xs.Length; i++)
        {
            var logs = Enumerable.Range(0, k).Select(j => Math.Log(w[j]) - Math.Log(sd[j]) - (0.5 * Math.Pow((xs[i] - mu[j]) / sd[j], 2))).ToArray();
            double max = logs.Max();
            double norm = logs.Sum(l => Math.Exp(l - max));
            double gx = 0;
            for (int j = 0; j < k; j++)
            {
                double r = upstream[i] * Math.Exp(logs[j] - max) / norm, z = (xs[i] - mu[j]) / sd[j];
                gw[j] += r;
                gm[j] += r * z / sd[j];
                gs[j] += r * ((z * z) - 1) / sd[j];
                gx -= r * z / sd[j];
            }

            x.Grad!.Values[i].Should().BeApproximately(gx, 1e-12 * Math.Max(1, Math.Abs(gx)), $"x = {xs[i]}");
        }

        for (int j = 0; j < k; j++)
        {
            logW.Grad!.Values[j].Should().BeApproximately(gw[j], 1e-11 * Math.Max(1, Math.Abs(gw[j])), $"log w{j}");
            loc.Grad!.Values[j].Should().BeApproximately(gm[j], 1e-11 * Math.Max(1, Math.Abs(gm[j])), $"loc {j}");
            scale.Grad!.Values[j].Should().BeApproximately(gs[j], 1e-11 * Math.Max(1, Math.Abs(gs[j])), $"scale {j}");
        }
    }

    [Fact]
    public void TwoComponentsGiveTheSameValuesWhetherOrNotTheForwardPassKeepsItsExponentials()
    {
        // Differentiated in x only, the two-component pass keeps exp(min - max) of every value for the backward pass;
        // the values must be the bits of the untracked pass, near the components (log(1 + e) added), far from them
        // (settled groups), at ±∞ and NaN, and in the scalar remainder.
        var xs = GradCheck.RandomValues(1027, 7, -40, 40);
        xs[5] = double.PositiveInfinity;
        xs[9] = double.NaN;
        xs[1026] = double.NegativeInfinity;
        var logW = Tensor.Vector(Math.Log(0.3), Math.Log(0.7));
        var mu = Tensor.Vector(-0.2, 1);
        var sd = Tensor.Vector(0.1, 0.5);
        var plain = NormalMixtureLogDensity.Apply(Tensor.FromArray(xs, [xs.Length]), logW, mu, sd).ToArray();
        var tracked = NormalMixtureLogDensity.Apply(Tensor.FromArray(xs, [xs.Length], requiresGrad: true), logW, mu, sd).ToArray();
        for (int i = 0; i < xs.Length; i++)
        {
            BitConverter.DoubleToInt64Bits(tracked[i]).Should().Be(BitConverter.DoubleToInt64Bits(plain[i]), $"x = {xs[i]}");
        }
    }

    [Fact]
    public void TheValueGradientIsZeroNotNaNWhereTheDensityVanishes()
    {
        var x = Tensor.Vector(double.PositiveInfinity, 0.5, 1, 2, 3).RequireGrad();
        var y = NormalMixtureLogDensity.Apply(x, Tensor.Vector(Math.Log(0.5), Math.Log(0.5)), Tensor.Vector(0, 1), Tensor.Vector(1, 2));
        TensorOps.Where(TensorOps.EqualTo(y, double.NegativeInfinity), 0.0, y).Sum().Backward();
        x.Grad!.Values[0].Should().Be(0);
        x.Grad.Values.ToArray().Should().OnlyContain(v => double.IsFinite(v));
    }
}
