using MathNet.Numerics;

namespace KlDivergence.Tensors;

/// <summary>
/// A plain double with the <see cref="IRealArithmetic{TSelf}"/> operations, so a formula written once for
/// tensors also compiles (and inlines) to scalar code.
/// </summary>
/// <param name="Value">The number.</param>
internal readonly record struct Real(double Value) : IRealArithmetic<Real>
{
    /// <inheritdoc/>
    public static implicit operator Real(double value) => new(value);

    /// <summary>The number.</summary>
    public static implicit operator double(Real value) => value.Value;

    /// <inheritdoc/>
    public static Real operator +(Real left, Real right) => new(left.Value + right.Value);

    /// <inheritdoc/>
    public static Real operator -(Real left, Real right) => new(left.Value - right.Value);

    /// <inheritdoc/>
    public static Real operator *(Real left, Real right) => new(left.Value * right.Value);

    /// <inheritdoc/>
    public static Real operator /(Real left, Real right) => new(left.Value / right.Value);

    /// <inheritdoc/>
    public static Real operator -(Real value) => new(-value.Value);

    /// <inheritdoc/>
    public static Real Log(Real x) => Math.Log(x.Value);

    /// <inheritdoc/>
    public static Real Log1p(Real x) => ScalarMath.Log1p(x.Value);

    /// <inheritdoc/>
    public static Real Exp(Real x) => Math.Exp(x.Value);

    /// <inheritdoc/>
    public static Real Expm1(Real x) => ScalarMath.Expm1(x.Value);

    /// <inheritdoc/>
    public static Real Expm1MinusX(Real x) => ScalarMath.Expm1MinusX(x.Value);

    /// <inheritdoc/>
    public static Real Square(Real x) => x.Value * x.Value;

    /// <inheritdoc/>
    public static Real Sqrt(Real x) => Math.Sqrt(x.Value);

    /// <inheritdoc/>
    public static Real Abs(Real x) => Math.Abs(x.Value);

    /// <inheritdoc/>
    public static Real LogGamma(Real x) => GammaFunctions.LogGamma(x.Value);

    /// <inheritdoc/>
    public static Real Digamma(Real x) => GammaFunctions.Digamma(x.Value);

    /// <summary>Named alternative for the implicit conversion from double.</summary>
    public static Real FromDouble(double value) => new(value);

    /// <summary>Named alternative for the implicit conversion to double.</summary>
    public double ToDouble() => Value;
}
