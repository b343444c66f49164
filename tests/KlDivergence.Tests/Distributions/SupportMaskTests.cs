using FluentAssertions;
using KlDivergence.Distributions;
using KlDivergence.Tensors;

namespace KlDivergence.Tests.Distributions;

/// <summary>
/// Log-densities masked to their support (<c>FamilyHelpers.Masked</c> and <see cref="TransformedDistribution"/>)
/// take a shortcut when every value is inside: the formula at the values themselves. Each inside element must then be
/// the bits it has in a batch that also holds an outside value (the masked path), with the same gradient.
/// </summary>
public class SupportMaskTests
{
    public static TheoryData<string> Families => new() { "exponential", "uniform", "lognormal", "gamma" };

    private static Distribution Make(string family, Tensor p) => family switch
    {
        "exponential" => new Exponential(p),
        "uniform" => new Uniform(-p, p + 1.0),
        "lognormal" => new LogNormal(p - 1.0, p),
        _ => new Gamma(p, p + 0.5),
    };

    [Theory]
    [MemberData(nameof(Families))]
    public void AllInsideGivesTheMaskedBitsAndGradients(string family)
    {
        const int n = 37;
        double[] parameters = [.. Enumerable.Range(0, n).Select(i => 0.5 + (0.3 * Math.Abs(Math.Sin(i))))];
        double[] values = [.. Enumerable.Range(0, n).Select(i => 0.1 + Math.Abs(Math.Cos(i)))];

        var (inside, insideGradient) = Evaluate(family, parameters, values);
        values[n - 1] = -1; // outside every support above
        var (masked, maskedGradient) = Evaluate(family, parameters, values);

        masked[n - 1].Should().Be(double.NegativeInfinity);
        maskedGradient[n - 1].Should().Be(0);
        for (int i = 0; i < n - 1; i++)
        {
            BitConverter.DoubleToInt64Bits(inside[i]).Should().Be(BitConverter.DoubleToInt64Bits(masked[i]), $"element {i}");
            BitConverter.DoubleToInt64Bits(insideGradient[i]).Should().Be(BitConverter.DoubleToInt64Bits(maskedGradient[i]), $"gradient {i}");
        }
    }

    private static (double[] Values, double[] Gradient) Evaluate(string family, double[] parameters, double[] values)
    {
        var p = Tensor.FromArray(parameters, [parameters.Length], requiresGrad: true);
        var logProb = Make(family, p).LogProb(Tensor.FromArray(values, [values.Length]));

        // Only finite terms are summed: the -∞ one would make every gradient NaN through the sum.
        var finite = Tensor.FromArray([.. logProb.Values.ToArray().Select(v => double.IsFinite(v) ? 1.0 : 0.0)], [values.Length]);
        TensorOps.Where(finite, logProb, 0.0).Sum().Backward();
        return (logProb.Values.ToArray(), p.Grad!.Values.ToArray());
    }
}
