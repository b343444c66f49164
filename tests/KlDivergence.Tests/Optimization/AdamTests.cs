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

    /// <summary>
    /// The update applied buffer-wide, one operation at a time in the formulas' order (the rule as written in
    /// <see cref="ScaleByAdam"/>'s documentation, with IEEE operations and no fused multiply-add).
    /// </summary>
    private static void BufferWideAdam(double[] g, double[] m, double[] v, double[]? vMax, long t)
    {
        double c1 = 1.0 - Math.Pow(B1, t), c2 = 1.0 - Math.Pow(B2, t);
        for (int i = 0; i < g.Length; i++)
        {
            double mi = m[i] * B1;
            mi = (g[i] * (1.0 - B1)) + mi;
            double vi = v[i] * B2;
            double g2 = g[i] * g[i];
            vi = (g2 * (1.0 - B2)) + vi;
            m[i] = mi;
            v[i] = vi;
            double source = vi;
            if (vMax is not null)
            {
                vMax[i] = Math.Max(vMax[i], vi);
                source = vMax[i];
            }

            double d = Math.Sqrt(source / c2) + Eps;
            g[i] = mi / d / c1;
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ALargeBufferIsUpdatedInOnePassWithTheBitsOfTheRuleForOneTwoAndEightWorkers(bool amsgrad)
    {
        // A split buffer with a ragged tail, a short one, three steps (so m, v and the corrections all move), and a NaN
        // and an infinity in the gradient, which must reach the update as the rule takes them.
        int[] lengths = [KlDivergence.Tensors.ElementwiseSplit.Threshold + 5, 13];
        var rule = new ScaleByAdam(B1, B2, Eps, amsgrad);
        var gradients = lengths.Select((n, k) => Enumerable.Range(0, 3).Select(step => GradCheck.RandomValues(n, (10 * k) + step, -3, 3)).ToArray()).ToArray();
        gradients[1][2][4] = double.NaN;
        gradients[1][2][7] = double.PositiveInfinity;
        var expectedM = lengths.Select(n => new double[n]).ToArray();
        var expectedV = lengths.Select(n => new double[n]).ToArray();
        var expectedMax = lengths.Select(n => new double[n]).ToArray();
        var expectedU = new double[3][][];
        for (int step = 0; step < 3; step++)
        {
            expectedU[step] = new double[lengths.Length][];
            for (int k = 0; k < lengths.Length; k++)
            {
                expectedU[step][k] = (double[])gradients[k][step].Clone();
                BufferWideAdam(expectedU[step][k], expectedM[k], expectedV[k], amsgrad ? expectedMax[k] : null, step + 1);
            }
        }

        foreach (int workers in Workers.Counts)
        {
            Workers.With(workers, () =>
            {
                var state = (ScaleByAdamState)rule.Init(lengths.Select(n => new double[n]).ToArray());
                for (int step = 0; step < 3; step++)
                {
                    var updates = lengths.Select((_, k) => (double[])gradients[k][step].Clone()).ToArray();
                    rule.Update(updates, state, lengths.Select(n => new double[n]).ToArray());
                    for (int k = 0; k < lengths.Length; k++)
                    {
                        updates[k].Should().Equal(expectedU[step][k], $"u of buffer {k} at step {step + 1} with {workers} workers");
                    }
                }

                for (int k = 0; k < lengths.Length; k++)
                {
                    state.FirstMoment[k].Should().Equal(expectedM[k], $"m of buffer {k} with {workers} workers");
                    state.SecondMoment[k].Should().Equal(expectedV[k], $"v of buffer {k} with {workers} workers");
                    if (amsgrad)
                    {
                        state.MaxSecondMoment[k].Should().Equal(expectedMax[k], $"v_max of buffer {k} with {workers} workers");
                    }
                }
            });
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TheStateKnowsWhetherItIsFiniteAsTheUpdateWritesIt(bool amsgrad)
    {
        // A gradient of 1e200 makes g² overflow, so v becomes +∞ in one element of a split buffer (and its tail); the
        // state's own check must say so without reading the buffers again, and agree with reading them.
        int n = KlDivergence.Tensors.ElementwiseSplit.Threshold + 3;
        var rule = new ScaleByAdam(B1, B2, Eps, amsgrad);
        foreach (int at in new[] { 7, n - 1 })
        {
            foreach (int workers in Workers.Counts)
            {
                Workers.With(workers, () =>
                {
                    var state = (ScaleByAdamState)rule.Init([new double[n], new double[5]]);
                    var checkpointable = (ICheckpointableState)state;
                    rule.Update([GradCheck.RandomValues(n, 3), GradCheck.RandomValues(5, 4)], state, [new double[n], new double[5]]);
                    state.KnownFinite.Should().BeTrue();
                    checkpointable.IsFinite().Should().BeTrue();

                    var g = GradCheck.RandomValues(n, 5);
                    g[at] = 1e200;
                    rule.Update([g, GradCheck.RandomValues(5, 6)], state, [new double[n], new double[5]]);
                    state.KnownFinite.Should().BeFalse($"v[{at}] overflowed with {workers} workers");
                    double.IsPositiveInfinity(state.SecondMoment[0][at]).Should().BeTrue();
                    checkpointable.IsFinite().Should().BeFalse();

                    // Once copied back from a finite checkpoint, the flag travels with the values.
                    var saved = (ICheckpointableState)rule.Init([new double[n], new double[5]]);
                    checkpointable.CopyFrom(saved);
                    checkpointable.IsFinite().Should().BeTrue();
                });
            }
        }
    }
}
