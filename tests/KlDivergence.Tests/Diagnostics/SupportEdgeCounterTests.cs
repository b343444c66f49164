using KlDivergence.Diagnostics;

namespace KlDivergence.Tests.Diagnostics;

/// <summary>Counting values on the last representable value inside a support bound.</summary>
public class SupportEdgeCounterTests
{
    [Fact]
    public void CountsTheSuccessorOfTheLowerAndThePredecessorOfTheUpperBoundOnly()
    {
        // ε = 2⁻¹⁰⁷⁴ is the successor of 0; 1 - 2⁻⁵³ the predecessor of 1. The bounds themselves and NaN are not counted.
        var counter = new SupportEdgeCounter([0.0], [1.0]);
        double below1 = 1.0 - Math.Pow(2, -53);
        double[] values = [double.Epsilon, 0.0, 0.5, below1, 1.0, double.NaN, double.Epsilon, 2 * double.Epsilon, double.Epsilon];
        counter.Count(values).Should().Be(4);
        counter.Count(values.AsSpan(0, 3)).Should().Be(1, "the scalar remainder counts too");
    }

    [Fact]
    public void InfiniteBoundsHaveNoEdgeAndBatchedBoundsApplyPerColumn()
    {
        new SupportEdgeCounter([double.NegativeInfinity], [double.PositiveInfinity]).Count([double.MaxValue, -double.MaxValue, double.Epsilon]).Should().Be(0);
        SupportEdgeCounter.None.Count([double.NaN, double.Epsilon]).Should().Be(0);

        // Layout [n, 2]: column 0 has support (0, ∞), column 1 (2, 3).
        var counter = new SupportEdgeCounter([0.0, 2.0], [double.PositiveInfinity, 3.0]);
        double[] values = [double.Epsilon, Math.BitIncrement(2.0), Math.BitIncrement(2.0), double.Epsilon, 1.0, Math.BitDecrement(3.0)];
        counter.Count(values).Should().Be(3);
    }

    [Fact]
    public void MismatchedBoundsAreRejected()
    {
        var act = () => new SupportEdgeCounter([0.0], [1.0, 2.0]);
        act.Should().Throw<ArgumentException>().WithParameterName("upper");
    }
}
