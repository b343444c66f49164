using KlDivergence.Tensors;

namespace KlDivergence.Tests.Tensors;

public class CustomOpTests
{
    /// <summary>A user's op: x·y + sin(z), with ∂/∂x = y, ∂/∂y = x, ∂/∂z = cos z.</summary>
    private sealed class ProductPlusSine() : CustomOp("product plus sine", 3)
    {
        public override void Forward(in CustomOpBlock block, Span<double> output)
        {
            ReadOnlySpan<double> x = block.Input(0), y = block.Input(1), z = block.Input(2);
            for (int i = 0; i < output.Length; i++)
            {
                output[i] = (x[i] * y[i]) + Math.Sin(z[i]);
            }
        }

        public override void Backward(in CustomOpBlock block, ReadOnlySpan<double> output, ReadOnlySpan<double> outputGradient)
        {
            ReadOnlySpan<double> x = block.Input(0), y = block.Input(1), z = block.Input(2);
            for (int i = 0; i < outputGradient.Length; i++)
            {
                if (block.NeedsGradient(0))
                {
                    block.Gradient(0)[i] = outputGradient[i] * y[i];
                }

                if (block.NeedsGradient(1))
                {
                    block.Gradient(1)[i] = outputGradient[i] * x[i];
                }

                if (block.NeedsGradient(2))
                {
                    block.Gradient(2)[i] = outputGradient[i] * Math.Cos(z[i]);
                }
            }
        }
    }

    private static readonly ProductPlusSine Op = new();

    [Fact]
    public void AUsersOpMatchesItsFormulaAndFiniteDifferencesUnderBroadcasting()
    {
        int[][][] cases =
        [
            [[3, 2], [3, 2], [3, 2]],
            [[3, 1], [2], []],
            [[2, 1, 2], [3, 1], [1, 3, 2]],
        ];
        foreach (var shapes in cases)
        {
            var vals = shapes.Select((s, i) => GradCheck.RandomValues(s.Aggregate(1, (a, b) => a * b), 60 + i, -1.5, 1.5)).ToArray();
            GradCheck.Check(t => GradCheck.Project(Op.Apply(t[0], t[1], t[2])), vals, shapes);
            var ts = vals.Select((v, i) => Tensor.FromArray(v, shapes[i])).ToArray();
            var y = Op.Apply(ts[0], ts[1], ts[2]);
            int[] full = [.. y.Shape];
            double[] xb = ts[0].BroadcastTo(full).ToArray(), yb = ts[1].BroadcastTo(full).ToArray(), zb = ts[2].BroadcastTo(full).ToArray();
            for (int i = 0; i < y.Length; i++)
            {
                y.Values[i].Should().Be((xb[i] * yb[i]) + Math.Sin(zb[i]));
            }
        }
    }

    [Fact]
    public void ASingleValuedInputFilledOnceServesEveryBlockForwardAndBackward()
    {
        // 3·4096 + 7 elements: several blocks on one thread (below the parallel size), the last one partial; y and z
        // single values, so the blocks share one filled buffer of each.
        const int n = (3 * CustomOp.BlockSize) + 7;
        var x = GradCheck.RandomValues(n, 5, -2, 2);
        const double yv = 0.7, zv = -0.4;
        var tx = Tensor.FromArray(x, [n], requiresGrad: true);
        var ty = Tensor.Scalar(yv, requiresGrad: true);
        var tz = Tensor.Scalar(zv, requiresGrad: true);
        var result = Op.Apply(tx, ty, tz);
        result.Sum().Backward();

        // With a unit output gradient: ∂/∂xᵢ = y, ∂/∂y = Σ xᵢ, ∂/∂z = n cos z.
        double sumX = 0;
        for (int i = 0; i < n; i++)
        {
            result.Values[i].Should().Be((x[i] * yv) + Math.Sin(zv));
            tx.Grad!.Values[i].Should().Be(yv);
            sumX += x[i];
        }

        ty.Grad!.ToScalar().Should().BeApproximately(sumX, 1e-12 * n);
        tz.Grad!.ToScalar().Should().BeApproximately(n * Math.Cos(zv), 1e-12 * n);
    }

    [Theory]
    [InlineData(60, 100, false)]   // a [100] row over 60 rows: blocks of 40 whole rows, the row gathered once
    [InlineData(700, 100, false)]  // over 700 rows: past the parallel size, the row gathered once and read by every worker
    [InlineData(30, 4097, false)]  // a row longer than a block: ordinary blocks
    [InlineData(60, 100, true)]    // the row and a column stretched the other way: ordinary blocks
    public void ARowRepeatedOverManyBlocksIsReadAtEveryElementForwardAndBackward(int rows, int cols, bool withColumn)
    {
        // x·y + sin(z) with z a row repeated over the rows (blocks then hold whole rows) and y a full matrix or a column;
        // each value, and the gradients, against the formula worked element by element.
        var x = GradCheck.RandomValues(rows * cols, 11, -2, 2);
        var y = GradCheck.RandomValues(withColumn ? rows : rows * cols, 12, -2, 2);
        var z = GradCheck.RandomValues(cols, 13, -2, 2);
        var tx = Tensor.FromArray(x, [rows, cols], requiresGrad: true);
        var ty = Tensor.FromArray(y, withColumn ? [rows, 1] : [rows, cols], requiresGrad: true);
        var tz = Tensor.FromArray(z, [cols], requiresGrad: true);
        var result = Op.Apply(tx, ty, tz);
        result.Sum().Backward();
        var gz = new double[cols];
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < cols; c++)
            {
                int i = (r * cols) + c;
                double yi = withColumn ? y[r] : y[i];
                result.Values[i].Should().Be((x[i] * yi) + Math.Sin(z[c]), "element [{0}, {1}]", r, c);
                tx.Grad!.Values[i].Should().Be(yi);
                gz[c] += Math.Cos(z[c]);
            }
        }

        for (int c = 0; c < cols; c++)
        {
            tz.Grad!.Values[c].Should().BeApproximately(gz[c], 1e-12 * rows);
        }
    }

    [Fact]
    public void ValuesAndGradientsAreBitIdenticalForOneTwoAndEightWorkers()
    {
        // 20·4096 + 5 elements (above the size that goes parallel): many blocks and a partial one; z broadcast along
        // rows, y a single value.
        const int rows = 16385, cols = 5;
        var x = GradCheck.RandomValues(rows * cols, 1, -2, 2);
        var z = GradCheck.RandomValues(cols, 2, -2, 2);
        double[]? firstValues = null, firstGx = null, firstGy = null, firstGz = null;
        foreach (int workers in Workers.Counts)
        {
            Workers.With(workers, () =>
            {
                var tx = Tensor.FromArray(x, [rows, cols], requiresGrad: true);
                var ty = Tensor.Scalar(0.7, requiresGrad: true);
                var tz = Tensor.FromArray(z, [cols], requiresGrad: true);
                var y = Op.Apply(tx, ty, tz);
                (y * y).Sum().Backward();
                if (firstValues is null)
                {
                    (firstValues, firstGx, firstGy, firstGz) = (y.ToArray(), tx.Grad!.ToArray(), ty.Grad!.ToArray(), tz.Grad!.ToArray());
                    return;
                }

                y.ToArray().Should().Equal(firstValues, $"{workers} workers");
                tx.Grad!.ToArray().Should().Equal(firstGx);
                ty.Grad!.ToArray().Should().Equal(firstGy);
                tz.Grad!.ToArray().Should().Equal(firstGz);
            });
        }
    }

    /// <summary>x + 1, noting the threads its forward blocks ran on, each block slowed so that a worker has time to take one.</summary>
    private sealed class ThreadNoting(int? parallelThreshold) : CustomOp("thread noting", 1)
    {
        public System.Collections.Concurrent.ConcurrentDictionary<int, bool> Threads { get; } = new();

        public override int ParallelThreshold => parallelThreshold ?? base.ParallelThreshold;

        public override void Forward(in CustomOpBlock block, Span<double> output)
        {
            Threads[Environment.CurrentManagedThreadId] = true;
            Thread.Sleep(2);
            var x = block.Input(0);
            for (int i = 0; i < output.Length; i++)
            {
                output[i] = x[i] + 1;
            }
        }

        public override void Backward(in CustomOpBlock block, ReadOnlySpan<double> output, ReadOnlySpan<double> outputGradient) =>
            outputGradient.CopyTo(block.Gradient(0));
    }

    [Fact]
    public void AnOpThatLowersItsParallelThresholdRunsSmallOutputsOnTheCoresWithTheSameResult()
    {
        // Three blocks: under the default threshold (8 blocks) every block runs on the calling thread; an op that
        // lowers it to two blocks hands some to a worker (each block sleeps, so a worker starts well before the caller
        // is done), and its values are the element formula's whatever the worker count.
        const int n = (2 * CustomOp.BlockSize) + 3;
        var x = GradCheck.RandomValues(n, 3, -2, 2);
        var input = Tensor.FromArray(x, [n]);
        int caller = Environment.CurrentManagedThreadId;

        var serial = new ThreadNoting(null);
        Workers.With(2, () => serial.Apply(input));
        serial.Threads.Keys.Should().Equal([caller]);

        var parallel = new ThreadNoting(2 * CustomOp.BlockSize);
        parallel.ParallelThreshold.Should().Be(2 * CustomOp.BlockSize);
        serial.ParallelThreshold.Should().Be(8 * CustomOp.BlockSize);
        foreach (int workers in Workers.Counts)
        {
            Workers.With(workers, () => parallel.Apply(input)).ToArray().Should().Equal(x.Select(v => v + 1), $"{workers} workers");
        }

        for (int attempt = 0; attempt < 10 && parallel.Threads.Count < 2; attempt++)
        {
            Workers.With(2, () => parallel.Apply(input));
        }

        if (Environment.ProcessorCount > 1)
        {
            parallel.Threads.Count.Should().BeGreaterThan(1);
        }
    }

    [Fact]
    public void TheWorkerCapRejectsANonPositiveValueAndAWrongArityIsNamed()
    {
        var cap = () => TensorParallelism.MaxDegreeOfParallelism = 0;
        cap.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("MaxDegreeOfParallelism");
        var arity = () => Op.Apply(1.0, 2.0);
        arity.Should().Throw<ArgumentException>().WithMessage("*product plus sine*3 inputs*2*");
    }
}
