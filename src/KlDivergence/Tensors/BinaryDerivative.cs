namespace KlDivergence.Tensors;

/// <summary>Computes one input's gradient, element by element, from a, b, y = f(a, b) and the output gradient gy.</summary>
internal delegate void BinaryDerivative(ReadOnlySpan<double> a, ReadOnlySpan<double> b, ReadOnlySpan<double> y, ReadOnlySpan<double> gy, Span<double> g);
