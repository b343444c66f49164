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

    public static TheoryData<double> NonFinite => new() { double.NaN, double.PositiveInfinity, double.NegativeInfinity, BitConverter.Int64BitsToDouble(0x7FF0000000000001) };

    [Theory]
    [MemberData(nameof(NonFinite))]
    public void FiniteRejectsABadEntryAtEveryPositionAndNamesIt(double bad)
    {
        foreach (int length in new[] { 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 19, 33 })
        {
            for (int at = 0; at < length; at++)
            {
                var values = Enumerable.Range(0, length).Select(i => i - 3.5).ToArray();
                values[at] = bad;
                var act = () => ParameterChecks.Finite(Tensor.Vector(values), "Normal", "loc");
                act.Should().Throw<ArgumentOutOfRangeException>($"entry {at} of {length} is {bad}")
                    .Which.ParamName.Should().Be("loc");
            }
        }
    }

    [Fact]
    public void FiniteAcceptsEveryFiniteExtreme()
    {
        double[] extremes = [double.MaxValue, -double.MaxValue, 0.0, -0.0, double.Epsilon, -double.Epsilon, 2.2250738585072014E-308, -1e300];
        foreach (int length in new[] { 1, 3, 4, 8, 11, 16, 23 })
        {
            var values = Enumerable.Range(0, length).Select(i => extremes[i % extremes.Length]).ToArray();
            var t = Tensor.Vector(values);
            ParameterChecks.Finite(t, "Normal", "loc").Should().BeSameAs(t);
        }
    }

    /// <summary>
    /// The vector passes against the definitions written out (double.IsFinite; v &gt; 0 and finite) on random bit
    /// patterns, mostly ordinary values with a few of every special kind, over lengths around each vector width.
    /// </summary>
    [Fact]
    public void ChecksAgreeWithTheDefinitionsOnRandomBitPatterns()
    {
        var rng = new System.Random(7);
        double[] specials = [0.0, -0.0, double.Epsilon, -double.Epsilon, double.MaxValue, -double.MaxValue, double.PositiveInfinity, double.NegativeInfinity, double.NaN, BitConverter.Int64BitsToDouble(-1)];
        for (int trial = 0; trial < 4000; trial++)
        {
            int length = 1 + rng.Next(40);
            var values = new double[length];
            for (int i = 0; i < length; i++)
            {
                values[i] = rng.Next(30) switch
                {
                    0 => specials[rng.Next(specials.Length)],
                    1 => BitConverter.Int64BitsToDouble(rng.NextInt64(long.MinValue, long.MaxValue)),
                    _ => (rng.NextDouble() * 4) + 1e-3,
                };
            }

            bool finite = values.All(double.IsFinite);
            bool positive = values.All(v => v > 0 && double.IsFinite(v));
            var t = Tensor.Vector(values);
            var finiteCheck = () => ParameterChecks.Finite(t, "F", "x");
            var positiveCheck = () => ParameterChecks.Positive(t, "F", "x");
            if (finite)
            {
                finiteCheck.Should().NotThrow();
            }
            else
            {
                finiteCheck.Should().Throw<ArgumentOutOfRangeException>();
            }

            if (positive)
            {
                positiveCheck.Should().NotThrow();
            }
            else
            {
                positiveCheck.Should().Throw<ArgumentOutOfRangeException>();
            }
        }
    }
}
