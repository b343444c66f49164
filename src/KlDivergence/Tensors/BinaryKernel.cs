namespace KlDivergence.Tensors;

/// <summary>Computes y = f(a, b) element by element over spans of equal length.</summary>
internal delegate void BinaryKernel(ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> y);
