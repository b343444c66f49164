using KlDivergence.Optimization;
using KlDivergence.Tensors;

namespace KlDivergence.Tests.Optimization;

/// <summary>The buffer passes of a step split across the cores for large buffers: every result must be the element-wise definition, for 1, 2 and 8 workers.</summary>
public class BuffersTests
{
    private const int N = ElementwiseSplit.Threshold + 5;

    [Fact]
    public void LargeBuffersAreCheckedCopiedAddedAndScaledAsDefinedForOneTwoAndEightWorkers()
    {
        var a = GradCheck.RandomValues(N, 1, -3, 3);
        var b = GradCheck.RandomValues(N, 2, -3, 3);
        foreach (int workers in Workers.Counts)
        {
            Workers.With(workers, () =>
            {
                Buffers.IsFinite(a).Should().BeTrue();
                foreach (int at in new[] { 0, N / 2, N - 1 })
                {
                    foreach (double bad in new[] { double.NaN, double.PositiveInfinity, double.NegativeInfinity })
                    {
                        var c = (double[])a.Clone();
                        c[at] = bad;
                        Buffers.IsFinite(c).Should().BeFalse($"{bad} at {at} with {workers} workers");
                    }
                }

                var copy = new double[N];
                Buffers.CopyInto(a, copy);
                copy.Should().Equal(a);

                var sum = (double[])a.Clone();
                Buffers.AddInto(sum, b);
                sum.Should().Equal(a.Select((x, i) => x + b[i]));

                var scaled = (double[])a.Clone();
                Buffers.Scale(scaled, -0.37);
                scaled.Should().Equal(a.Select(x => x * -0.37));
            });
        }
    }
}
