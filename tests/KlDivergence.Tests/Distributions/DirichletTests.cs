using KlDivergence.Distributions;
using KlDivergence.Divergences;
using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Tests.Distributions;

public class DirichletTests
{
    [Fact]
    public void DensityMatchesTheFormulaWorkedByHand()
    {
        // Dir(2, 3) at (0.3, 0.7): Γ(5)/(Γ(2)Γ(3)) · 0.3¹ · 0.7² = 12 · 0.147 = 1.764.
        var d = new Dirichlet(Tensor.Vector(2, 3));
        d.LogProb(Tensor.Vector(0.3, 0.7)).ToScalar().Should().BeApproximately(Math.Log(1.764), 1e-13);
        d.LogProb(Tensor.Vector(0.3, 0.6)).ToScalar().Should().Be(double.NegativeInfinity);
        d.LogProb(Tensor.Vector(-0.1, 1.1)).ToScalar().Should().Be(double.NegativeInfinity);

        // Dir(1, 1, 1) is uniform on the 2-simplex: density Γ(3) = 2 everywhere, including the boundary.
        new Dirichlet(Tensor.Vector(1, 1, 1)).LogProb(Tensor.Vector(0, 0.25, 0.75)).ToScalar().Should().BeApproximately(Math.Log(2), 1e-14);
    }

    [Fact]
    public void SampleMomentsAndEntropyAgreeWithTheFormulasWithinFiveStandardErrors()
    {
        var alpha = new[] { 0.7, 2.0, 4.5 };
        var d = new Dirichlet(Tensor.Vector(alpha));
        const int n = 100_000;
        var s = d.Sample(n, new RandomStream(12UL));
        s.Shape.Should().Equal(n, 3);
        var values = s.ToArray();
        double a0 = alpha.Sum();
        for (int k = 0; k < 3; k++)
        {
            double mean = alpha[k] / a0, variance = alpha[k] * (a0 - alpha[k]) / (a0 * a0 * (a0 + 1));
            d.Mean[k].Should().BeApproximately(mean, 1e-15);
            d.Variance[k].Should().BeApproximately(variance, 1e-15);
            double sampleMean = Enumerable.Range(0, n).Average(i => values[(3 * i) + k]);
            Math.Abs(sampleMean - mean).Should().BeLessThan(5 * Math.Sqrt(variance / n));
        }

        var (entropy, se) = d.EstimateEntropy(100_000, new RandomStream(13UL));
        Math.Abs(entropy.ToScalar() - d.Entropy().ToScalar()).Should().BeLessThan(5 * se.ToScalar());
    }

    [Fact]
    public void KlMatchesMonteCarloAndItsGradientMatchesFiniteDifferences()
    {
        var p = new Dirichlet(Tensor.Vector(0.8, 2.0, 3.5));
        var q = new Dirichlet(Tensor.Vector(1.5, 1.5, 1.0));
        var exact = Kl.Divergence(p, q);
        exact.Method.Should().Be(KlMethod.ClosedForm);
        var mc = Kl.MonteCarlo(p, q, 100_000, new RandomStream(14UL));
        Math.Abs(mc.ToScalar() - exact.ToScalar()).Should().BeLessThan(5 * mc.StandardError.ToScalar());
        Kl.Exact(p, p).ToScalar().Should().BeApproximately(0, 1e-14);
        GradCheck.Check(t => Kl.Exact(new Dirichlet(t[0]), new Dirichlet(t[1])), [[0.8, 2.0, 3.5], [1.5, 1.5, 1.0]], [[3], [3]]);
        GradCheck.Check(t => new Dirichlet(t[0]).LogProb(Tensor.Vector(0.2, 0.5, 0.3)), [[0.8, 2.0, 3.5]], [[3]]);
        GradCheck.Check(t => new Dirichlet(t[0]).Entropy(), [[0.8, 2.0, 3.5]], [[3]]);
    }

    [Fact]
    public void BadConcentrationsAreNamed()
    {
        ((Func<Dirichlet>)(() => new Dirichlet(Tensor.Vector(1, -2)))).Should().Throw<ArgumentOutOfRangeException>().WithMessage("Dirichlet: concentration must be positive*-2*");
        ((Func<Dirichlet>)(() => new Dirichlet(Tensor.Vector(1)))).Should().Throw<ArgumentException>().WithMessage("*at least 2*");
    }

    [Fact]
    public void ABatchOnTheSimplexAndOneWithRowsOffItOrOnItsEdgeGiveTheFormulaAndMinusInfinity()
    {
        // log p(x) = log Γ(Σα) - Σ log Γ(αₖ) + Σ (αₖ - 1) log xₖ, worked here; off the simplex -∞; xₖ = 0 with αₖ = 1
        // contributes 0 (0 · log 0).
        double[] alpha = [1.0, 2.5, 0.7];
        double LogDensity(double[] x) =>
            MathNet.Numerics.SpecialFunctions.GammaLn(alpha.Sum()) - alpha.Sum(MathNet.Numerics.SpecialFunctions.GammaLn)
            + Enumerable.Range(0, 3).Sum(k => x[k] == 0 && alpha[k] == 1 ? 0 : (alpha[k] - 1) * Math.Log(x[k]));
        double[][] inside = [[0.2, 0.3, 0.5], [0.6, 0.1, 0.3], [0.05, 0.9, 0.05]];
        var d = new Dirichlet(Tensor.Vector(alpha));
        var lp = d.LogProb(Tensor.FromArray([.. inside.SelectMany(r => r)], [3, 3])).ToArray();
        for (int i = 0; i < 3; i++)
        {
            lp[i].Should().BeApproximately(LogDensity(inside[i]), 1e-13, $"row {i}");
        }

        double[][] mixed = [[0.2, 0.3, 0.5], [0.6, 0.1, 0.4], [0.0, 0.4, 0.6], [-0.1, 0.5, 0.6]];
        var mixedLp = d.LogProb(Tensor.FromArray([.. mixed.SelectMany(r => r)], [4, 3])).ToArray();
        mixedLp[0].Should().BeApproximately(LogDensity(mixed[0]), 1e-13);
        mixedLp[1].Should().Be(double.NegativeInfinity);
        mixedLp[2].Should().BeApproximately(LogDensity(mixed[2]), 1e-13);
        mixedLp[3].Should().Be(double.NegativeInfinity);

        // The gradient in α on the simplex (at a zero entry with αₖ = 1 the density is not differentiable in αₖ).
        var onSimplex = Tensor.FromArray([.. inside.SelectMany(r => r)], [3, 3]);
        GradCheck.Check(t => new Dirichlet(t[0]).LogProb(onSimplex).Sum(), [alpha], [[3]]);
    }
}
