namespace KlDivergence.Tensors;

/// <summary>Computes y = f(x) element by element over spans of equal length.</summary>
internal delegate void UnaryKernel(ReadOnlySpan<double> x, Span<double> y);
