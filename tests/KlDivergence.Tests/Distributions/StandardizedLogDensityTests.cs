using FluentAssertions;
using KlDivergence.Distributions;
using KlDivergence.Tensors;
using Xunit;

namespace KlDivergence.Tests.Distributions;

/// <summary>
/// The location-scale log-density op behind Laplace, Cauchy and Gumbel: values against the densities written here, gradients
/// against finite differences with the parameters broadcast over a batch of values (their gradients summed back),
/// and the limits at z = 0 and z = ±∞ that the op's formulas are chosen for.
/// </summary>
public class StandardizedLogDensityTests
{
    private static readonly double[] Values = [-3.0, -0.4, 0.25, 1.0, 2.5, 7.0, 0.1, -1.2];
    private static readonly double[] Locs = [0.25, -1.0, 0.5, 2.0];
    private static readonly double[] Scales = [0.5, 1.5, 2.0, 0.8];

    public static TheoryData<string> Families => ["laplace", "cauchy", "gumbel"];

    private static Distribution Make(string family, Tensor loc, Tensor scale) => family switch
    {
        "laplace" => new Laplace(loc, scale),
        "cauchy" => new Cauchy(loc, scale),
        _ => new Gumbel(loc, scale),
    };

    /// <summary>log p written out: -|x - μ|/b - log 2b, -log π - log σ - log(1 + z²) and -(z + e^{-z}) - log β.</summary>
    private static double Expected(string family, double x, double loc, double scale)
    {
        double z = (x - loc) / scale;
        return family switch
        {
            "laplace" => (-Math.Abs(x - loc) / scale) - Math.Log(2 * scale),
            "cauchy" => -Math.Log(Math.PI * scale) - Math.Log(1 + (z * z)),
            _ => -(z + Math.Exp(-z)) - Math.Log(scale),
        };
    }

    [Theory]
    [MemberData(nameof(Families))]
    public void ValuesMatchTheDensityWithParametersBroadcastOverRows(string family)
    {
        var d = Make(family, Tensor.Vector(Locs), Tensor.Vector(Scales));
        var lp = d.LogProb(Tensor.FromArray(Values, [2, 4])).ToArray();
        for (int i = 0; i < Values.Length; i++)
        {
            double expected = Expected(family, Values[i], Locs[i % 4], Scales[i % 4]);
            lp[i].Should().BeApproximately(expected, 1e-14 * Math.Max(1, Math.Abs(expected)), $"value {i}");
        }
    }

    [Theory]
    [MemberData(nameof(Families))]
    public void GradientsInValueLocAndScaleMatchFiniteDifferences(string family) =>
        GradCheck.Check(
            t => GradCheck.Project(Make(family, t[1], t[2]).LogProb(t[0])),
            [Values, Locs, Scales],
            [[2, 4], [4], [4]]);

    [Theory]
    [MemberData(nameof(Families))]
    public void AScalarParameterPairOverManyValuesGetsTheSummedGradient(string family)
    {
        // Both parameters single values over a whole batch: each block reads them as one value repeated.
        GradCheck.Check(
            t => GradCheck.Project(Make(family, t[1], t[2]).LogProb(t[0])),
            [Values, [0.3], [1.7]],
            [[8], [], []]);
    }

    [Fact]
    public void TheLimitsAtTheCentreAndAtInfinityAreTheirs()
    {
        var loc = Tensor.Scalar(1.0, requiresGrad: true);
        var scale = Tensor.Scalar(2.0, requiresGrad: true);
        var x = Tensor.FromArray([1.0, double.PositiveInfinity, double.NegativeInfinity], [3], requiresGrad: true);
        var lp = new Cauchy(loc, scale).LogProb(x);
        lp.ToArray().Should().Equal([-Math.Log(2 * Math.PI), double.NegativeInfinity, double.NegativeInfinity]);
        lp.Select(0, 0).Backward();

        // At the centre: no pull on x or the location, and ∂/∂σ = -1/σ.
        x.Grad!.Values[0].Should().Be(0.0);
        loc.Grad!.ToScalar().Should().Be(0.0);
        scale.Grad!.ToScalar().Should().Be(-0.5);

        // At z = ±∞ the slope's limit is 0 and z f'(z)'s is -2, so the gradients are numbers, not ∞ · 0.
        loc.ZeroGrad();
        scale.ZeroGrad();
        var far = new Cauchy(loc, scale).LogProb(Tensor.Vector(double.PositiveInfinity));
        far.Sum().Backward();
        loc.Grad!.ToScalar().Should().Be(0.0);
        scale.Grad!.ToScalar().Should().Be(0.5, "-(z f'(z) + 1)/σ = -(-2 + 1)/2");

        // The Laplace slope at the centre is 0, as the gradient of |x| is there.
        var lx = Tensor.Vector(1.0).RequireGrad();
        new Laplace(Tensor.Scalar(1.0), Tensor.Scalar(2.0)).LogProb(lx).Sum().Backward();
        lx.Grad!.Values[0].Should().Be(0.0);
    }
}
