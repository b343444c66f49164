namespace KlDivergence.Tensors;

/// <summary>Computes y = f(a, b) element by element for a single a and a span b.</summary>
internal delegate void ScalarLeftKernel(double a, ReadOnlySpan<double> b, Span<double> y);
