using KlDivergence.Optimization;

namespace KlDivergence.Tests.Optimization;

/// <summary>
/// f(x) = ½ xᵀ A x − bᵀ x on ℝ³ with a hand-written gradient ∇f(x) = A x − b. The optimizers see x
/// split into two parameter buffers, [x₀, x₁] and [x₂], to exercise multi-buffer bookkeeping.
/// </summary>
internal static class Quadratic
{
    public static readonly double[,] A = { { 4.0, 1.0, 0.0 }, { 1.0, 3.0, 0.5 }, { 0.0, 0.5, 2.0 } };

    public static readonly double[] B = { 1.0, 2.0, 3.0 };

    public static double[] X0 => [0.5, -1.0, 2.0];

    public static double[] Gradient(double[] x)
    {
        var g = new double[3];
        for (int i = 0; i < 3; i++)
        {
            g[i] = (A[i, 0] * x[0]) + (A[i, 1] * x[1]) + (A[i, 2] * x[2]) - B[i];
        }

        return g;
    }

    /// <summary>A⁻¹ b by Cramer's rule, independent of any optimizer.</summary>
    public static double[] Minimizer()
    {
        static double Det(double[,] m) =>
            (m[0, 0] * ((m[1, 1] * m[2, 2]) - (m[1, 2] * m[2, 1])))
            - (m[0, 1] * ((m[1, 0] * m[2, 2]) - (m[1, 2] * m[2, 0])))
            + (m[0, 2] * ((m[1, 0] * m[2, 1]) - (m[1, 1] * m[2, 0])));

        double det = Det(A);
        var x = new double[3];
        for (int col = 0; col < 3; col++)
        {
            var m = (double[,])A.Clone();
            for (int row = 0; row < 3; row++)
            {
                m[row, col] = B[row];
            }

            x[col] = Det(m) / det;
        }

        return x;
    }

    public static double[][] Split(double[] x) => [[x[0], x[1]], [x[2]]];

    public static double[] Flatten(double[][] buffers) => [buffers[0][0], buffers[0][1], buffers[1][0]];

    /// <summary>Runs <paramref name="optimizer"/> from <see cref="X0"/> and returns x after each step.</summary>
    public static List<double[]> Trajectory(IGradientTransformation optimizer, int steps)
    {
        double[][] theta = Split(X0);
        IOptimizerState state = optimizer.Init(theta);
        var trajectory = new List<double[]>();
        for (int t = 0; t < steps; t++)
        {
            double[][] u = Split(Gradient(Flatten(theta)));
            optimizer.Update(u, state, theta);
            Updates.Apply(theta, u);
            trajectory.Add(Flatten(theta));
        }

        return trajectory;
    }

    public static void ShouldMatch(List<double[]> actual, List<double[]> expected, double tolerance = 1e-12)
    {
        actual.Should().HaveSameCount(expected);
        for (int t = 0; t < expected.Count; t++)
        {
            for (int i = 0; i < expected[t].Length; i++)
            {
                actual[t][i].Should().BeApproximately(expected[t][i], tolerance, $"step {t + 1}, coordinate {i}");
            }
        }
    }
}
