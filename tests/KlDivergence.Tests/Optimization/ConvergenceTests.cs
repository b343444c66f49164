using KlDivergence.Optimization;

namespace KlDivergence.Tests.Optimization;

public class ConvergenceTests
{
    private static double[] Minimize(IGradientTransformation optimizer, int steps)
    {
        double[][] theta = Quadratic.Split(Quadratic.X0);
        var state = optimizer.Init(theta);
        double[][] u = [new double[2], new double[1]];
        for (int t = 0; t < steps; t++)
        {
            double[] g = Quadratic.Gradient(Quadratic.Flatten(theta));
            u[0][0] = g[0];
            u[0][1] = g[1];
            u[1][0] = g[2];
            optimizer.Update(u, state, theta);
            Updates.Apply(theta, u);
        }

        return Quadratic.Flatten(theta);
    }

    [Fact]
    public void AdamConvergesToTheMinimizer()
    {
        double[] expected = Quadratic.Minimizer();

        // Cross-check Cramer's rule: A x* = b.
        double[] residual = Quadratic.Gradient(expected);
        residual.Should().OnlyContain(r => Math.Abs(r) < 1e-14);

        double[] x = Minimize(Optimizers.Adam(Schedules.CosineDecay(0.05, 4000, 0.01)), 5000);
        for (int i = 0; i < 3; i++)
        {
            x[i].Should().BeApproximately(expected[i], 1e-6);
        }
    }

    [Fact]
    public void AdamWithConstantRateConvergesToTheMinimizer()
    {
        double[] expected = Quadratic.Minimizer();
        double[] x = Minimize(Optimizers.Adam(0.01), 5000);
        for (int i = 0; i < 3; i++)
        {
            x[i].Should().BeApproximately(expected[i], 1e-5);
        }
    }

    [Fact]
    public void SgdWithNesterovMomentumConverges()
    {
        double[] expected = Quadratic.Minimizer();
        double[] x = Minimize(Optimizers.Sgd(0.1, momentum: 0.5, nesterov: true), 500);
        for (int i = 0; i < 3; i++)
        {
            x[i].Should().BeApproximately(expected[i], 1e-10);
        }
    }

    [Fact]
    public void UpdateAllocatesNothingPerStep()
    {
        var optimizer = new Chain(new ClipByGlobalNorm(10.0), Optimizers.AdamW(0.01, amsgrad: true), new ClipByValue(1.0));
        double[][] theta = [[1.0, 2.0, 3.0], [4.0]];
        double[][] u = [new double[3], new double[1]];
        var state = optimizer.Init(theta);
        void Step()
        {
            u[0][0] = 0.1;
            u[0][1] = -0.2;
            u[0][2] = 0.3;
            u[1][0] = 0.4;
            optimizer.Update(u, state, theta);
            Updates.Apply(theta, u);
        }

        for (int i = 0; i < 10; i++)
        {
            Step(); // warm up (JIT)
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            Step();
        }

        (GC.GetAllocatedBytesForCurrentThread() - before).Should().Be(0);
    }
}
