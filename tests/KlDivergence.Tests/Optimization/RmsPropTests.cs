using KlDivergence.Optimization;

namespace KlDivergence.Tests.Optimization;

public class RmsPropTests
{
    /// <summary>PyTorch's RMSprop, one coordinate at a time: averages from zero, no bias correction, ε outside √.</summary>
    private static List<double[]> HandRmsProp(double lr, double rho, double eps, double mu, bool centered, double weightDecay, int steps)
    {
        var expected = new List<double[]>();
        double[] x = Quadratic.X0;
        double[] s = [0, 0, 0];
        double[] gAvg = [0, 0, 0];
        double[] buf = [0, 0, 0];
        for (int t = 1; t <= steps; t++)
        {
            double[] g = Quadratic.Gradient(x);
            for (int i = 0; i < 3; i++)
            {
                double gi = g[i] + (weightDecay * x[i]);          // g ← g + λ x
                s[i] = (rho * s[i]) + ((1 - rho) * gi * gi);     // s_t = ρ s_{t−1} + (1 − ρ) g²
                double avg;
                if (centered)
                {
                    gAvg[i] = (rho * gAvg[i]) + ((1 - rho) * gi);  // ḡ_t = ρ ḡ_{t−1} + (1 − ρ) g
                    avg = Math.Sqrt(s[i] - (gAvg[i] * gAvg[i])) + eps;
                }
                else
                {
                    avg = Math.Sqrt(s[i]) + eps;
                }

                if (mu > 0)
                {
                    buf[i] = (mu * buf[i]) + (gi / avg);         // b ← μ b + g / avg
                    x[i] -= lr * buf[i];
                }
                else
                {
                    x[i] -= lr * gi / avg;
                }
            }

            expected.Add((double[])x.Clone());
        }

        return expected;
    }

    [Fact]
    public void FirstPlainStepIsGradientOverTenthOfItsMagnitude()
    {
        // s₁ = (1 − 0.99) g² so √s₁ = 0.1 |g|: the step is −η g / (0.1 |g| + ε), about −10 η sign(g).
        var first = Quadratic.Trajectory(Optimizers.RmsProp(0.01), 1)[0];
        first[1].Should().BeApproximately(-1.0 + (0.01 * 3.5 / ((0.1 * 3.5) + 1e-8)), 1e-14);
        first[2].Should().BeApproximately(2.0 - (0.01 * 0.5 / ((0.1 * 0.5) + 1e-8)), 1e-14);
    }

    [Fact]
    public void PlainRmsPropMatchesPyTorchRule()
    {
        Quadratic.ShouldMatch(Quadratic.Trajectory(Optimizers.RmsProp(0.01), 3), HandRmsProp(0.01, 0.99, 1e-8, 0, false, 0, 3));
    }

    [Fact]
    public void CenteredRmsPropMatchesPyTorchRule()
    {
        var opt = Optimizers.RmsProp(0.01, decay: 0.9, centered: true);
        Quadratic.ShouldMatch(Quadratic.Trajectory(opt, 3), HandRmsProp(0.01, 0.9, 1e-8, 0, true, 0, 3));
    }

    [Fact]
    public void RmsPropWithMomentumAndWeightDecayMatches()
    {
        var opt = Optimizers.RmsProp(0.01, decay: 0.9, epsilon: 1e-6, momentum: 0.8, centered: true, weightDecay: 0.1);
        Quadratic.ShouldMatch(Quadratic.Trajectory(opt, 3), HandRmsProp(0.01, 0.9, 1e-6, 0.8, true, 0.1, 3));
    }

    [Fact]
    public void CenteredVarianceIsClampedSoAConstantGradientNeverGivesNaN()
    {
        // With a constant gradient s − ḡ² is zero in exact arithmetic and may round below zero.
        var rms = new ScaleByRms(decay: 0.9, centered: true);
        double[][] theta = [[0.0, 0.0, 0.0]];
        var state = rms.Init(theta);
        for (int t = 0; t < 200; t++)
        {
            double[][] u = [[0.1, 1e-3, 7.3]];
            rms.Update(u, state, theta);
            u[0].Should().OnlyContain(x => double.IsFinite(x));
        }
    }
}
