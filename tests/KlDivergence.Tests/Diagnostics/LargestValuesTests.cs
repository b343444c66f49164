using KlDivergence.Diagnostics;

namespace KlDivergence.Tests.Diagnostics;

/// <summary>
/// The threshold-and-quickselect <see cref="LargestValues"/> keeps exactly the multiset a full sort gives, and a
/// <see cref="SampleSummary"/> built on it gives exactly the k-hat computed from fully sorted extremes.
/// </summary>
public class LargestValuesTests
{
    public static TheoryData<string> Inputs => new() { "uniform", "normal", "ties", "infinities", "all-equal", "ascending", "descending", "nan", "cauchy", "organ-pipe" };

    /// <summary>Test streams of each kind (also used by <see cref="SampleSummaryTests"/>).</summary>
    internal static double[] Make(string kind, int n, int seed)
    {
        var rng = new System.Random(seed);
        double Normal() => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
        return kind switch
        {
            "uniform" => Enumerable.Range(0, n).Select(_ => rng.NextDouble()).ToArray(),
            "normal" => Enumerable.Range(0, n).Select(_ => Normal()).ToArray(),
            "ties" => Enumerable.Range(0, n).Select(_ => (double)rng.Next(7) - 3).ToArray(),
            "infinities" => Enumerable.Range(0, n).Select(_ => rng.Next(10) switch
            {
                0 => double.PositiveInfinity,
                1 => double.NegativeInfinity,
                _ => Normal(),
            }).ToArray(),
            "all-equal" => Enumerable.Repeat(2.5, n).ToArray(),
            "ascending" => Enumerable.Range(0, n).Select(i => (double)i).ToArray(),
            "descending" => Enumerable.Range(0, n).Select(i => (double)(n - i)).ToArray(),
            "nan" => Enumerable.Range(0, n).Select(_ => rng.Next(5) == 0 ? double.NaN : Normal()).ToArray(),
            "cauchy" => Enumerable.Range(0, n).Select(_ => Math.Tan(Math.PI * (rng.NextDouble() - 0.5))).ToArray(),
            "organ-pipe" => Enumerable.Range(0, n).Select(i => (double)Math.Min(i, n - i)).ToArray(),
            _ => throw new ArgumentException(kind),
        };
    }

    /// <summary>
    /// The reference: sort the stream (NaN dropped) and take its ends; <paramref name="top"/> must hold the largest
    /// capacity values and <paramref name="bottom"/> (when given) the smallest, negated.
    /// </summary>
    private static void ShouldKeepTheEnds(LargestValues top, LargestValues? bottom, double[] x, int capacity, string because)
    {
        var sorted = x.Where(v => !double.IsNaN(v)).OrderBy(v => v).ToArray();
        int kept = Math.Min(capacity, sorted.Length);
        top.ToSortedArray().Should().Equal(sorted.Skip(sorted.Length - kept), $"top of {because}");
        bottom?.ToSortedArray().Should().Equal(sorted.Take(kept).Select(v => -v).OrderBy(v => v), $"bottom of {because}");
    }

    [Theory]
    [MemberData(nameof(Inputs))]
    public void KeepsTheSameTopAndBottomAsAFullSort(string kind)
    {
        // Stream lengths around the buffer size (3·capacity + 4) and far beyond it, in chunks of uneven sizes, so
        // the fill phase, the vector filter, its scalar remainder and repeated compactions all run.
        foreach (int capacity in new[] { 1, 6, 31, 301 })
        {
            foreach (int n in new[] { 0, 5, capacity, (3 * capacity) + 4, (3 * capacity) + 5, 20_011 })
            {
                var x = Make(kind, n, seed: (capacity * 7919) + n);
                var top = new LargestValues(capacity);
                var bottom = new LargestValues(capacity);
                for (int start = 0, chunk = 1; start < n; start += chunk, chunk = (chunk * 3) + 1)
                {
                    var part = x.AsSpan(start, Math.Min(chunk, n - start));
                    top.Offer(part);
                    bottom.OfferNegated(part);
                }

                ShouldKeepTheEnds(top, bottom, x, capacity, $"{kind}, capacity {capacity}, n {n}");
                top.Count.Should().Be(Math.Min(capacity, x.Count(v => !double.IsNaN(v))));
            }
        }
    }

    [Theory]
    [MemberData(nameof(Inputs))]
    public void OfferingToBothTailsAtOnceKeepsWhatAFullSortKeeps(string kind)
    {
        // The one-pass offer to both tails (the Monte Carlo estimate's) against a full sort, in chunks of uneven
        // sizes, so the fill phase, the two-tailed vector filter, compactions of either buffer and the remainders run.
        foreach (int capacity in new[] { 1, 6, 31, 301 })
        {
            foreach (int n in new[] { 0, 7, capacity, (3 * capacity) + 4, (3 * capacity) + 13, 20_011 })
            {
                var x = Make(kind, n, seed: (capacity * 104_729) + n);
                var top = new LargestValues(capacity);
                var bottom = new LargestValues(capacity);
                for (int start = 0, chunk = 2; start < n; start += chunk, chunk = (chunk * 2) + 3)
                {
                    LargestValues.OfferToBoth(x.AsSpan(start, Math.Min(chunk, n - start)), top, bottom);
                }

                ShouldKeepTheEnds(top, bottom, x, capacity, $"{kind}, capacity {capacity}, n {n}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Inputs))]
    public void TakingAShareKeepsWhatAFullSortOfBothPartsKeeps(string kind)
    {
        // A share's buffer (up to 3·capacity + 8 values) taken by an empty collection goes through the vector fill
        // phase and then the filter; the result is the largest values of both parts.
        foreach (int capacity in new[] { 1, 6, 31, 301 })
        {
            var x = Make(kind, 20_011, seed: capacity);
            var share = new LargestValues(capacity);
            var whole = new LargestValues(capacity);
            share.Offer(x.AsSpan(0, 12_000));
            whole.Offer(x.AsSpan(12_000));
            whole.Take(share);
            ShouldKeepTheEnds(whole, null, x, capacity, $"{kind}, capacity {capacity}");
        }
    }

    [Theory]
    [MemberData(nameof(Inputs))]
    public void SelectLargestPutsTheKLargestFirst(string kind)
    {
        foreach (int n in new[] { 1, 2, 3, 10, 1000, 4097 })
        {
            var x = Make(kind, n, seed: n).Where(v => !double.IsNaN(v)).ToArray();
            foreach (int k in new[] { 1, 2, n / 2, n - 1 })
            {
                if (k <= 0 || k >= x.Length)
                {
                    continue;
                }

                // The vectorised partition (through a scratch buffer, where the processor has 512-bit vectors) and the
                // scalar one it falls back to.
                foreach (var scratch in new[] { new double[x.Length + 8], null })
                {
                    var work = x.ToArray();
                    LargestValues.SelectLargest(work, k, scratch);
                    string because = $"{kind}, n {n}, k {k}, scratch {scratch is not null}";
                    work.Take(k).OrderBy(v => v).Should().Equal(x.OrderBy(v => v).Skip(x.Length - k), because);
                    work.OrderBy(v => v).Should().Equal(x.OrderBy(v => v), "a permutation");
                }
            }
        }
    }

    [Theory]
    [InlineData("normal")]
    [InlineData("cauchy")]
    [InlineData("ties")]
    [InlineData("ascending")]
    public void SampleSummaryKHatEqualsTheFullSortKHatExactly(string kind)
    {
        // The k-hat a summary reports must be bit-identical to the same fit on the 2(M + 1) extremes found by a full
        // sort, with the same centre (the running mean, fed the same chunks).
        const int n = 100_000;
        var x = Make(kind, n, seed: 11);
        var summary = new SampleSummary(n);
        var moments = default(RunningMoments);
        for (int start = 0; start < n; start += 4096)
        {
            var part = x.AsSpan(start, Math.Min(4096, n - start));
            summary.Add(part);
            moments.Add(part);
        }

        int m = ParetoSmoothing.TailLength(n) + 1;
        var sorted = x.OrderBy(v => v).ToArray();
        var largest = sorted.Skip(n - m).ToArray();
        var smallestNegated = sorted.Take(m).Select(v => -v).OrderBy(v => v).ToArray();
        double expected = ParetoSmoothing.DeviationShapeFromExtremes(largest, smallestNegated, moments.Mean);
        BitConverter.DoubleToInt64Bits(summary.ParetoK).Should().Be(BitConverter.DoubleToInt64Bits(expected), $"k-hat {summary.ParetoK} vs {expected}");
    }
}
