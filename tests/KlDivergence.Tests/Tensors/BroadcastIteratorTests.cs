using KlDivergence.Tensors;

namespace KlDivergence.Tests.Tensors;

/// <summary>
/// The broadcast iterator's gather and scatter-add over any flat range of the output, checked against the broadcast
/// index worked element by element (NumPy's rule: a stretched dimension reads index 0) and, for the scatter, against
/// the sum of each run of the last dimension added in output order, as the strided walk adds it.
/// </summary>
public class BroadcastIteratorTests
{
    public static TheoryData<int[], int[]> Layouts => new()
    {
        { [30, 1], [30, 7] },        // a column over rows: each element fills one run
        { [3, 4, 1], [3, 4, 2] },    // the same with more dimensions
        { [4, 1], [1, 4, 3] },       // a leading 1 in the output
        { [5, 1], [5, 100] },        // runs longer than a vector
        { [1, 4, 1], [3, 4, 6] },    // stretched in front and behind: the strided walk
        { [3, 1, 5], [3, 4, 5] },    // stretched in the middle: the strided walk
        { [2], [100, 2] },           // tiled
        { [1, 100], [100, 100] },    // one row over many rows: the gather doubles what it has copied
        { [7], [50, 7] },            // a period that neither divides nor is divided by the copies
        { [4], [30, 4] },            // a period of one 256-bit vector: rows added a vector at a time
        { [8], [20, 8] },            // a period of one 512-bit vector
        { [2, 4], [9, 2, 4] },       // a whole [2, 4] block repeated: a period of 8
    };

    [Theory]
    [MemberData(nameof(Layouts))]
    public void GatherReadsTheBroadcastIndexFromAnyStart(int[] operandShape, int[] outputShape)
    {
        var data = GradCheck.RandomValues(operandShape.Aggregate(1, (p, d) => p * d), 3, -2, 2);
        var index = BroadcastProductGradientTests.Index(operandShape, outputShape);
        var iterator = new BroadcastIterator(data, operandShape, outputShape);
        foreach (var (start, length) in Ranges(index.Length))
        {
            var gathered = new double[length];
            iterator.Gather(start, gathered);
            for (int k = 0; k < length; k++)
            {
                gathered[k].Should().Be(data[index[start + k]], $"output element {start + k} of [{string.Join(", ", outputShape)}]");
            }
        }
    }

    [Fact]
    public void GatherRepeatsASingleValueOverAnyRange()
    {
        // A one-element operand is a period of 1: the gather copies it once and doubles it over the range.
        var iterator = new BroadcastIterator([2.5], [1], [300]);
        foreach (var (start, length) in Ranges(300))
        {
            var gathered = new double[length];
            iterator.Gather(start, gathered);
            gathered.Should().AllSatisfy(v => v.Should().Be(2.5));
        }
    }

    [Theory]
    [MemberData(nameof(Layouts))]
    public void ScatterAddSumsEachRunOfTheLastDimensionInOutputOrder(int[] operandShape, int[] outputShape)
    {
        int size = outputShape.Aggregate(1, (p, d) => p * d);
        var values = GradCheck.RandomValues(size, 4, -2, 2);
        var index = BroadcastProductGradientTests.Index(operandShape, outputShape);
        int last = outputShape[^1];
        bool stretchedLast = operandShape[^1] == 1 && last > 1;
        foreach (var (start, length) in Ranges(size))
        {
            // The target already holds values (a gradient scattered block by block adds to what earlier blocks left).
            var target = GradCheck.RandomValues(index.Max() + 1, 5 + start, -1, 1);
            var expected = (double[])target.Clone();
            new BroadcastIterator(target.Select(_ => 0.0).ToArray(), operandShape, outputShape).ScatterAdd(start, values.AsSpan(start, length), target);

            // Expected: along a stretched last dimension one sum per run (cut at row ends and at the range's ends), as
            // TensorPrimitives.Sum adds it; else element by element in output order.
            for (int k = start; k < start + length;)
            {
                int run = stretchedLast ? Math.Min(last - (k % last), start + length - k) : 1;
                expected[index[k]] += System.Numerics.Tensors.TensorPrimitives.Sum(values.AsSpan(k, run));
                k += run;
            }

            target.Should().Equal(expected, $"range {start} + {length} of [{string.Join(", ", outputShape)}]");
        }
    }

    /// <summary>The whole range, ranges starting and ending inside a row, and single elements.</summary>
    private static IEnumerable<(int Start, int Length)> Ranges(int size)
    {
        yield return (0, size);
        yield return (1, size - 1);
        yield return (3, Math.Max(1, size - 7));
        yield return (size / 2, size - (size / 2));
        yield return (size - 1, 1);
    }
}
