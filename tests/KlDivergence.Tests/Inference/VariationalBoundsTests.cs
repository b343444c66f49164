using KlDivergence.Inference;
using KlDivergence.Random;
using KlDivergence.Tensors;
using Xunit.Abstractions;

namespace KlDivergence.Tests.Inference;

/// <summary>
/// IWAE and the Rényi bound on the conjugate Bayesian linear regression of <see cref="VariationalInferenceTests"/>,
/// whose log evidence log N(y; 0, σ²I + τ²XXᵀ) is exact: IWAE at K = 1 is the ELBO, it rises towards the evidence as
/// K grows, DReG gradients agree with the plain ones in expectation, and the Rényi bound is the ELBO at α = 1 and
/// IWAE at α = 0.
/// </summary>
public class VariationalBoundsTests(ITestOutputHelper output)
{
    private static readonly (double[] X, double[] Y) Data = VariationalInferenceTests.Data();

    private static Tensor Target(Tensor z) => VariationalInferenceTests.LogJoint(z, Data.X, Data.Y);

    /// <summary>A mean-field surrogate off the posterior: shifted by half a posterior sd and 1.5 times too wide, so the ELBO gap is clear.</summary>
    private static MeanFieldNormal Surrogate()
    {
        var (mean, cov) = VariationalInferenceTests.ExactPosterior(Data.X, Data.Y);
        var s = new MeanFieldNormal(2);
        s.Loc.Assign(Tensor.Vector(mean[0] + (0.5 * Math.Sqrt(cov[0, 0])), mean[1] - (0.5 * Math.Sqrt(cov[1, 1]))));
        s.Scale.Assign(Tensor.Vector(1.5 * Math.Sqrt(cov[0, 0]), 1.5 * Math.Sqrt(cov[1, 1])));
        return s;
    }

    private static double[] Gradient(MeanFieldNormal s, Func<ElboEstimate> estimate)
    {
        foreach (var p in s.Parameters)
        {
            p.Unconstrained.ZeroGrad();
        }

        estimate().Value.Backward();
        return [.. s.Parameters.SelectMany(p => p.Unconstrained.Grad!.ToArray())];
    }

    [Fact]
    public void ImportanceWeightedWithOneSampleIsTheElbo()
    {
        var s = Surrogate();
        double elbo = Elbo.Estimate(Target, s, 500, new RandomStream(1UL)).Value.ToScalar();
        VariationalBounds.ImportanceWeighted(Target, s, 1, 500, new RandomStream(1UL), doublyReparameterized: false).Value.ToScalar().Should().BeApproximately(elbo, 1e-10);
        VariationalBounds.ImportanceWeighted(Target, s, 1, 500, new RandomStream(1UL)).Value.ToScalar().Should().BeApproximately(elbo, 1e-10);

        // At K = 1 the DReG weights are all 1, so its gradient is the sticking-the-landing ELBO gradient on the same draws.
        var stl = Gradient(s, () => Elbo.Estimate(Target, s, 500, new RandomStream(2UL), ElboGradient.StickingTheLanding));
        var dreg = Gradient(s, () => VariationalBounds.ImportanceWeighted(Target, s, 1, 500, new RandomStream(2UL)));
        for (int i = 0; i < stl.Length; i++)
        {
            dreg[i].Should().BeApproximately(stl[i], 1e-9 * (1 + Math.Abs(stl[i])));
        }
    }

    [Fact]
    public void ImportanceWeightedBoundRisesMonotonicallyToTheExactEvidence()
    {
        var s = Surrogate();
        double logZ = VariationalInferenceTests.LogEvidence(Data.X, Data.Y);
        int[] ks = [1, 4, 16, 64, 256];
        var values = new List<(double Value, double Se)>();
        foreach (int k in ks)
        {
            var e = VariationalBounds.ImportanceWeighted(Target, s, k, 400, new RandomStream((ulong)(10 + k)), doublyReparameterized: false);
            values.Add((e.Value.ToScalar(), e.StandardError));
            output.WriteLine($"K = {k}: IWAE {e.Value.ToScalar():F5} ± {e.StandardError:F5}, log Z = {logZ:F5}");
        }

        for (int j = 0; j < ks.Length; j++)
        {
            values[j].Value.Should().BeLessThan(logZ + (5 * values[j].Se), "IWAE is a lower bound in expectation");
            if (j > 0)
            {
                double se = Math.Sqrt((values[j].Se * values[j].Se) + (values[j - 1].Se * values[j - 1].Se));
                values[j].Value.Should().BeGreaterThan(values[j - 1].Value - (5 * se), $"IWAE_K is non-decreasing in K (K = {ks[j]})");
            }
        }

        double gap1 = logZ - values[0].Value, gapLast = logZ - values[^1].Value;
        gap1.Should().BeGreaterThan(0.1, "the surrogate is visibly off the posterior");
        gapLast.Should().BeLessThan(0.05 * gap1, "the bound closes on log Z");
    }

    [Fact]
    public void ATargetsOwnParametersGetThePlainImportanceWeightedGradientUnderDreg()
    {
        // The target reads a trainable shift θ besides z. For θ the IWAE gradient on given draws is Σₖ w̃ₖ ∇_θ log p̃(zₖ)
        // (z does not move with θ), checked against central differences of the bound's value on the same draws (the
        // same stream); DReG's w̃² weights, right for q's parameters, would give another number. q's gradients must not
        // change when θ is tracked.
        var s = Surrogate();
        var theta = Tensor.FromArray([0.3, -0.2], [2], requiresGrad: true);
        Tensor WithShift(Tensor z) => Target(z) + new KlDivergence.Distributions.Normal(theta, Tensor.Scalar(1.0)).LogProb(z).Sum(-1);
        ElboEstimate Bound(bool dreg) => VariationalBounds.ImportanceWeighted(WithShift, s, 8, 20, new RandomStream(3UL), dreg);

        theta.ZeroGrad();
        var qDreg = Gradient(s, () => Bound(true));
        var thetaDreg = theta.Grad!.ToArray();
        theta.ZeroGrad();
        Gradient(s, () => Bound(false));
        var thetaPlain = theta.Grad!.ToArray();

        const double h = 1e-5;
        for (int j = 0; j < 2; j++)
        {
            double Value(double shift)
            {
                var shifted = theta.ToArray();
                shifted[j] += shift;
                var moved = Tensor.FromArray(shifted, [2]);
                Tensor Moved(Tensor z) => Target(z) + new KlDivergence.Distributions.Normal(moved, Tensor.Scalar(1.0)).LogProb(z).Sum(-1);
                using var noGrad = Tensor.NoGrad();
                return VariationalBounds.ImportanceWeighted(Moved, s, 8, 20, new RandomStream(3UL)).Value.ToScalar();
            }

            double central = (Value(h) - Value(-h)) / (2 * h);
            thetaDreg[j].Should().BeApproximately(central, 1e-6 * Math.Max(1, Math.Abs(central)), $"θ{j} under DReG");
            thetaDreg[j].Should().BeApproximately(thetaPlain[j], 1e-12 * Math.Max(1, Math.Abs(thetaPlain[j])), $"θ{j}, DReG against plain");
        }

        // With θ fixed the target is the same function of z, so q's DReG gradient is the same.
        Tensor Fixed(Tensor z) => Target(z) + new KlDivergence.Distributions.Normal(theta.Detach(), Tensor.Scalar(1.0)).LogProb(z).Sum(-1);
        var qFixed = Gradient(s, () => VariationalBounds.ImportanceWeighted(Fixed, s, 8, 20, new RandomStream(3UL)));
        for (int i = 0; i < qDreg.Length; i++)
        {
            qDreg[i].Should().BeApproximately(qFixed[i], 1e-12 * Math.Max(1, Math.Abs(qFixed[i])), $"q gradient {i}");
        }
    }

    [Fact]
    public void DoublyReparameterizedGradientHasThePlainGradientsExpectation()
    {
        // Paired on the same draws: the mean difference of the two gradient estimates is 0 within 5 standard errors.
        var s = Surrogate();
        int reps = 200;
        var diffs = new List<double[]>();
        for (int r = 0; r < reps; r++)
        {
            var plain = Gradient(s, () => VariationalBounds.ImportanceWeighted(Target, s, 8, 4, new RandomStream((ulong)(100 + r)), doublyReparameterized: false));
            var dreg = Gradient(s, () => VariationalBounds.ImportanceWeighted(Target, s, 8, 4, new RandomStream((ulong)(100 + r))));
            diffs.Add([.. plain.Zip(dreg, (a, b) => a - b)]);
        }

        for (int i = 0; i < diffs[0].Length; i++)
        {
            var d = diffs.Select(v => v[i]).ToArray();
            double mean = d.Average();
            double se = Math.Sqrt(d.Sum(v => (v - mean) * (v - mean)) / (reps - 1) / reps);
            Math.Abs(mean).Should().BeLessThan(5 * se + 1e-12, $"gradient component {i}");
        }
    }

    [Fact]
    public void RenyiBoundIsTheElboAtAlphaOneAndIwaeAtAlphaZero()
    {
        var s = Surrogate();
        double elbo = Elbo.Estimate(Target, s, 400, new RandomStream(3UL)).Value.ToScalar();
        VariationalBounds.Renyi(Target, s, 1.0, 1, 400, new RandomStream(3UL)).Value.ToScalar().Should().BeApproximately(elbo, 1e-10);

        double atOne = VariationalBounds.Renyi(Target, s, 1.0, 10, 40, new RandomStream(4UL)).Value.ToScalar();
        double nearOne = VariationalBounds.Renyi(Target, s, 1 - 1e-7, 10, 40, new RandomStream(4UL)).Value.ToScalar();
        nearOne.Should().BeApproximately(atOne, 1e-5, "L_α is continuous at α = 1");

        double iwae = VariationalBounds.ImportanceWeighted(Target, s, 10, 40, new RandomStream(4UL), doublyReparameterized: false).Value.ToScalar();
        VariationalBounds.Renyi(Target, s, 0.0, 10, 40, new RandomStream(4UL)).Value.ToScalar().Should().BeApproximately(iwae, 1e-10);

        // On the same draws, the power mean makes L_α non-increasing in α: ELBO ≤ L_½ ≤ IWAE.
        double half = VariationalBounds.Renyi(Target, s, 0.5, 10, 40, new RandomStream(4UL)).Value.ToScalar();
        half.Should().BeInRange(atOne, iwae);
        FluentActions.Invoking(() => VariationalBounds.Renyi(Target, s, double.NaN, 10, 40, new RandomStream(4UL))).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("alpha");
    }
}
