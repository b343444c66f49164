using KlDivergence.Distributions;
using KlDivergence.Divergences;
using KlDivergence.Inference;
using KlDivergence.Optimization;
using KlDivergence.Random;
using KlDivergence.Tensors;
using Xunit.Abstractions;

namespace KlDivergence.Tests.Inference;

/// <summary>
/// The score-function ELBO gradient for a surrogate of three Bernoulli latents: unbiased against the exact gradient
/// of the ELBO by enumeration of the 8 states (central differences), the leave-one-out baseline lowers its variance,
/// and <c>VariationalInference.Fit</c> picks it by itself and says so.
/// </summary>
public class ScoreFunctionElboTests(ITestOutputHelper output)
{
    private static readonly double[] A = [0.5, -1.0, 1.5];
    private const double C = 1.2;

    /// <summary>q(z) = Πᵢ Bernoulli(zᵢ; σ(φᵢ)), with an event of 3 latents.</summary>
    private sealed class BernoulliSurrogate(Parameter logits) : SurrogatePosterior([logits])
    {
        public Parameter Logits => logits;

        protected override Distribution Build(Func<Parameter, Tensor> valueOf) => new Independent(new Bernoulli(valueOf(logits).Sigmoid()), 1);
    }

    /// <summary>log p̃(z) = aᵀz + c z₀z₁ (not a product over the latents).</summary>
    private static Tensor Target(Tensor z) =>
        (z * Tensor.Vector(A)).Sum(1) + (z.Narrow(1, 0, 1).Squeeze(1) * z.Narrow(1, 1, 1).Squeeze(1) * C);

    private static double TargetValue(int[] z) => (A[0] * z[0]) + (A[1] * z[1]) + (A[2] * z[2]) + (C * z[0] * z[1]);

    /// <summary>ELBO(φ) = Σ_z q(z)(log p̃(z) - log q(z)) over the 8 states, in plain doubles.</summary>
    private static double ExactElbo(double[] phi)
    {
        double total = 0;
        for (int s = 0; s < 8; s++)
        {
            int[] z = [s & 1, (s >> 1) & 1, (s >> 2) & 1];
            double logQ = 0;
            for (int i = 0; i < 3; i++)
            {
                double p = 1 / (1 + Math.Exp(-phi[i]));
                logQ += Math.Log(z[i] == 1 ? p : 1 - p);
            }

            total += Math.Exp(logQ) * (TargetValue(z) - logQ);
        }

        return total;
    }

    private static double[] ExactGradient(double[] phi)
    {
        var g = new double[3];
        for (int i = 0; i < 3; i++)
        {
            const double h = 1e-6;
            var plus = (double[])phi.Clone();
            var minus = (double[])phi.Clone();
            plus[i] += h;
            minus[i] -= h;
            g[i] = (ExactElbo(plus) - ExactElbo(minus)) / (2 * h);
        }

        return g;
    }

    [Fact]
    public void ScoreFunctionGradientIsUnbiasedAndTheBaselineReducesItsVariance()
    {
        double[] phi = [0.3, -0.2, 0.8];
        var surrogate = new BernoulliSurrogate(new Parameter(Tensor.Vector(phi), name: "logits"));
        var exact = ExactGradient(phi);
        const int reps = 2000, n = 8;
        var withBaseline = new double[reps][];
        var without = new double[reps][];
        for (int r = 0; r < reps; r++)
        {
            surrogate.Logits.Unconstrained.ZeroGrad();
            var e = Elbo.Estimate(Target, surrogate, n, new RandomStream((ulong)r));
            e.Value.Backward();
            withBaseline[r] = surrogate.Logits.Unconstrained.Grad!.ToArray();

            // The same draws (the estimator's first use of the stream), without a baseline, written out:
            // ∇φᵢ log q(z) = zᵢ - σ(φᵢ), so the plain estimate is (1/n) Σ f(z)(z - σ(φ)).
            var z = surrogate.DetachedDistribution.Sample(n, new RandomStream((ulong)r)).ToArray();
            var g = new double[3];
            var f = new double[n];
            for (int k = 0; k < n; k++)
            {
                int[] zk = [(int)z[3 * k], (int)z[(3 * k) + 1], (int)z[(3 * k) + 2]];
                double logQ = 0;
                for (int i = 0; i < 3; i++)
                {
                    double p = 1 / (1 + Math.Exp(-phi[i]));
                    logQ += Math.Log(zk[i] == 1 ? p : 1 - p);
                }

                f[k] = TargetValue(zk) - logQ;
                for (int i = 0; i < 3; i++)
                {
                    g[i] += f[k] * (zk[i] - (1 / (1 + Math.Exp(-phi[i])))) / n;
                }
            }

            without[r] = g;
        }

        for (int i = 0; i < 3; i++)
        {
            var (meanB, seB, varB) = Moments(withBaseline.Select(v => v[i]));
            var (meanN, seN, varN) = Moments(without.Select(v => v[i]));
            output.WriteLine($"φ{i}: exact {exact[i]:F5}, baseline {meanB:F5} ± {seB:F5}, none {meanN:F5} ± {seN:F5}, variance ratio none/baseline {varN / varB:F2}");
            meanB.Should().BeApproximately(exact[i], 5 * seB, $"the estimator is unbiased (component {i})");
            meanN.Should().BeApproximately(exact[i], 5 * seN, $"the hand-written plain estimator is unbiased too (component {i})");
            (varN / varB).Should().BeGreaterThan(1.5, $"the leave-one-out baseline reduces the variance (component {i})");
        }
    }

    [Fact]
    public void FitChoosesTheScoreFunctionAndFindsTheFactorisedOptimum()
    {
        // With log p̃(z) = aᵀz the posterior is Πᵢ Bernoulli(σ(aᵢ)), which the surrogate can match exactly: φ → a.
        var surrogate = new BernoulliSurrogate(new Parameter(Tensor.Vector(0.0, 0.0, 0.0), name: "logits"));
        var fit = VariationalInference.Fit(
            z => (z * Tensor.Vector(A)).Sum(1), surrogate, new MinimizeOptions(Optimizers.Adam(Schedules.CosineDecay(0.1, 1500, 0.01))) { MaxSteps = 1500 }, sampleCount: 16, seed: 4);
        fit.GradientEstimator.Should().Be(KlGradientEstimator.ScoreFunction);
        fit.ElboGradient.Should().Be(ElboGradient.ScoreFunction);
        var logits = surrogate.Logits.ToArray();
        for (int i = 0; i < 3; i++)
        {
            logits[i].Should().BeApproximately(A[i], 0.15);
        }
    }

    [Fact]
    public void AnExplicitPathwiseChoiceOnADiscreteSurrogateIsRefusedByName()
    {
        var surrogate = new BernoulliSurrogate(new Parameter(Tensor.Vector(0.0, 0.0, 0.0), name: "logits"));
        FluentActions.Invoking(() => Elbo.Estimate(Target, surrogate, 4, new RandomStream(1UL), ElboGradient.StickingTheLanding))
            .Should().Throw<NotSupportedException>().WithMessage("*Bernoulli*");
    }

    private static (double Mean, double Se, double Variance) Moments(IEnumerable<double> values)
    {
        var v = values.ToArray();
        double mean = v.Average();
        double variance = v.Sum(x => (x - mean) * (x - mean)) / (v.Length - 1);
        return (mean, Math.Sqrt(variance / v.Length), variance);
    }
}
