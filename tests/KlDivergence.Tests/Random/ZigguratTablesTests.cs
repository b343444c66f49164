using KlDivergence.Random;

namespace KlDivergence.Tests.Random;

public class ZigguratTablesTests
{
    [Fact]
    public void Squeeze_NeverDecidesAgainstTheExponentialsTest()
    {
        var rng = new RandomStream(31UL);
        long undecided = 0, total = 0;
        for (int layer = 1; layer < ZigguratTables.LayerCount; layer++)
        {
            ulong k = ZigguratTables.K[layer];
            for (int n = 0; n < 4000; n++)
            {
                // A point of the wedge: u at or above the core's threshold, as the slow path sees it.
                ulong u = k + (ulong)(rng.NextDouble() * ((1UL << 53) - k));
                double uniform = rng.NextDouble();
                double z = (long)u * ZigguratTables.W[layer];
                int verdict = ZigguratTables.Squeeze(layer, u, uniform);
                total++;
                if (verdict == 0)
                {
                    undecided++;
                    continue;
                }

                verdict.Should().Be(ZigguratTables.UnderCurve(layer, z, uniform) ? 1 : -1, $"layer {layer}, u {u}, uniform {uniform}");
            }
        }

        // The chord decides all but the thin band between it and the curve and the one layer holding x = 1 (0.77 % here).
        ((double)undecided / total).Should().BeLessThan(0.02);
    }

    [Fact]
    public void Squeeze_LeavesPointsNextToTheCurveToTheExponential()
    {
        var rng = new RandomStream(32UL);
        for (int layer = 1; layer < ZigguratTables.LayerCount; layer++)
        {
            ulong k = ZigguratTables.K[layer];
            double fLow = ZigguratTables.F[layer], fHigh = ZigguratTables.F[layer + 1];
            for (int n = 0; n < 200; n++)
            {
                ulong u = k + (ulong)(rng.NextDouble() * ((1UL << 53) - k));
                double z = (long)u * ZigguratTables.W[layer];

                // The curve's height in the wedge's unit square, worked here from f(z) = exp(-z²/2).
                double curve = (Math.Exp(-0.5 * z * z) - fLow) / (fHigh - fLow);
                foreach (double offset in new[] { -1e-10, 1e-10 })
                {
                    double uniform = curve + offset;
                    if (uniform is < 0 or >= 1)
                    {
                        continue;
                    }

                    ZigguratTables.Squeeze(layer, u, uniform).Should().Be(0, $"layer {layer}: a point 1e-10 from the curve is the exponential's to decide");
                }
            }
        }
    }

    [Fact]
    public void NormalDraws_AreThoseOfThePlainZigguratRule()
    {
        // Marsaglia & Tsang's rule written out with the exponential at every wedge point, on a second copy of the stream.
        var stream = new RandomStream(33UL);
        var bitsSource = new RandomStream(33UL);
        for (int n = 0; n < 300_000; n++)
        {
            stream.NextStandardNormal().Should().Be(PlainZiggurat(bitsSource));
        }
    }

    private static double PlainZiggurat(RandomStream random)
    {
        ulong bits = random.NextUInt64();
        while (true)
        {
            int layer = (int)(bits & 0xFF);
            double sign = (bits & 0x100) != 0 ? -1 : 1;
            ulong u = bits >> 11;
            double z = (long)u * ZigguratTables.W[layer];
            if (u < ZigguratTables.K[layer])
            {
                return sign * z;
            }

            if (layer == 0)
            {
                double x, y;
                do
                {
                    x = -Math.Log(random.NextOpenDouble()) / ZigguratTables.TailStart;
                    y = -Math.Log(random.NextOpenDouble());
                }
                while (y + y <= x * x);
                return sign * (ZigguratTables.TailStart + x);
            }

            double fLow = ZigguratTables.F[layer];
            double height = fLow + (random.NextDouble() * (ZigguratTables.F[layer + 1] - fLow));
            if (height < Math.Exp(-0.5 * z * z))
            {
                return sign * z;
            }

            bits = random.NextUInt64();
        }
    }
}
