using KlDivergence.Diagnostics;

namespace KlDivergence.Tests.Diagnostics;

/// <summary>
/// Blocks summarised apart (<see cref="SummaryBlock"/>, against bars read once per round of blocks, as the Monte Carlo
/// estimate's workers do) and merged in order give a <see cref="SampleSummary"/> bit-identical to one fed every term,
/// and its k-hat is the fit on the extremes a full sort finds.
/// </summary>
public class SummaryBlockTests
{
    public static TheoryData<string> Inputs => LargestValuesTests.Inputs;

    private static double[] Make(string kind, int n, int seed) => LargestValuesTests.Make(kind, n, seed);

    [Theory]
    [MemberData(nameof(Inputs))]
    public void BlocksMergedInOrderGiveExactlyTheSummaryOfEveryTerm(string kind)
    {
        const int block = 4096;
        foreach (int n in new[] { 20, 21, 3_000, 70_001, 200_000 })
        {
            foreach (int perRound in new[] { 1, 3, 16 })
            {
                var x = Make(kind, n, seed: n + perRound);
                var direct = new SampleSummary(n);
                var merged = new SampleSummary(n);
                var blocks = Enumerable.Range(0, perRound).Select(_ => new SummaryBlock()).ToArray();
                for (int first = 0; first < n; first += perRound * block)
                {
                    // The bars stand as they were before the round, for every block of it.
                    double? upperBar = merged.UpperBar, lowerBar = merged.LowerBar;
                    for (int r = 0; r < perRound && first + (r * block) < n; r++)
                    {
                        int start = first + (r * block);
                        blocks[r].Summarise(x.AsSpan(start, Math.Min(block, n - start)), upperBar, lowerBar);
                    }

                    for (int r = 0; r < perRound && first + (r * block) < n; r++)
                    {
                        int start = first + (r * block);
                        var part = x.AsSpan(start, Math.Min(block, n - start));
                        merged.Add(blocks[r], part);
                        direct.Add(part);
                    }
                }

                string because = $"{kind}, n {n}, {perRound} blocks per round";
                Bits(merged.Mean).Should().Be(Bits(direct.Mean), because);
                Bits(merged.StandardError).Should().Be(Bits(direct.StandardError), because);
                Bits(merged.ParetoK).Should().Be(Bits(direct.ParetoK), because);
                Bits(merged.ParetoK).Should().Be(Bits(FullSortKHat(x, merged.Mean)), because);
            }
        }
    }

    [Fact]
    public void LaterRoundsPassOnlyTheTermsBeyondTheBars()
    {
        // Once 12 288 standard normals are taken (enough to fill each tail's buffer of 3·3001 + 4 and compact it), the
        // bars sit at or below the 3001st largest and smallest of them: values between yield no candidate.
        const int n = 1_000_000;
        var summary = new SampleSummary(n);
        summary.Add(Make("normal", 12_288, seed: 3));
        double upper = summary.UpperBar!.Value, lower = -summary.LowerBar!.Value;
        upper.Should().BeGreaterThan(lower, "the 3001st of 12 288 from either end leave the middle between them");
        var block = new SummaryBlock();
        double[] inside = [.. Enumerable.Repeat(0.5 * (upper + lower), 100), upper + 1, lower - 1];
        block.Summarise(inside, summary.UpperBar, summary.LowerBar);
        block.Upper.ToArray().Should().Equal([upper + 1]);
        block.Lower.ToArray().Should().Equal([lower - 1]);
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
