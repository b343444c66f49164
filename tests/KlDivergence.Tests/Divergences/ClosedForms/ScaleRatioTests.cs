using System.Globalization;
using FluentAssertions;
using KlDivergence.Divergences.ClosedForms;
using KlDivergence.Tensors;

namespace KlDivergence.Tests.Divergences.ClosedForms;

/// <summary>
/// <see cref="ScaleRatio"/>'s log r, scale terms (r^k - 1)/k - log r and r^k - 1 against 50-digit mpmath values
/// (ScaleRatioReference.csv, written by ScaleRatioReference.py), and its tensor ops against its scalar entries bit for
/// bit, values and gradients.
/// </summary>
public class ScaleRatioTests
{
    private const double Epsilon = 2.220446049250313e-16;

    private static double[][] Reference() =>
        [.. File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "Divergences", "ClosedForms", "ScaleRatioReference.csv")).Skip(1)
            .Select(line => line.Split(',').Select(cell => double.Parse(cell, CultureInfo.InvariantCulture)).ToArray())];

    private static double Evaluate(int function, double a, double b) => function switch
    {
        0 => ScaleRatio.Log(a, b),
        1 => ScaleRatio.Term(a, b, 1),
        2 => ScaleRatio.Term(a, b, 2),
        3 => ScaleRatio.PowerMinusOne(a, b, 1),
        _ => ScaleRatio.PowerMinusOne(a, b, 2),
    };

    /// <summary>
    /// 670 pairs: the largest relative error within what was measured (1.75, 2.43, 2.24, 1.0 and 2.24 ulps), and the
    /// mean signed error within a third of an ulp in each band of ratios (a dropped series term biases its band).
    /// </summary>
    [Theory]
    [InlineData(0, 2.0)]
    [InlineData(1, 2.7)]
    [InlineData(2, 2.5)]
    [InlineData(3, 1.25)]
    [InlineData(4, 2.5)]
    public void ErrorsAgainstMpmathAreSmallAndUnbiased(int function, double maxUlps)
    {
        var errors = new List<(string Band, double Ulps)>();
        foreach (var row in Reference())
        {
            double a = row[0], b = row[1], expected = row[2 + function];
            double ratio = a / b;
            string band = Math.Abs(ratio - 1) < 0.1 ? "near 1"
                : (ratio >= 1.85 && ratio <= 2) || (ratio >= 0.5 && ratio <= 0.55) ? "near ½ and 2"
                : ratio >= 0.45 && ratio <= 2.1 ? "½ to 2" : ratio > 1e-300 ? "far" : "underflow";
            errors.Add((band, (Evaluate(function, a, b) - expected) / (Epsilon * Math.Abs(expected))));
        }

        errors.Max(e => Math.Abs(e.Ulps)).Should().BeLessThanOrEqualTo(maxUlps);
        foreach (var band in errors.GroupBy(e => e.Band))
        {
            band.Average(e => e.Ulps).Should().BeInRange(-1.0 / 3, 1.0 / 3, $"the mean error {band.Key}");
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void TensorOpsGiveTheScalarBitsAndTheirGradients(int power)
    {
        // 37 pairs (vectors and a tail) from every regime, including ratios that underflow and overflow.
        double[] first = [.. Enumerable.Range(0, 37).Select(i => (i % 5) switch
        {
            0 => 1.7 * (1 + (1e-9 * i)),
            1 => Math.Exp(3 * Math.Sin(i)),
            2 => 1e-200,
            3 => 1e200,
            _ => 0.6 + (0.05 * i),
        })];
        double[] second = [.. Enumerable.Range(0, 37).Select(i => (i % 5) == 2 ? 1e200 : (i % 5) == 3 ? 1e-200 : 1.7 + (0.01 * Math.Cos(i)))];
        var a = Tensor.FromArray(first, [37], requiresGrad: true);
        var b = Tensor.FromArray(second, [37], requiresGrad: true);
        var term = ScaleRatio.Term(a, b, power);
        term.Sum().Backward();
        var termGradients = (a.Grad!.Values.ToArray(), b.Grad!.Values.ToArray());
        a.ZeroGrad();
        b.ZeroGrad();
        var log = ScaleRatio.Log(a, b);
        log.Sum().Backward();
        for (int i = 0; i < 37; i++)
        {
            double x = first[i], y = second[i];
            term.Values[i].Should().Be(ScaleRatio.Term(x, y, power), $"term {i}");
            log.Values[i].Should().Be(ScaleRatio.Log(x, y), $"log {i}");

            // ∂/∂a = (r^k - 1)/a and ∂/∂b = -(r^k - 1)/b for the term, 1/a and -1/b for the log, formed as g/x·c.
            double c = ScaleRatio.PowerMinusOne(x, y, power);
            termGradients.Item1[i].Should().Be(1.0 / x * c, $"term ∂/∂a {i}");
            termGradients.Item2[i].Should().Be(-(1.0 / y * c), $"term ∂/∂b {i}");
            a.Grad!.Values[i].Should().Be(1.0 / x, $"log ∂/∂a {i}");
            b.Grad!.Values[i].Should().Be(-(1.0 / y), $"log ∂/∂b {i}");
        }
    }
}
