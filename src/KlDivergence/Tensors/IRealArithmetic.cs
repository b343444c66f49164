namespace KlDivergence.Tensors;

/// <summary>
/// The arithmetic closed-form formulas are written over, so that one formula serves both
/// <see cref="Tensor"/> (batched, differentiable) and <see cref="Real"/> (a plain double: the fused,
/// allocation-free path used when no gradient is needed).
/// </summary>
/// <typeparam name="TSelf">The implementing type.</typeparam>
internal interface IRealArithmetic<TSelf>
    where TSelf : IRealArithmetic<TSelf>
{
    /// <summary>Sum.</summary>
    static abstract TSelf operator +(TSelf left, TSelf right);

    /// <summary>Difference.</summary>
    static abstract TSelf operator -(TSelf left, TSelf right);

    /// <summary>Product.</summary>
    static abstract TSelf operator *(TSelf left, TSelf right);

    /// <summary>Quotient.</summary>
    static abstract TSelf operator /(TSelf left, TSelf right);

    /// <summary>Negation.</summary>
    static abstract TSelf operator -(TSelf value);

    /// <summary>A constant.</summary>
    static abstract implicit operator TSelf(double value);

    /// <summary>Natural logarithm.</summary>
    static abstract TSelf Log(TSelf x);

    /// <summary>log(1 + x), accurate for small x.</summary>
    static abstract TSelf Log1p(TSelf x);

    /// <summary>Exponential.</summary>
    static abstract TSelf Exp(TSelf x);

    /// <summary>eˣ - 1, accurate for small x.</summary>
    static abstract TSelf Expm1(TSelf x);

    /// <summary>eˣ - 1 - x, accurate for small x.</summary>
    static abstract TSelf Expm1MinusX(TSelf x);

    /// <summary>x².</summary>
    static abstract TSelf Square(TSelf x);

    /// <summary>√x.</summary>
    static abstract TSelf Sqrt(TSelf x);

    /// <summary>|x|.</summary>
    static abstract TSelf Abs(TSelf x);

    /// <summary>log Γ(x).</summary>
    static abstract TSelf LogGamma(TSelf x);

    /// <summary>ψ(x), the digamma function.</summary>
    static abstract TSelf Digamma(TSelf x);
}
