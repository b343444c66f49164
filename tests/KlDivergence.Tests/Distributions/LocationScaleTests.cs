using KlDivergence.Distributions;
using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Tests.Distributions;

/// <summary>The one location-scale op μ + σ ε behind the reparameterised draws of the location-scale families.</summary>
public class LocationScaleTests
{
    private static readonly int[][][] Broadcasts =
    [
        [[5, 3], [3], [3]],       // a mean-field surrogate's draws: parameters tiled over the samples
        [[5, 3], [5, 3], [5, 3]], // all full
        [[5, 3], [], [1]],        // single values
        [[4, 1], [3], [2, 1, 1]], // every operand broadcast, output [2, 4, 3]
        [[7], [7], []],           // a tail past the vector lanes
    ];

    [Fact]
    public void ValuesAreTheBitsOfTheTensorExpression()
    {
        foreach (var shapes in Broadcasts)
        {
            var (noise, loc, scale) = Operands(shapes, requiresGrad: false);
            var expected = loc + (scale * noise);
            var actual = LocationScale.Apply(noise, loc, scale);
            actual.Shape.Should().Equal(expected.Shape);
            actual.Values.ToArray().Select(BitConverter.DoubleToInt64Bits).Should().Equal(expected.Values.ToArray().Select(BitConverter.DoubleToInt64Bits));
        }
    }

    [Fact]
    public void GradientsMatchFiniteDifferencesUnderEveryBroadcast()
    {
        foreach (var shapes in Broadcasts)
        {
            var values = shapes.Select((s, i) => GradCheck.RandomValues(s.Aggregate(1, (a, b) => a * b), 70 + i, 0.5, 1.5)).ToArray();

            // A weighted sum, so each output element's gradient differs.
            GradCheck.Check(
                t =>
                {
                    var y = LocationScale.Apply(t[0], t[1], t[2]);
                    var w = Tensor.FromArray([.. Enumerable.Range(0, y.Length).Select(i => 1.0 + (0.1 * i))], y.Shape.ToArray());
                    return (y * w).Sum();
                },
                values,
                shapes);
        }
    }

    [Fact]
    public void SeededDrawsOfTheBatchedFamiliesAreTheLocationScaleMapOfTheirNoise()
    {
        // Reference: the standard draws from the same seed, mapped by the expression μ + σ ε written in the test.
        var loc = Tensor.Vector(0.5, -1.0, 2.0);
        var scale = Tensor.Vector(1.5, 0.25, 3.0);
        var noise = StandardNoise.Normal(new RandomStream(11UL), [4, 3]);
        var expected = loc + (scale * noise);
        new Normal(loc, scale).Sample(4, new RandomStream(11UL)).Values.ToArray().Should().Equal(expected.Values.ToArray());
        new MultivariateNormalDiag(loc, scale).Sample(4, new RandomStream(11UL)).Values.ToArray().Should().Equal(expected.Values.ToArray());
    }

    [Fact]
    public void ReparameterisedDrawsOfADiagonalNormalCarryTheScoreOfTheNoise()
    {
        // ∂(Σ x)/∂μ = number of draws per coordinate; ∂(Σ x)/∂σᵢ = Σ over draws of εᵢ.
        var loc = Tensor.FromArray([0.1, 0.2], [2], requiresGrad: true);
        var scale = Tensor.FromArray([1.3, 0.7], [2], requiresGrad: true);
        var x = new MultivariateNormalDiag(loc, scale).ReparameterizedSample(6, new RandomStream(5UL));
        x.Sum().Backward();
        var noise = StandardNoise.Normal(new RandomStream(5UL), [6, 2]).Values.ToArray();
        loc.Grad!.Values.ToArray().Should().Equal(6.0, 6.0);
        scale.Grad!.Values[0].Should().BeApproximately(Enumerable.Range(0, 6).Sum(i => noise[2 * i]), 1e-12);
        scale.Grad!.Values[1].Should().BeApproximately(Enumerable.Range(0, 6).Sum(i => noise[(2 * i) + 1]), 1e-12);
    }

    private static (Tensor Noise, Tensor Loc, Tensor Scale) Operands(int[][] shapes, bool requiresGrad)
    {
        var t = shapes.Select((s, i) => Tensor.FromArray(GradCheck.RandomValues(s.Aggregate(1, (a, b) => a * b), 90 + i, -2, 2), s, requiresGrad)).ToArray();
        return (t[0], t[1], t[2]);
    }
}
