using KlDivergence.Distributions;
using KlDivergence.Tensors;

namespace KlDivergence.Tests.Distributions;

/// <summary>
/// The bounds a masked log-density applies within: the all-inside scan and the mask agree with the comparisons
/// written out element by element, at the bounds, at ±∞ and at NaN, and a masked formula is -∞ exactly outside.
/// </summary>
public class DensityIntervalTests
{
    public static TheoryData<string> Intervals => new() { "at-least-0", "above-0", "above-0-finite", "closed-pi", "open-unit", "finite" };

    private static (DensityInterval Interval, Func<double, bool> Inside) Case(string name) => name switch
    {
        "at-least-0" => (DensityInterval.AtLeast(0), v => v >= 0),
        "above-0" => (DensityInterval.Above(0), v => v > 0),
        "above-0-finite" => (DensityInterval.AboveAndFinite(0), v => v > 0 && v < double.PositiveInfinity),
        "closed-pi" => (DensityInterval.Closed(-Math.PI, Math.PI), v => v >= -Math.PI && v <= Math.PI),
        "open-unit" => (DensityInterval.Open(0, 1), v => v > 0 && v < 1),
        "finite" => (DensityInterval.Finite, double.IsFinite),
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [MemberData(nameof(Intervals))]
    public void TheScanAndTheMaskAgreeWithTheComparisonsElementByElement(string name)
    {
        var (interval, inside) = Case(name);
        double[] specials = [0.0, -0.0, 1.0, -1.0, Math.PI, -Math.PI, 0.5, 1e-300, double.PositiveInfinity, double.NegativeInfinity, double.NaN, 4.0];
        foreach (double special in specials)
        {
            // Twenty values inside every interval, then one special value at a position the vector scan covers.
            var values = Enumerable.Range(0, 21).Select(i => 0.25 + (i * 0.02)).ToArray();
            values[13] = special;
            interval.ContainsAll(values).Should().Be(values.All(inside), $"{name} with {special}");
            var mask = interval.Mask(Tensor.FromArray(values, [values.Length])).ToArray();
            mask.Should().Equal(values.Select(v => inside(v) ? 1.0 : 0.0), $"{name} with {special}");
        }

        interval.ContainsAll([]).Should().BeTrue();
    }

    [Fact]
    public void AMaskedFormulaIsMinusInfinityExactlyOutsideAndTheFormulaInside()
    {
        double[] values = [-1, 0, 0.5, 2, double.PositiveInfinity, double.NaN];
        var result = FamilyHelpers.Masked(Tensor.FromArray(values, [values.Length]), DensityInterval.AboveAndFinite(0), 1.0, x => x.Log()).ToArray();
        result[0].Should().Be(double.NegativeInfinity);
        result[1].Should().Be(double.NegativeInfinity);
        result[2].Should().Be(Math.Log(0.5));
        result[3].Should().Be(Math.Log(2));
        result[4].Should().Be(double.NegativeInfinity);
        result[5].Should().Be(double.NegativeInfinity);

        // All inside: the formula on the values themselves.
        FamilyHelpers.Masked(Tensor.Vector(0.5, 2), DensityInterval.Above(0), 1.0, x => x.Log()).ToArray().Should().Equal(Math.Log(0.5), Math.Log(2));
    }
}
