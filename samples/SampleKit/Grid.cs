using KlDivergence.Distributions;
using KlDivergence.Tensors;

namespace KlDivergence.Samples.SampleKit;

/// <summary>Grids and density evaluation for the figures.</summary>
public static class Grid
{
    public static double[] Linspace(double start, double stop, int count)
    {
        var result = new double[count];
        for (int i = 0; i < count; i++)
        {
            result[i] = count == 1 ? start : start + ((stop - start) * i / (count - 1));
        }

        return result;
    }

    /// <summary>The density of a univariate distribution at each point (no graph recorded).</summary>
    public static double[] Density(Distribution d, double[] x)
    {
        using var scope = Tensor.NoGrad();
        return d.Prob(Tensor.Vector(x)).ToArray();
    }

    /// <summary>The density of a 2-D distribution on the grid, as z[iy, ix].</summary>
    public static double[,] Density2D(Distribution d, double[] x, double[] y)
    {
        using var scope = Tensor.NoGrad();
        var points = new double[x.Length * y.Length * 2];
        for (int iy = 0; iy < y.Length; iy++)
        {
            for (int ix = 0; ix < x.Length; ix++)
            {
                int k = (iy * x.Length) + ix;
                points[2 * k] = x[ix];
                points[(2 * k) + 1] = y[iy];
            }
        }

        var values = d.Prob(Tensor.FromArray(points, [x.Length * y.Length, 2])).ToArray();
        var z = new double[y.Length, x.Length];
        for (int iy = 0; iy < y.Length; iy++)
        {
            for (int ix = 0; ix < x.Length; ix++)
            {
                z[iy, ix] = values[(iy * x.Length) + ix];
            }
        }

        return z;
    }
}
