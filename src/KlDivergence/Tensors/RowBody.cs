namespace KlDivergence.Tensors;

/// <summary>Work on one output row of a broadcast binary operation: the operands' rows, the row index and its length.</summary>
internal delegate void RowBody(ReadOnlySpan<double> a, ReadOnlySpan<double> b, int row, int length);
