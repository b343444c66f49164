using KlDivergence.Distributions;
using KlDivergence.Divergences;
using KlDivergence.Tensors;

namespace KlDivergence.Tests.Divergences;

/// <summary>The same law written two ways resolves to one exact closed form, with gradients to the original parameters.</summary>
public class KlEquivalenceTests
{
    /// <summary>Σᵢ [log(σqᵢ/σpᵢ) + (σpᵢ² + (μpᵢ - μqᵢ)²)/(2σqᵢ²) - ½], the diagonal-normal KL worked by hand.</summary>
    private static double DiagonalKl(double[] mp, double[] sp, double[] mq, double[] sq) =>
        mp.Select((_, i) => Math.Log(sq[i] / sp[i]) + (((sp[i] * sp[i]) + ((mp[i] - mq[i]) * (mp[i] - mq[i]))) / (2 * sq[i] * sq[i])) - 0.5).Sum();

    [Fact]
    public void IndependentNormalAgainstDiagonalNormalIsTheClosedForm()
    {
        // Issue example: fell back to Monte Carlo (0.498 ± 0.003); the exact value is 0.5 = Σ (1² + 0²)/2 - ... here
        // KL(N(0, I) ‖ N(μ, I)) with |μ|² = 1 gives ½.
        var loc = Tensor.Vector(0.0, 0.0).RequireGrad();
        var p = new Independent(new Normal(loc, Tensor.Vector(1.0, 1.0)), 1);
        var q = new MultivariateNormalDiag(Tensor.Vector(1.0, 0.0), Tensor.Vector(1.0, 1.0));
        var result = Kl.Divergence(p, q);
        result.Method.Should().Be(KlMethod.ClosedForm);
        result.ToScalar().Should().BeApproximately(0.5, 1e-15);

        // d/dμp of ½|μp - μq|² = μp - μq = (-1, 0).
        result.Value.Backward();
        loc.Grad!.Values.ToArray().Should().BeEquivalentTo(new[] { -1.0, 0.0 }, o => o.WithStrictOrdering().Using<double>(c => c.Subject.Should().BeApproximately(c.Expectation, 1e-12)).WhenTypeIs<double>());

        // And the reverse order.
        Kl.Divergence(q, p).Method.Should().Be(KlMethod.ClosedForm);
        Kl.Divergence(q, p).ToScalar().Should().BeApproximately(0.5, 1e-15);
    }

    [Fact]
    public void DiagonalAgainstLowRankGoesThroughTheGeneralNormalForm()
    {
        // A low-rank normal with a zero factor is the diagonal normal diag(D): KL is the diagonal formula.
        double[] mp = [0.3, -0.2, 1.0], sp = [1.0, 0.5, 2.0], mq = [0.0, 0.1, 0.5], dq = [2.0, 1.0, 0.5];
        var p = new MultivariateNormalDiag(Tensor.FromArray(mp, [3]), Tensor.FromArray(sp, [3]));
        var q = new LowRankMultivariateNormal(Tensor.FromArray(mq, [3]), Tensor.Zeros(3, 1), Tensor.FromArray(dq, [3]));
        double expected = DiagonalKl(mp, sp, mq, dq.Select(Math.Sqrt).ToArray());
        foreach (var result in new[] { Kl.Divergence(p, q), Kl.Divergence(new Independent(new Normal(Tensor.FromArray(mp, [3]), Tensor.FromArray(sp, [3])), 1), q) })
        {
            result.Method.Should().Be(KlMethod.ClosedForm);
            result.ToScalar().Should().BeApproximately(expected, 1e-12);
        }

        var reverse = Kl.Divergence(q, p);
        reverse.Method.Should().Be(KlMethod.ClosedForm);
        reverse.ToScalar().Should().BeApproximately(DiagonalKl(mq, dq.Select(Math.Sqrt).ToArray(), mp, sp), 1e-12);
    }

    [Fact]
    public void CategoricalAgainstOneHotIsTheCategoricalKl()
    {
        // Σ pₖ log(pₖ/qₖ) worked here.
        double[] pv = [0.2, 0.3, 0.5], qv = [0.4, 0.4, 0.2];
        double expected = pv.Select((x, i) => x * Math.Log(x / qv[i])).Sum();
        var forward = Kl.Divergence(new Categorical(Tensor.FromArray(pv, [3])), new OneHotCategorical(Tensor.FromArray(qv, [3])));
        forward.Method.Should().Be(KlMethod.ClosedForm);
        forward.ToScalar().Should().BeApproximately(expected, 1e-15);
        Kl.Exact(new OneHotCategorical(Tensor.FromArray(pv, [3])), new Categorical(Tensor.FromArray(qv, [3]))).ToScalar().Should().BeApproximately(expected, 1e-15);
    }

    [Fact]
    public void ExponentialIsGammaWithShapeOne()
    {
        // A user registers KL(Gamma(k, β) ‖ Laplace(0, b)) = -H(Gamma) + log 2b + E|X|/b with E|X| = k/β; through
        // Exponential(β) = Gamma(1, β) it answers KL(Exponential ‖ Laplace) = -(1 - log β) + log 2b + 1/(βb).
        var registry = KlRegistry.CreateDefault();
        registry.Register<Gamma, Laplace>((g, l) => -g.Entropy() + (l.Scale * 2.0).Log() + (g.Concentration / g.Rate / l.Scale));
        var rate = Tensor.Scalar(2.0).RequireGrad();
        var result = Kl.Divergence(new Exponential(rate), new Laplace(0.0, 3.0), new KlOptions { Registry = registry });
        result.Method.Should().Be(KlMethod.ClosedForm);
        double beta = 2, b = 3;
        result.ToScalar().Should().BeApproximately(-(1 - Math.Log(beta)) + Math.Log(2 * b) + (1 / (beta * b)), 1e-12);

        // Gradient to the Exponential's own rate: d/dβ = 1/β - 1/(β² b).
        result.Value.Backward();
        rate.Grad!.ToScalar().Should().BeApproximately((1 / beta) - (1 / (beta * beta * b)), 1e-12);
    }

    [Fact]
    public void RewritesExtendTheRegistry()
    {
        // A user family that is a Normal in disguise gets the Normal closed form once declared equivalent.
        var registry = KlRegistry.CreateDefault();
        registry.HasClosedForm(new TestLaplace(0, 1), new Normal(0.0, 1.0)).Should().BeFalse();
        registry.RegisterEquivalent<TestLaplace>(_ => new Normal(0.0, 2.0));
        registry.TryEvaluate(new TestLaplace(0, 1), new Normal(0.0, 1.0))!.ToScalar().Should().BeApproximately(Math.Log(0.5) + 2 - 0.5, 1e-15);
    }
}
