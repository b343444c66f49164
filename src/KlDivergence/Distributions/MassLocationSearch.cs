using KlDivergence.Tensors;

namespace KlDivergence.Distributions;

/// <summary>
/// The default <see cref="Distribution.GetMassLocations"/>: the mean and standard deviation where both are finite,
/// else (heavy tails have no standard deviation) the median and the interquartile range from the CDF, found by
/// bisection; NaN (unknown) where neither is available.
/// </summary>
internal static class MassLocationSearch
{
    /// <summary>The interquartile range of N(0, 1), 2Φ⁻¹(¾): IQR / this is a width on the scale of a standard deviation.</summary>
    private const double NormalIqr = 1.3489795003921634;

    public static MassLocations Default(Distribution d)
    {
        if (d.EventShapeArray.Length != 0)
        {
            throw new NotSupportedException($"{d.FamilyName}: mass locations are defined for univariate distributions; its event shape is {Shapes.Format(d.EventShapeArray)}.");
        }

        using var scope = Tensor.NoGrad();
        int[] batch = d.BatchShapeArray;
        int n = Shapes.Size(batch);
        double[] centre = Moment(() => d.Mean, batch);
        double[] width = Moment(() => d.StandardDeviation, batch);
        bool[] missing = new bool[n];
        bool anyMissing = false;
        for (int i = 0; i < n; i++)
        {
            missing[i] = !double.IsFinite(centre[i]) || !double.IsFinite(width[i]) || !(width[i] > 0);
            anyMissing |= missing[i];
        }

        if (anyMissing && HasCdf(d))
        {
            double[] q25 = Quantile(d, 0.25), q50 = Quantile(d, 0.5), q75 = Quantile(d, 0.75);
            for (int i = 0; i < n; i++)
            {
                if (missing[i])
                {
                    centre[i] = q50[i];
                    width[i] = (q75[i] - q25[i]) / NormalIqr;
                }
            }
        }

        for (int i = 0; i < n; i++)
        {
            if (!double.IsFinite(centre[i]) || !double.IsFinite(width[i]) || width[i] < 0)
            {
                centre[i] = double.NaN;
                width[i] = double.NaN;
            }
        }

        return MassLocations.Single(new Tensor((double[])centre.Clone(), batch), new Tensor((double[])width.Clone(), batch));
    }

    private static double[] Moment(Func<Tensor> moment, int[] batch)
    {
        try
        {
            return (double[])TensorOps.Expand(moment(), batch).Clone();
        }
        catch (NotSupportedException)
        {
            return [.. Enumerable.Repeat(double.NaN, Shapes.Size(batch))];
        }
    }

    /// <summary>True when the distribution has a CDF (the base class throws <see cref="NotSupportedException"/>).</summary>
    internal static bool HasCdf(Distribution d)
    {
        try
        {
            _ = d.Cdf(Tensor.Scalar(0.0));
            return true;
        }
        catch (NotSupportedException)
        {
            return false;
        }
    }

    /// <summary>
    /// The <paramref name="level"/>-quantile of every batch element by bisection on the CDF: the bracket starts at the
    /// support's bounds (grown by doubling from ±1 where a bound is infinite) and is halved geometrically while it
    /// spans orders of magnitude, arithmetically after, to a relative width of 1e-6.
    /// </summary>
    private static double[] Quantile(Distribution d, double level)
    {
        int[] batch = d.BatchShapeArray;
        int n = Shapes.Size(batch);
        double[] lo = (double[])TensorOps.Expand(d.Support.Lower, batch).Clone();
        double[] hi = (double[])TensorOps.Expand(d.Support.Upper, batch).Clone();
        double[] F(double[] x) => TensorOps.Expand(d.Cdf(new Tensor((double[])x.Clone(), batch)), batch);

        // Replace infinite bounds by finite ones on the right side of the quantile.
        for (int side = 0; side < 2; side++)
        {
            double[] bound = side == 0 ? lo : hi;
            var probe = new double[n];
            var open = new bool[n];
            for (int i = 0; i < n; i++)
            {
                open[i] = double.IsInfinity(bound[i]);
                probe[i] = side == 0 ? Math.Min(-1, hi[i]) : Math.Max(1, lo[i]);
            }

            for (int step = 0; step < 1100 && open.Any(o => o); step++)
            {
                double[] f = F(probe);
                for (int i = 0; i < n; i++)
                {
                    if (!open[i])
                    {
                        continue;
                    }

                    bool beyond = side == 0 ? f[i] <= level : f[i] >= level;
                    if (beyond || double.IsNaN(f[i]))
                    {
                        bound[i] = probe[i];
                        open[i] = false;
                    }
                    else
                    {
                        probe[i] *= 2;
                    }
                }
            }
        }

        for (int step = 0; step < 200; step++)
        {
            var mid = new double[n];
            for (int i = 0; i < n; i++)
            {
                mid[i] = Middle(lo[i], hi[i]);
            }

            double[] f = F(mid);
            bool done = true;
            for (int i = 0; i < n; i++)
            {
                if (f[i] < level)
                {
                    lo[i] = mid[i];
                }
                else
                {
                    hi[i] = mid[i];
                }

                done &= !(hi[i] - lo[i] > 1e-6 * Math.Max(Math.Abs(lo[i]), Math.Abs(hi[i])));
            }

            if (done)
            {
                break;
            }
        }

        return [.. lo.Zip(hi, (a, b) => double.IsFinite(a) && double.IsFinite(b) ? 0.5 * (a + b) : double.NaN)];
    }

    /// <summary>
    /// 0 for a bracket around 0; the geometric mean of a same-signed bracket spanning more than a factor 4 (from
    /// 1e-300 for a bracket that ends at 0); else the arithmetic mean.
    /// </summary>
    private static double Middle(double a, double b)
    {
        if (a < 0 && b > 0)
        {
            return 0;
        }

        if (a >= 0 && b > 4 * Math.Max(a, 1e-300))
        {
            return Math.Sqrt(Math.Max(a, 1e-300)) * Math.Sqrt(b);
        }

        if (b <= 0 && -a > 4 * Math.Max(-b, 1e-300))
        {
            return -Math.Sqrt(Math.Max(-b, 1e-300)) * Math.Sqrt(-a);
        }

        return 0.5 * (a + b);
    }
}
