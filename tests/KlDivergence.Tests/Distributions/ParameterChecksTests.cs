using KlDivergence.Distributions;
using KlDivergence.Tensors;

namespace KlDivergence.Tests.Distributions;

/// <summary>The positive-and-finite check must catch a bad entry wherever it sits: in a whole vector or in the tail.</summary>
public class ParameterChecksTests
{
    public static TheoryData<double> BadScales => new() { 0.0, -0.0, -1.5, double.NaN, double.PositiveInfinity, double.NegativeInfinity, -double.Epsilon };

    [Theory]
    [MemberData(nameof(BadScales))]
    public void PositiveRejectsABadEntryAtEveryPositionAndNamesIt(double bad)
    {
        foreach (int length in new[] { 1, 2, 3, 4, 5, 7, 8, 9, 16, 17, 19 })
        {
            for (int at = 0; at < length; at++)
            {
                var values = Enumerable.Range(0, length).Select(i => 0.5 + i).ToArray();
                values[at] = bad;
                var act = () => ParameterChecks.Positive(Tensor.Vector(values), "Normal", "scale");
                act.Should().Throw<ArgumentOutOfRangeException>($"entry {at} of {length} is {bad}")
                    .Which.ParamName.Should().Be("scale");
            }
        }
    }

    [Fact]
    public void PositiveAcceptsTinyAndHugeFiniteValues()
    {
        foreach (int length in new[] { 1, 3, 4, 8, 11 })
        {
            var values = Enumerable.Range(0, length).Select(i => i % 2 == 0 ? double.Epsilon : double.MaxValue).ToArray();
            var t = Tensor.Vector(values);
            ParameterChecks.Positive(t, "Normal", "scale").Should().BeSameAs(t);
        }
    }
}
