using KlDivergence.Diagnostics;

namespace KlDivergence.Tests.Diagnostics;

/// <summary>
/// A stream summarised in shares (as the Monte Carlo estimate's workers do: each share's tails kept by a summary of its
/// own and taken at the end in any order, each block's moments taken apart and merged in block order) gives a
/// <see cref="SampleSummary"/> bit-identical to one fed every term in order, and its k-hat is the fit on the extremes
/// a full sort finds.
/// </summary>
public class SampleSummaryTests
{
    public static TheoryData<string> Inputs => LargestValuesTests.Inputs;

    [Theory]
    [MemberData(nameof(Inputs))]
    public void SharesTakenInAnyOrderGiveExactlyTheSummaryOfEveryTerm(string kind)
    {
        const int block = 4096;
        foreach (int n in new[] { 20, 21, 3_000, 70_001, 200_000 })
        {
            foreach (int shareCount in new[] { 1, 2, 3, 7 })
            {
                var x = LargestValuesTests.Make(kind, n, seed: n + shareCount);
                var direct = new SampleSummary(n);
                var merged = new SampleSummary(n);
                var shares = Enumerable.Range(0, shareCount).Select(_ => new SampleSummary(n)).ToArray();

                // Blocks dealt to the shares in a scrambled order (as a scheduler might), moments merged in block order.
                var rng = new System.Random(n * shareCount);
                for (int start = 0, b = 0; start < n; start += block, b++)
                {
                    var part = x.AsSpan(start, Math.Min(block, n - start));
                    direct.Add(part);
                    var moments = default(RunningMoments);
                    moments.Add(part);
                    merged.MergeMoments(moments);
                    shares[rng.Next(shareCount)].OfferToTails(part);
                }

                foreach (var share in shares.Reverse())
                {
                    merged.TakeTails(share);
                }

                string because = $"{kind}, n {n}, {shareCount} shares";
                Bits(merged.Mean).Should().Be(Bits(direct.Mean), because);
                Bits(merged.StandardError).Should().Be(Bits(direct.StandardError), because);
                Bits(merged.ParetoK).Should().Be(Bits(direct.ParetoK), because);
                Bits(merged.ParetoK).Should().Be(Bits(FullSortKHat(x, merged.Mean)), because);
            }
        }
    }

    [Fact]
    public void ASummaryKeepingNoTailsCannotBeTakenAsAShare()
    {
        var summary = new SampleSummary(1000);
        var act = () => summary.TakeTails(new SampleSummary(1000, keepTails: false));
        act.Should().Throw<ArgumentException>().WithParameterName("share");
    }

    private static long Bits(double v) => BitConverter.DoubleToInt64Bits(v);

    /// <summary>k-hat from the 2(M + 1) extremes a full sort finds (NaN dropped), centred at <paramref name="centre"/>.</summary>
    private static double FullSortKHat(double[] x, double centre)
    {
        int m = ParetoSmoothing.TailLength(x.Length) + 1;
        if (m - 1 < ParetoSmoothing.MinimumTailLength)
        {
            return double.PositiveInfinity;
        }

        var sorted = x.Where(v => !double.IsNaN(v)).OrderBy(v => v).ToArray();
        var largest = sorted.Skip(sorted.Length - m).ToArray();
        var smallestNegated = sorted.Take(m).Select(v => -v).OrderBy(v => v).ToArray();
        return ParetoSmoothing.DeviationShapeFromExtremes(largest, smallestNegated, centre);
    }
}
