using KlDivergence.Tensors;

namespace KlDivergence.Tests;

/// <summary>
/// Central finite-difference gradient check: the analytic gradient of a scalar function of tensors
/// (reverse mode) against (f(x + h e_i) - f(x - h e_i)) / 2h for every input entry.
/// </summary>
internal static class GradCheck
{
    public static void Check(Func<Tensor[], Tensor> f, double[][] values, int[][] shapes, double step = 1e-6, double tolerance = 1e-6)
    {
        var inputs = values.Select((v, i) => Tensor.FromArray(v, shapes[i], requiresGrad: true)).ToArray();
        var output = f(inputs);
        output.Length.Should().Be(1, "the checked function must return a scalar");
        output.Backward();
        for (int k = 0; k < inputs.Length; k++)
        {
            var analytic = inputs[k].Grad;
            analytic.Should().NotBeNull($"input {k} should receive a gradient");
            analytic!.Shape.Should().Equal(shapes[k]);
            for (int i = 0; i < values[k].Length; i++)
            {
                double numeric = Numeric(f, values, shapes, k, i, step);
                double a = analytic.Values[i];
                double scale = Math.Max(1.0, Math.Max(Math.Abs(a), Math.Abs(numeric)));
                Math.Abs(a - numeric).Should().BeLessThan(tolerance * scale, $"d f / d input{k}[{i}]: analytic {a}, numeric {numeric}");
            }
        }
    }

    public static double Numeric(Func<Tensor[], Tensor> f, double[][] values, int[][] shapes, int k, int i, double step)
    {
        using var scope = Tensor.NoGrad();
        double orig = values[k][i];
        double h = step * Math.Max(1.0, Math.Abs(orig));
        values[k][i] = orig + h;
        double plus = f(Build(values, shapes)).ToScalar();
        values[k][i] = orig - h;
        double minus = f(Build(values, shapes)).ToScalar();
        values[k][i] = orig;
        return (plus - minus) / (2 * h);
    }

    /// <summary>Reduces a tensor to a scalar with fixed, non-uniform weights, so every entry's gradient is tested.</summary>
    public static Tensor Project(Tensor t)
    {
        var w = new double[t.Length];
        for (int i = 0; i < w.Length; i++)
        {
            w[i] = 0.3 + (0.7 * Math.Sin(1.7 * (i + 1)));
        }

        return (t * Tensor.FromArray(w, t.Shape.AsSpan())).Sum();
    }

    public static double[] RandomValues(int n, int seed, double low = -1, double high = 1)
    {
        var rng = new System.Random(seed);
        return [.. Enumerable.Range(0, n).Select(_ => low + ((high - low) * rng.NextDouble()))];
    }

    private static Tensor[] Build(double[][] values, int[][] shapes) =>
        [.. values.Select((v, i) => Tensor.FromArray(v, shapes[i]))];
}
