namespace KlDivergence.Tensors;

/// <summary>Computes y = f(a, b) element by element for a span a and a single b.</summary>
internal delegate void ScalarRightKernel(ReadOnlySpan<double> a, double b, Span<double> y);
