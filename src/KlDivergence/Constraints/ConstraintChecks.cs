using KlDivergence.Tensors;

namespace KlDivergence.Constraints;

/// <summary>Element tests shared by the constraints, all without gradient, returning 1/0 tensors.</summary>
internal static class ConstraintChecks
{
    /// <summary>1 where the entry is finite (not NaN, not ±∞).</summary>
    public static Tensor Finite(Tensor value) => Map(value, double.IsFinite);

    /// <summary>1 where <paramref name="test"/> holds for the entry.</summary>
    public static Tensor Map(Tensor value, Func<double, bool> test)
    {
        ArgumentNullException.ThrowIfNull(value);
        var v = value.Values;
        var y = new double[v.Length];
        for (int i = 0; i < y.Length; i++)
        {
            y[i] = test(v[i]) ? 1.0 : 0.0;
        }

        return new Tensor(y, value.ShapeArray);
    }

    /// <summary>1 where every entry over the <paramref name="rank"/> trailing dimensions is 1 (the flags' logical AND per event).</summary>
    public static Tensor AllTrailing(Tensor flags, int rank)
    {
        var result = flags;
        for (int r = 0; r < rank; r++)
        {
            int n = result.ShapeArray[^1];
            result = TensorOps.EqualTo(result.Sum(result.Rank - 1), n);
        }

        return result;
    }

    /// <summary>Throws unless every entry of the bound is finite; the message names the bound and the value.</summary>
    public static Tensor FiniteBound(Tensor bound, string constraint, string paramName)
    {
        ArgumentNullException.ThrowIfNull(bound, paramName);
        var v = bound.Values;
        for (int i = 0; i < v.Length; i++)
        {
            if (!double.IsFinite(v[i]))
            {
                throw new ArgumentOutOfRangeException(paramName, v[i], $"{constraint} needs a finite {paramName}; got {paramName}[{i}] = {v[i].ToString("R", System.Globalization.CultureInfo.InvariantCulture)} (flat index into shape {Shapes.Format(bound.ShapeArray)}).");
            }
        }

        return bound;
    }

    /// <summary>True when the tensor is the constant scalar <paramref name="c"/> with no gradient (so a simpler bijector serves).</summary>
    public static bool IsConstant(Tensor t, double c) => t.Length == 1 && t.Rank == 0 && !t.RequiresGrad && t.Values[0] == c;
}
