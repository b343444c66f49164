using KlDivergence.Distributions;
using KlDivergence.Tensors;

namespace KlDivergence.Tests.Distributions;

public class MixtureMathTests
{
    /// <summary>log Σₖ exp(aₖ + log wₖ) for one row, worked in the plain way from the definition (max factored out).</summary>
    private static double Reference(double[] a, double[] logW)
    {
        var s = a.Select((v, k) => v + logW[k]).ToArray();
        double max = s.Max();
        return double.IsNegativeInfinity(max) ? max : max + Math.Log(s.Sum(v => Math.Exp(v - max)));
    }

    [Theory]
    [InlineData(1, 2)]
    [InlineData(3, 2)]
    [InlineData(7, 2)]
    [InlineData(5, 3)]
    [InlineData(100, 2)]
    [InlineData(1001, 2)]
    [InlineData(70, 5)]
    public void WeightedLogSumExpMatchesTheDefinitionAndTheGeneralPath(int rows, int k)
    {
        var a = GradCheck.RandomValues(rows * k, 5 + rows, -40, 5);
        var logW = GradCheck.RandomValues(k, 7 + k, -3, 0);
        var at = Tensor.FromArray(a, [rows, k]);
        var lw = Tensor.FromArray(logW, [k]);
        var fused = MixtureMath.WeightedLogSumExp(at, lw);
        var general = (at + lw).LogSumExp(-1);
        fused.Shape.Should().Equal([rows]);
        for (int i = 0; i < rows; i++)
        {
            double expected = Reference(a[(i * k)..((i + 1) * k)], logW);
            fused.Values[i].Should().BeApproximately(expected, 1e-13 * Math.Max(1, Math.Abs(expected)));

            // The general path's short-row kernel (64 rows and more) runs the same sums and vector kernels: bit-equal.
            // Fewer rows take its log1p form, equal within a few ulps.
            if (rows >= 64)
            {
                fused.Values[i].Should().Be(general.Values[i]);
            }
            else
            {
                fused.Values[i].Should().BeApproximately(general.Values[i], 4e-16 * Math.Max(1, Math.Abs(expected)));
            }
        }
    }

    [Fact]
    public void FarApartComponentsMatchTheDefinition()
    {
        // Gaps past -700 take Math.Exp lane by lane (down to subnormal and zero responsibilities).
        var a = GradCheck.RandomValues(2 * 203, 41, -760, 0);
        double[] logW = [Math.Log(0.8), Math.Log(0.2)];
        var at = Tensor.FromArray(a, [203, 2], requiresGrad: true);
        var y = MixtureMath.WeightedLogSumExp(at, Tensor.FromArray(logW, [2]));
        y.Sum().Backward();
        for (int i = 0; i < 203; i++)
        {
            double expected = Reference(a[(2 * i)..((2 * i) + 2)], logW);
            y.Values[i].Should().BeApproximately(expected, 1e-13 * Math.Max(1, Math.Abs(expected)));
            for (int k = 0; k < 2; k++)
            {
                // The responsibility e^(aₖ + log wₖ - log p), from the worked value.
                double r = Math.Exp(a[(2 * i) + k] + logW[k] - expected);
                at.Grad!.Values[(2 * i) + k].Should().BeApproximately(r, (1e-12 * r) + 1e-300);
            }
        }
    }

    [Fact]
    public void WeightedLogSumExpGradientsMatchFiniteDifferences()
    {
        // A batch [2, 3] of rows over K = 3 components, with both the terms and the log-weights trainable.
        var a = GradCheck.RandomValues(18, 11, -3, 2);
        var logW = GradCheck.RandomValues(3, 12, -2, 0);
        GradCheck.Check(t => GradCheck.Project(MixtureMath.WeightedLogSumExp(t[0], t[1])), [a, logW], [[2, 3, 3], [3]]);
    }

    [Fact]
    public void TwoComponentGradientsMatchFiniteDifferences()
    {
        // K = 2 takes the one-exponential lanes; 9 rows end in an overlapping block.
        var a = GradCheck.RandomValues(18, 13, -6, 2);
        var logW = GradCheck.RandomValues(2, 14, -2, 0);
        GradCheck.Check(t => GradCheck.Project(MixtureMath.WeightedLogSumExp(t[0], t[1])), [a, logW], [[9, 2], [2]]);
    }

    /// <summary>Rows of K terms mixing ties, wide gaps, ±∞ and NaN, so every branch of the lanes is reached.</summary>
    private static double[] SpecialRows(int rows, int k, int seed)
    {
        var random = new System.Random(seed);
        double[] special = [double.NegativeInfinity, double.PositiveInfinity, double.NaN, 0.0, -800.0, 700.0, -1e-300];
        var a = new double[rows * k];
        for (int i = 0; i < a.Length; i++)
        {
            a[i] = random.Next(4) == 0 ? special[random.Next(special.Length)] : (random.NextDouble() * 60) - 40;
            if (i % k > 0 && random.Next(6) == 0)
            {
                a[i] = a[i - 1]; // a tie
            }
        }

        return a;
    }

    private static bool SameBits(double x, double y) =>
        (double.IsNaN(x) && double.IsNaN(y)) || BitConverter.DoubleToInt64Bits(x) == BitConverter.DoubleToInt64Bits(y);

    [Fact]
    public void TwoComponentLanesEqualTheGeneralLanesBitForBit()
    {
        // The K = 2 path skips the larger term's e^0; it must give the general lanes' bits, special values included.
        int rows = 4001;
        var a = SpecialRows(rows, 2, 17);
        double[] logW = [Math.Log(0.8), Math.Log(0.2)];
        double[] r1 = new double[2 * rows], y1 = new double[rows], r2 = new double[2 * rows], y2 = new double[rows];
        MixtureMath.WeightedLogSumExpBlocks(a, logW, 2, rows, r1, y1);
        MixtureMath.WeightedLogSumExpBlocks(a, logW, 2, rows, r2, y2, general: true);
        for (int i = 0; i < rows; i++)
        {
            SameBits(y1[i], y2[i]).Should().BeTrue($"row {i} ({a[2 * i]}, {a[(2 * i) + 1]}): {y1[i]} vs {y2[i]}");
            SameBits(r1[2 * i], r2[2 * i]).Should().BeTrue($"row {i}, r0");
            SameBits(r1[(2 * i) + 1], r2[(2 * i) + 1]).Should().BeTrue($"row {i} ({a[2 * i]}, {a[(2 * i) + 1]}), r1: {r1[(2 * i) + 1]} vs {r2[(2 * i) + 1]}");
        }
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(5)]
    public void ARowsBitsDoNotDependOnHowManyRowsThereAre(int k)
    {
        // Fewer than four rows go through a padded block, a last partial block overlaps the one before: the same bits.
        var a = SpecialRows(11, k, 23 + k);
        var logW = GradCheck.RandomValues(k, 29, -3, 0);
        var all = MixtureMath.WeightedLogSumExp(Tensor.FromArray(a, [11, k]), Tensor.FromArray(logW, [k])).Values.ToArray();
        for (int rows = 1; rows <= 11; rows++)
        {
            for (int start = 0; start + rows <= 11; start += 3)
            {
                var part = MixtureMath.WeightedLogSumExp(Tensor.FromArray(a.AsSpan(start * k, rows * k).ToArray(), [rows, k]), Tensor.FromArray(logW, [k]));
                for (int i = 0; i < rows; i++)
                {
                    SameBits(part.Values[i], all[start + i]).Should().BeTrue($"row {start + i} of {rows} from {start}");
                }
            }
        }
    }

    [Fact]
    public void ValuesAndGradientsAreTheSameForAnyWorkerCount()
    {
        var a = GradCheck.RandomValues(2 * 5000, 31, -30, 5);
        var runs = Workers.Each(() =>
        {
            var at = Tensor.FromArray(a, [5000, 2], requiresGrad: true);
            var lw = Tensor.FromArray([Math.Log(0.3), Math.Log(0.7)], [2], requiresGrad: true);
            var y = MixtureMath.WeightedLogSumExp(at, lw);
            y.Sum().Backward();
            return (Y: y.Values.ToArray(), Ga: at.Grad!.Values.ToArray(), Gw: lw.Grad!.Values.ToArray());
        });
        foreach (var run in runs[1..])
        {
            run.Y.Should().Equal(runs[0].Y);
            run.Ga.Should().Equal(runs[0].Ga);
            run.Gw.Should().Equal(runs[0].Gw);
        }
    }

    [Fact]
    public void RowsWithNoDensityGiveMinusInfinityAndNoGradient()
    {
        double ninf = double.NegativeInfinity;
        var a = Tensor.FromArray([ninf, ninf, 0.5, ninf, double.PositiveInfinity, 1.0], [3, 2], requiresGrad: true);
        var lw = Tensor.FromArray([Math.Log(0.3), Math.Log(0.7)], [2], requiresGrad: true);
        var y = MixtureMath.WeightedLogSumExp(a, lw);
        y.Values[0].Should().Be(ninf);
        y.Values[1].Should().Be(0.5 + Math.Log(0.3));
        y.Values[2].Should().Be(double.PositiveInfinity);
        y.Narrow(0, 0, 2).Sum().Backward();
        a.Grad!.Values[..4].ToArray().Should().Equal([0.0, 0.0, 1.0, 0.0]);

        // The +∞ row: the general path's gradients, 0 for the finite term and NaN for the infinite one (a zero
        // upstream gradient times NaN), which also reaches the weights.
        var b = Tensor.FromArray(a.Values, [3, 2], requiresGrad: true);
        var lw2 = Tensor.FromArray(lw.Values, [2], requiresGrad: true);
        (b + lw2).LogSumExp(-1).Narrow(0, 0, 2).Sum().Backward();
        a.Grad!.Values.ToArray().Should().Equal(b.Grad!.Values.ToArray());
        lw.Grad!.Values.ToArray().Should().Equal(lw2.Grad!.Values.ToArray());
    }

    [Fact]
    public void MultivariateNormalMixtureLogProbMatchesTheDensityWrittenOut()
    {
        // 0.8 N(μ₀, Σ₀) + 0.2 N(μ₁, Σ₁) in 2-D, each density from the explicit 2 x 2 inverse and determinant.
        var mixture = new MixtureSameFamily(
            new Categorical(Tensor.Vector(0.8, 0.2)),
            MultivariateNormal.FromCovariance(
                Tensor.FromArray([0.5, 1.2, -1.0, -0.8], [2, 2]),
                Tensor.FromArray([0.6, 0.2, 0.2, 0.4, 0.3, -0.1, -0.1, 0.5], [2, 2, 2])));
        double[][] mu = [[0.5, 1.2], [-1.0, -0.8]];
        double[][] cov = [[0.6, 0.2, 0.2, 0.4], [0.3, -0.1, -0.1, 0.5]];
        double[] w = [0.8, 0.2];
        var x = GradCheck.RandomValues(2 * 90, 3, -3, 3);
        var y = mixture.LogProb(Tensor.FromArray(x, [90, 2]));
        for (int i = 0; i < 90; i++)
        {
            double density = 0;
            for (int k = 0; k < 2; k++)
            {
                double det = (cov[k][0] * cov[k][3]) - (cov[k][1] * cov[k][2]);
                double d0 = x[2 * i] - mu[k][0], d1 = x[(2 * i) + 1] - mu[k][1];
                double q = ((cov[k][3] * d0 * d0) - (2 * cov[k][1] * d0 * d1) + (cov[k][0] * d1 * d1)) / det;
                density += w[k] * Math.Exp(-0.5 * q) / (2 * Math.PI * Math.Sqrt(det));
            }

            y.Values[i].Should().BeApproximately(Math.Log(density), 1e-12 * Math.Max(1, Math.Abs(Math.Log(density))));
        }
    }

    [Fact]
    public void MultivariateNormalMixtureGradientsMatchFiniteDifferences()
    {
        // Value, locations and scale factors of a 2-component 2-D mixture, all trainable, through the mixture's LogProb.
        var x = GradCheck.RandomValues(8, 21, -2, 2);
        double[] loc = [0.5, 1.2, -1.0, -0.8];
        double[] tril = [0.8, 0, 0.25, 0.6, 0.5, 0, -0.2, 0.7];
        double[] logits = [0.3, -0.4];

        // The mask keeps L lower-triangular when a difference step moves an entry above the diagonal.
        var mask = Tensor.FromArray([1.0, 0, 1, 1, 1, 0, 1, 1], [2, 2, 2]);
        GradCheck.Check(
            t =>
            {
                var m = new MixtureSameFamily(Categorical.FromLogits(t[3]), MultivariateNormal.FromScaleTril(t[1], t[2] * mask));
                return GradCheck.Project(m.LogProb(t[0]));
            },
            [x, loc, tril, logits],
            [[4, 2], [2, 2], [2, 2, 2], [2]]);
    }
}
