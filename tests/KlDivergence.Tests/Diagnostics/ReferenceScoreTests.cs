using KlDivergence.Diagnostics;

namespace KlDivergence.Tests.Diagnostics;

/// <summary>ReferenceScore against distances and moments worked out by hand.</summary>
public class ReferenceScoreTests
{
    [Fact]
    public void WassersteinOfEqualSizesIsTheMeanAbsoluteDifferenceOfSortedSamples()
    {
        // Sorted: [1, 2, 3] against [2, 3, 4]: every matching quantile differs by 1. Order of input does not matter.
        ReferenceScore.Wasserstein1([3.0, 1, 2], [4.0, 2, 3]).Should().BeApproximately(1.0, 1e-15);

        // [0, 0, 10] against [1, 2, 3]: (|0 - 1| + |0 - 2| + |10 - 3|) / 3 = 10/3.
        ReferenceScore.Wasserstein1([0.0, 10, 0], [1.0, 2, 3]).Should().BeApproximately(10.0 / 3, 1e-15);
    }

    [Fact]
    public void WassersteinOfUnequalSizesIntegratesTheQuantileFunctions()
    {
        // [0, 1] against [0, 0.5, 1]: the quantile functions differ by 0.5 on u ∈ (1/3, 2/3] and agree elsewhere, so
        // W₁ = 0.5 · 1/3 = 1/6; the CDFs differ by 1/6 on [0, 1), the same ∫|F - G| dx = 1/6.
        ReferenceScore.Wasserstein1([0.0, 1], [0.0, 0.5, 1]).Should().BeApproximately(1.0 / 6, 1e-15);
        ReferenceScore.Wasserstein1([0.0, 0.5, 1], [0.0, 1]).Should().BeApproximately(1.0 / 6, 1e-15);

        // A sample against itself repeated: the same empirical distribution.
        ReferenceScore.Wasserstein1([1.0, 5, 2], [1.0, 5, 2, 2, 1, 5]).Should().Be(0);
    }

    [Fact]
    public void ZRAndWFollowTheirDefinitions()
    {
        // Two parameters, 4 draws each (row-major). Reference column 0: [-1, 1, -1, 1] (mean 0, sd √(4/3));
        // column 1: [0, 0, 2, 2] (mean 1, sd √(4/3)). Fitted column 0 is the reference shifted by 0.5; column 1 is
        // scaled by 2 about its mean: [-1, -1, 3, 3].
        double[] reference = [-1, 0, 1, 0, -1, 2, 1, 2];
        double[] fitted = [-0.5, -1, 1.5, -1, -0.5, 3, 1.5, 3];
        var score = ReferenceScore.Compute(fitted, reference, 2);
        double sd = Math.Sqrt(4.0 / 3);
        score.Z[0].Should().BeApproximately(0.5 / sd, 1e-14);
        score.Z[1].Should().BeApproximately(0, 1e-14);
        score.R[0].Should().BeApproximately(1, 1e-14);
        score.R[1].Should().BeApproximately(2, 1e-14);
        score.W[0].Should().BeApproximately(0.5 / sd, 1e-14);
        score.W[1].Should().BeApproximately(1.0 / sd, 1e-14, "sorted [-1, -1, 3, 3] against [0, 0, 2, 2]: every quantile differs by 1");
        score.MaxZ.Should().Be(score.Z[0]);
        score.WorstR.Should().Be(2);
        score.MeanW.Should().BeApproximately(0.75 / sd, 1e-14);
        score.Holds.Should().BeFalse();
        ReferenceScore.Compute(reference, reference, 2).Holds.Should().BeTrue();
    }

    [Fact]
    public void BadInputIsRefusedByName()
    {
        var constant = () => ReferenceScore.Compute([1.0, 2], [1.0, 1], 1);
        constant.Should().Throw<ArgumentException>().WithParameterName("reference");
        var ragged = () => ReferenceScore.Compute([1.0, 2, 3], [1.0, 2, 3, 4], 2);
        ragged.Should().Throw<ArgumentException>().WithParameterName("fitted");
        var nan = () => ReferenceScore.Wasserstein1([double.NaN], [1.0]);
        nan.Should().Throw<ArgumentException>().WithParameterName("a");
    }
}
