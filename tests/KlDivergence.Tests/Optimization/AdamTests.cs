using KlDivergence.Optimization;

namespace KlDivergence.Tests.Optimization;

public class AdamTests
{
    private const double Lr = 0.1;
    private const double B1 = 0.9;
    private const double B2 = 0.999;
    private const double Eps = 1e-8;

    /// <summary>Kingma &amp; Ba 2015, Algorithm 1, one coordinate at a time; optionally AMSGrad (PyTorch form) and decoupled decay.</summary>
    private static List<double[]> HandAdam(double lr, double b1, double b2, double eps, bool amsgrad, double weightDecay, int steps)
    {
        var expected = new List<double[]>();
        double[] x = Quadratic.X0;
        double[] m = [0, 0, 0];
        double[] v = [0, 0, 0];
        double[] vMax = [0, 0, 0];
        for (int t = 1; t <= steps; t++)
        {
            double[] g = Quadratic.Gradient(x);
            for (int i = 0; i < 3; i++)
            {
                // AdamW (PyTorch): x ← x (1 − η λ), before the Adam step.
                x[i] *= 1.0 - (lr * weightDecay);

                m[i] = (b1 * m[i]) + ((1 - b1) * g[i]);            // m_t = β₁ m_{t−1} + (1 − β₁) g_t
                v[i] = (b2 * v[i]) + ((1 - b2) * g[i] * g[i]);     // v_t = β₂ v_{t−1} + (1 − β₂) g_t²
                double mHat = m[i] / (1 - Math.Pow(b1, t));        // m̂_t = m_t / (1 − β₁^t)
                double vHat = v[i] / (1 - Math.Pow(b2, t));        // v̂_t = v_t / (1 − β₂^t)
                if (amsgrad)
                {
                    vMax[i] = Math.Max(vMax[i], v[i]);             // running max of the uncorrected v
                    vHat = vMax[i] / (1 - Math.Pow(b2, t));
                }

                x[i] -= lr * mHat / (Math.Sqrt(vHat) + eps);      // x_t = x_{t−1} − η m̂_t / (√v̂_t + ε)
            }

            expected.Add((double[])x.Clone());
        }

        return expected;
    }

    [Fact]
    public void FirstAdamStepIsLearningRateTimesSignOfGradient()
    {
        // m̂₁ = g, v̂₁ = g², so the step is −η g / (|g| + ε); g = (0, −3.5, 0.5) at x₀.
        var first = Quadratic.Trajectory(Optimizers.Adam(Lr), 1)[0];
        first[0].Should().BeApproximately(0.5, 1e-15);
        first[1].Should().BeApproximately(-1.0 + (Lr * 3.5 / (3.5 + Eps)), 1e-15);
        first[2].Should().BeApproximately(2.0 - (Lr * 0.5 / (0.5 + Eps)), 1e-15);
    }

    [Fact]
    public void AdamMatchesAlgorithm1ForThreeSteps()
    {
        Quadratic.ShouldMatch(Quadratic.Trajectory(Optimizers.Adam(Lr), 3), HandAdam(Lr, B1, B2, Eps, false, 0, 3));
    }

    [Fact]
    public void AdamWithOtherHyperparametersMatches()
    {
        var opt = Optimizers.Adam(0.3, beta1: 0.5, beta2: 0.7, epsilon: 1e-3);
        Quadratic.ShouldMatch(Quadratic.Trajectory(opt, 3), HandAdam(0.3, 0.5, 0.7, 1e-3, false, 0, 3));
    }

    [Fact]
    public void AmsGradMatchesHandRuleAndUsesTheMaximum()
    {
        // A small β₂ and a large step make v fall, so the running maximum matters.
        const double lr = 0.5;
        const double b2 = 0.1;
        var opt = Optimizers.Adam(lr, beta2: b2, amsgrad: true);
        var amsgrad = Quadratic.Trajectory(opt, 3);
        Quadratic.ShouldMatch(amsgrad, HandAdam(lr, B1, b2, Eps, true, 0, 3));

        var plain = HandAdam(lr, B1, b2, Eps, false, 0, 3);
        Math.Abs(amsgrad[2][1] - plain[2][1]).Should().BeGreaterThan(1e-6, "the test case must exercise the maximum");
    }

    [Fact]
    public void AdamWAppliesDecoupledDecayScaledByLearningRate()
    {
        const double wd = 0.3;
        var opt = Optimizers.AdamW(Lr, weightDecay: wd);
        Quadratic.ShouldMatch(Quadratic.Trajectory(opt, 3), HandAdam(Lr, B1, B2, Eps, false, wd, 3));
    }

    [Fact]
    public void AdamWWithAmsGradMatches()
    {
        var opt = Optimizers.AdamW(0.5, beta2: 0.1, weightDecay: 0.1, amsgrad: true);
        Quadratic.ShouldMatch(Quadratic.Trajectory(opt, 3), HandAdam(0.5, B1, 0.1, Eps, true, 0.1, 3));
    }

    [Fact]
    public void ZeroGradientGivesZeroUpdateNotNaN()
    {
        var adam = new ScaleByAdam();
        double[][] theta = [[1.0, 2.0]];
        var state = adam.Init(theta);
        for (int t = 0; t < 3; t++)
        {
            double[][] u = [[0.0, 0.0]];
            adam.Update(u, state, theta);
            u[0].Should().Equal(0.0, 0.0);
        }

        ((ScaleByAdamState)state).Count.Should().Be(3);
    }
}
