namespace KlDivergence.Tensors;

/// <summary>Computes gx = gy * f'(x) element by element, given x, y = f(x) and the output gradient gy.</summary>
internal delegate void UnaryDerivative(ReadOnlySpan<double> x, ReadOnlySpan<double> y, ReadOnlySpan<double> gy, Span<double> gx);
