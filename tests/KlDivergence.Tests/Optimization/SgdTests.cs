using KlDivergence.Optimization;

namespace KlDivergence.Tests.Optimization;

public class SgdTests
{
    private const double Lr = 0.1;

    [Fact]
    public void PlainSgdStepsAreXMinusLrTimesGradient()
    {
        // Step 1 written out in numbers: x₀ = (0.5, −1, 2), A x₀ = (1, −1.5, 3.5), g = A x₀ − b = (0, −3.5, 0.5).
        var first = Quadratic.Trajectory(Optimizers.Sgd(Lr), 1)[0];
        first[0].Should().BeApproximately(0.5, 1e-15);
        first[1].Should().BeApproximately(-1.0 + 0.35, 1e-15);
        first[2].Should().BeApproximately(2.0 - 0.05, 1e-15);

        var expected = new List<double[]>();
        double[] x = Quadratic.X0;
        for (int t = 1; t <= 3; t++)
        {
            double[] g = Quadratic.Gradient(x);
            x = [x[0] - (Lr * g[0]), x[1] - (Lr * g[1]), x[2] - (Lr * g[2])];
            expected.Add(x);
        }

        Quadratic.ShouldMatch(Quadratic.Trajectory(Optimizers.Sgd(Lr), 3), expected);
    }

    [Fact]
    public void HeavyBallMomentumFollowsPyTorchRule()
    {
        const double mu = 0.9;
        var expected = new List<double[]>();
        double[] x = Quadratic.X0;
        double[] buf = [0, 0, 0];
        for (int t = 1; t <= 3; t++)
        {
            double[] g = Quadratic.Gradient(x);
            for (int i = 0; i < 3; i++)
            {
                buf[i] = (mu * buf[i]) + g[i];  // b_t = μ b_{t−1} + g_t
                x[i] -= Lr * buf[i];            // x ← x − η b_t
            }

            expected.Add((double[])x.Clone());
        }

        Quadratic.ShouldMatch(Quadratic.Trajectory(Optimizers.Sgd(Lr, momentum: mu), 3), expected);
    }

    [Fact]
    public void NesterovMomentumFollowsPyTorchRule()
    {
        const double mu = 0.9;
        var expected = new List<double[]>();
        double[] x = Quadratic.X0;
        double[] buf = [0, 0, 0];
        for (int t = 1; t <= 3; t++)
        {
            double[] g = Quadratic.Gradient(x);
            for (int i = 0; i < 3; i++)
            {
                buf[i] = (mu * buf[i]) + g[i];  // b_t = μ b_{t−1} + g_t
                double d = g[i] + (mu * buf[i]); // d = g_t + μ b_t
                x[i] -= Lr * d;
            }

            expected.Add((double[])x.Clone());
        }

        Quadratic.ShouldMatch(Quadratic.Trajectory(Optimizers.Sgd(Lr, momentum: mu, nesterov: true), 3), expected);
    }

    [Fact]
    public void WeightDecayIsAddedToTheGradientBeforeMomentum()
    {
        const double mu = 0.5;
        const double wd = 0.2;
        var expected = new List<double[]>();
        double[] x = Quadratic.X0;
        double[] buf = [0, 0, 0];
        for (int t = 1; t <= 3; t++)
        {
            double[] g = Quadratic.Gradient(x);
            for (int i = 0; i < 3; i++)
            {
                double gd = g[i] + (wd * x[i]);  // g ← g + λ x
                buf[i] = (mu * buf[i]) + gd;
                x[i] -= Lr * buf[i];
            }

            expected.Add((double[])x.Clone());
        }

        Quadratic.ShouldMatch(Quadratic.Trajectory(Optimizers.Sgd(Lr, momentum: mu, weightDecay: wd), 3), expected);
    }

    [Fact]
    public void ScheduleOverloadUsesTheRateForEachStep()
    {
        // η(t) = 0.2 · 0.5^t: 0.2, 0.1, 0.05.
        double[] rates = [0.2, 0.1, 0.05];
        var expected = new List<double[]>();
        double[] x = Quadratic.X0;
        for (int t = 0; t < 3; t++)
        {
            double[] g = Quadratic.Gradient(x);
            x = [x[0] - (rates[t] * g[0]), x[1] - (rates[t] * g[1]), x[2] - (rates[t] * g[2])];
            expected.Add(x);
        }

        var opt = Optimizers.Sgd(Schedules.ExponentialDecay(0.2, 0.5, 1));
        Quadratic.ShouldMatch(Quadratic.Trajectory(opt, 3), expected);
    }
}
