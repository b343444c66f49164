namespace KlDivergence.Tensors;

/// <summary>
/// Thrown by <see cref="LinearAlgebraOps.Cholesky"/> when a matrix is not (numerically) positive definite:
/// it names the failing pivot and the value found there.
/// </summary>
public sealed class NotPositiveDefiniteException : ArgumentException
{
    /// <summary>Creates the exception with a default message.</summary>
    public NotPositiveDefiniteException()
        : base("The matrix is not positive definite.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public NotPositiveDefiniteException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    public NotPositiveDefiniteException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for a failed pivot.</summary>
    /// <param name="pivot">The zero-based index of the diagonal entry where the factorisation failed.</param>
    /// <param name="pivotValue">The value under the square root there (zero, negative or NaN).</param>
    /// <param name="batchIndex">The index of the matrix in the batch (0 for a single matrix).</param>
    /// <param name="paramName">The parameter that held the matrix.</param>
    public NotPositiveDefiniteException(int pivot, double pivotValue, int batchIndex, string? paramName)
        : base($"The matrix is not positive definite: Cholesky pivot {pivot} is {pivotValue:G6}" +
               (batchIndex > 0 ? $" (matrix {batchIndex} of the batch)." : "."), paramName)
    {
        Pivot = pivot;
        PivotValue = pivotValue;
        BatchIndex = batchIndex;
    }

    /// <summary>The zero-based index of the diagonal entry where the factorisation failed.</summary>
    public int Pivot { get; }

    /// <summary>The value under the square root at the failing pivot.</summary>
    public double PivotValue { get; }

    /// <summary>The index of the failing matrix in the batch.</summary>
    public int BatchIndex { get; }
}
