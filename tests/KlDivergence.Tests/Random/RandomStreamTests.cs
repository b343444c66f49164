using KlDivergence.Random;
using MathNet.Numerics.Distributions;

namespace KlDivergence.Tests.Random;

public class RandomStreamTests
{
    private const int N = 100_000;

    [Fact]
    public void Xoshiro_MatchesReferenceVectorFromState1234()
    {
        // Hand-derived from Blackman & Vigna's reference C code with state {1, 2, 3, 4}:
        // first output rotl(2·5, 7)·9 = 11520; after one step s1 = 0, so the second output is 0.
        var rng = RandomStream.FromState(1, 2, 3, 4);
        rng.NextUInt64().Should().Be(11520UL);
        rng.NextUInt64().Should().Be(0UL);
    }

    [Fact]
    public void SplitMix64_MatchesReferenceOutputForSeedZero()
    {
        // Reference SplitMix64 (Steele et al. 2014) from state 0: first output 0xE220A8397B1DCDAF.
        ulong state = 0;
        RandomStream.SplitMix64(ref state).Should().Be(0xE220A8397B1DCDAFUL);
    }

    [Fact]
    public void SameSeed_GivesBitIdenticalSequences()
    {
        var a = new RandomStream(123UL);
        var b = new RandomStream(123UL);
        var na = new double[1000];
        var nb = new double[1000];
        a.FillStandardNormal(na);
        b.FillStandardNormal(nb);
        na.Should().Equal(nb);
        a.NextUInt64().Should().Be(b.NextUInt64());
        a.NextGamma(0.7).Should().Be(b.NextGamma(0.7));
    }

    [Fact]
    public void DifferentSeeds_GiveDifferentSequences()
    {
        var a = new RandomStream(1);
        var b = new RandomStream(2);
        var xa = Enumerable.Range(0, 10).Select(_ => a.NextUInt64()).ToArray();
        var xb = Enumerable.Range(0, 10).Select(_ => b.NextUInt64()).ToArray();
        xa.Should().NotIntersectWith(xb);
    }

    [Fact]
    public void FillStandardNormal_EqualsSuccessiveNextStandardNormal()
    {
        var a = new RandomStream(99UL);
        var b = new RandomStream(99UL);
        var filled = new double[20_000];
        a.FillStandardNormal(filled);
        var single = Enumerable.Range(0, filled.Length).Select(_ => b.NextStandardNormal()).ToArray();
        filled.Should().Equal(single);
    }

    [Fact]
    public void FillNormal_AppliesTheMapToEachOfTheSuccessiveNormals()
    {
        var a = new RandomStream(7UL);
        var b = new RandomStream(7UL);
        var filled = new double[20_000];
        a.FillNormal(filled, new CubePlusOne());
        for (int i = 0; i < filled.Length; i++)
        {
            double z = b.NextStandardNormal();
            filled[i].Should().Be((z * z * z) + 1);
        }

        a.NextUInt64().Should().Be(b.NextUInt64(), "the map consumes nothing from the stream");
    }

    [Fact]
    public void FillUniform_EqualsSuccessiveNextDouble()
    {
        var a = new RandomStream(5UL);
        var b = new RandomStream(5UL);
        var filled = new double[100];
        a.FillUniform(filled);
        filled.Should().Equal(Enumerable.Range(0, 100).Select(_ => b.NextDouble()));
    }

    [Fact]
    public void UniformsAreTheStreamsBitsScaled()
    {
        // The definitions worked from the raw 64-bit words: k·2⁻⁵³ from the top 53 bits, (k + ½)·2⁻⁵² from the top 52;
        // the fills give the values successive calls give and leave the stream where those calls leave it.
        var words = new RandomStream(5UL);
        var single = new RandomStream(5UL);
        var filled = new RandomStream(5UL);
        var open = new double[37];
        var halfOpen = new double[37];
        filled.FillOpenUniform(open);
        filled.FillUniform(halfOpen);
        for (int i = 0; i < 37; i++)
        {
            double expected = ((words.NextUInt64() >> 12) + 0.5) / 4503599627370496.0;
            single.NextOpenDouble().Should().Be(expected);
            open[i].Should().Be(expected);
        }

        for (int i = 0; i < 37; i++)
        {
            double expected = (words.NextUInt64() >> 11) / 9007199254740992.0;
            single.NextDouble().Should().Be(expected);
            halfOpen[i].Should().Be(expected);
        }

        filled.NextUInt64().Should().Be(words.NextUInt64());
    }

    [Fact]
    public void Uniform_MeanAndVarianceWithinFiveStandardErrors()
    {
        var rng = new RandomStream(2024UL);
        var x = new double[N];
        rng.FillUniform(x);
        x.Should().OnlyContain(v => v >= 0 && v < 1);
        double mean = x.Average();
        double variance = x.Sum(v => (v - mean) * (v - mean)) / (N - 1);

        // U(0,1): mean 1/2, variance 1/12; SE of the mean sqrt(1/12/n); Var((U-½)²) = 1/80 − 1/144 = 1/180.
        Math.Abs(mean - 0.5).Should().BeLessThan(5 * Math.Sqrt(1.0 / 12 / N));
        Math.Abs(variance - 1.0 / 12).Should().BeLessThan(5 * Math.Sqrt(1.0 / 180 / N));
    }

    [Fact]
    public void OpenDouble_IsStrictlyInsideUnitInterval()
    {
        var rng = new RandomStream(3UL);
        for (int i = 0; i < N; i++)
        {
            double u = rng.NextOpenDouble();
            u.Should().BeGreaterThan(0).And.BeLessThan(1);
        }
    }

    [Fact]
    public void Normal_MomentsTailFractionAndKolmogorovSmirnov()
    {
        var rng = new RandomStream(777UL);
        var z = new double[N];
        rng.FillStandardNormal(z);

        double mean = z.Average();
        double variance = z.Sum(v => (v - mean) * (v - mean)) / (N - 1);
        Math.Abs(mean).Should().BeLessThan(5 / Math.Sqrt(N));
        Math.Abs(variance - 1).Should().BeLessThan(5 * Math.Sqrt(2.0 / N));

        // P(|Z| > 2) = 2Φ(−2) = 0.0455; binomial SE sqrt(p(1−p)/n).
        double p = 2 * Normal.CDF(0, 1, -2);
        double fraction = z.Count(v => Math.Abs(v) > 2) / (double)N;
        Math.Abs(fraction - p).Should().BeLessThan(5 * Math.Sqrt(p * (1 - p) / N));

        // Tail beyond the ziggurat's base r = 3.654 (the tail algorithm's branch): P(|Z| > 3.654).
        double pt = 2 * Normal.CDF(0, 1, -3.6541528853610088);
        double tail = z.Count(v => Math.Abs(v) > 3.6541528853610088) / (double)N;
        Math.Abs(tail - pt).Should().BeLessThan(5 * Math.Sqrt(pt * (1 - pt) / N));

        KolmogorovSmirnov(z).Should().BeLessThan(1.95 / Math.Sqrt(N));
    }

    [Fact]
    public void Normal_AfterSplit_ChildPassesKolmogorovSmirnov()
    {
        var child = new RandomStream(8UL).Split();
        var z = new double[N];
        child.FillStandardNormal(z);
        KolmogorovSmirnov(z).Should().BeLessThan(1.95 / Math.Sqrt(N));
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(1.0)]
    [InlineData(3.7)]
    public void Gamma_MeanAndVarianceWithinFiveStandardErrors(double shape)
    {
        var rng = new RandomStream(31UL);
        var x = new double[N];
        for (int i = 0; i < N; i++)
        {
            x[i] = rng.NextGamma(shape);
        }

        x.Should().OnlyContain(v => v >= 0);
        double mean = x.Average();
        double variance = x.Sum(v => (v - mean) * (v - mean)) / (N - 1);

        // Gamma(α, 1): mean α, variance α; central moments μ₄ = 3α² + 6α, so Var(s²) ≈ (μ₄ − α²)/n.
        Math.Abs(mean - shape).Should().BeLessThan(5 * Math.Sqrt(shape / N));
        double mu4 = 3 * shape * shape + 6 * shape;
        Math.Abs(variance - shape).Should().BeLessThan(5 * Math.Sqrt((mu4 - shape * shape) / N));
    }

    [Fact]
    public void NextInt_IsInRangeAndUniform()
    {
        var rng = new RandomStream(11UL);
        const int k = 7;
        var counts = new int[k];
        for (int i = 0; i < N; i++)
        {
            counts[rng.NextInt(k)]++;
        }

        double p = 1.0 / k;
        foreach (int c in counts)
        {
            Math.Abs(c / (double)N - p).Should().BeLessThan(5 * Math.Sqrt(p * (1 - p) / N));
        }
    }

    [Fact]
    public void NextCategorical_FollowsWeightsAndSkipsZeroWeights()
    {
        var rng = new RandomStream(12UL);
        double[] cumulative = [0.2, 0.2, 0.7, 1.0];
        double[] probabilities = [0.2, 0.0, 0.5, 0.3];
        var counts = new int[4];
        for (int i = 0; i < N; i++)
        {
            counts[rng.NextCategorical(cumulative)]++;
        }

        counts[1].Should().Be(0);
        for (int j = 0; j < 4; j++)
        {
            double p = probabilities[j];
            Math.Abs(counts[j] / (double)N - p).Should().BeLessThanOrEqualTo(5 * Math.Sqrt(p * (1 - p) / N));
        }
    }

    [Fact]
    public void NextCategorical_IsTheFirstIndexWhoseCumulativeWeightExceedsTheScaledUniform()
    {
        // Against a linear scan over the same uniform (a twin stream with the same seed), for lengths 1 to 70 with
        // zero-weight categories at the start, in the middle, in runs and at the end.
        var weights = new System.Random(3);
        for (int length = 1; length <= 70; length++)
        {
            var cumulative = new double[length];
            double sum = 0;
            for (int j = 0; j < length; j++)
            {
                bool zero = j == 0 || j % 5 == 2 || (j > 10 && j < 14) || (length > 3 && j == length - 1);
                sum += zero ? 0 : weights.NextDouble();
                cumulative[j] = sum;
            }

            if (sum == 0)
            {
                continue;
            }

            var stream = new RandomStream((ulong)length);
            var twin = new RandomStream((ulong)length);
            for (int draw = 0; draw < 2000; draw++)
            {
                int picked = stream.NextCategorical(cumulative);
                double target = twin.NextDouble() * sum;
                int expected = Array.FindIndex(cumulative, c => c > target);
                picked.Should().Be(expected, $"length {length}, draw {draw}");
            }
        }
    }

    [Fact]
    public void Split_GivesStreamDifferentFromParent()
    {
        var parent = new RandomStream(4UL);
        var child = parent.Split();
        var xp = Enumerable.Range(0, 10).Select(_ => parent.NextUInt64()).ToArray();
        var xc = Enumerable.Range(0, 10).Select(_ => child.NextUInt64()).ToArray();
        xp.Should().NotIntersectWith(xc);
    }

    [Fact]
    public void BadArguments_Throw()
    {
        var rng = new RandomStream(1);
        FluentActions.Invoking(() => rng.NextInt(0)).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("maxExclusive").WithMessage("*0*");
        FluentActions.Invoking(() => rng.NextGamma(0)).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("shape");
        FluentActions.Invoking(() => rng.NextGamma(-1.5)).Should().Throw<ArgumentOutOfRangeException>().WithMessage("*-1.5*");
        FluentActions.Invoking(() => rng.NextGamma(double.NaN)).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => rng.NextGamma(double.PositiveInfinity)).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => rng.NextCategorical([])).Should().Throw<ArgumentException>().WithParameterName("cumulativeProbabilities");
        FluentActions.Invoking(() => rng.NextCategorical([0.0, 0.0])).Should().Throw<ArgumentException>().WithParameterName("cumulativeProbabilities");
    }

    /// <summary>sup |F_n − Φ| over the sorted sample, checking both sides of each step.</summary>
    private static double KolmogorovSmirnov(double[] sample)
    {
        var sorted = (double[])sample.Clone();
        Array.Sort(sorted);
        int n = sorted.Length;
        double d = 0;
        for (int i = 0; i < n; i++)
        {
            double cdf = Normal.CDF(0, 1, sorted[i]);
            d = Math.Max(d, Math.Max((i + 1.0) / n - cdf, cdf - (double)i / n));
        }

        return d;
    }

    /// <summary>z³ + 1: a map no draw leaves unchanged, so a draw written without it is caught.</summary>
    private readonly struct CubePlusOne : IDrawMap
    {
        public double Apply(double draw) => (draw * draw * draw) + 1;
    }
}
