using KlDivergence.Diagnostics;

namespace KlDivergence.Tests.Diagnostics;

public class RunningMomentsTests
{
    [Fact]
    public void BlocksOfAnySizeGiveTheTwoPassMeanAndStandardError()
    {
        // Values 1e9 + small noise: Σx² - n·mean² would lose every digit of the variance; the two-pass formula
        // written here (mean, then Σ(x - mean)²/(n - 1)) is the reference.
        var rng = new System.Random(2);
        var x = Enumerable.Range(0, 10_001).Select(_ => 1e9 + rng.NextDouble()).ToArray();
        double mean = x.Average();
        double se = Math.Sqrt(x.Sum(v => (v - mean) * (v - mean)) / (x.Length - 1) / x.Length);

        var moments = default(RunningMoments);
        int done = 0;
        foreach (int size in new[] { 1, 7, 4096, 3, 4096, 1798 })
        {
            moments.Add(x.AsSpan(done, size));
            done += size;
        }

        done.Should().Be(x.Length);
        moments.Count.Should().Be(x.Length);
        moments.Mean.Should().BeApproximately(mean, 1e-5);
        moments.StandardError.Should().BeApproximately(se, 1e-7 * se);
    }

    [Fact]
    public void InfiniteValuesGiveAnInfiniteMeanWithZeroError()
    {
        var moments = default(RunningMoments);
        moments.Add([1.0, 2.0, double.PositiveInfinity, 3.0]);
        moments.Mean.Should().Be(double.PositiveInfinity);
        moments.StandardError.Should().Be(0);
        moments.Count.Should().Be(4);
    }

    [Fact]
    public void LargestValuesKeepsExactlyTheTopOfTheStream()
    {
        var rng = new System.Random(4);
        var x = Enumerable.Range(0, 5000).Select(_ => rng.NextDouble()).ToArray();
        var top = new LargestValues(31);
        var bottom = new LargestValues(31);
        top.Offer(x.AsSpan(0, 10));
        top.Offer(x.AsSpan(10));
        bottom.OfferNegated(x);
        top.ToSortedArray().Should().Equal(x.OrderBy(v => v).Skip(5000 - 31));
        bottom.ToSortedArray().Should().Equal(x.OrderBy(v => v).Take(31).Select(v => -v).OrderBy(v => v));
    }
}
