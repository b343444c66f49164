namespace KlDivergence.Tensors;

/// <summary>
/// A scope, started by <see cref="Tensor.NoGrad"/>, in which tensor operations record no graph.
/// Dispose it (a <c>using</c> statement) to end the scope.
/// </summary>
public readonly struct NoGradScope : IDisposable, IEquatable<NoGradScope>
{
    private readonly bool active;

    internal NoGradScope(bool active) => this.active = active;

    /// <summary>Ends the scope.</summary>
    public void Dispose()
    {
        if (active)
        {
            Tensor.ExitNoGrad();
        }
    }

    /// <inheritdoc/>
    public bool Equals(NoGradScope other) => active == other.active;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is NoGradScope other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => active.GetHashCode();

    /// <summary>Equality of two scopes (by state).</summary>
    public static bool operator ==(NoGradScope left, NoGradScope right) => left.Equals(right);

    /// <summary>Inequality of two scopes (by state).</summary>
    public static bool operator !=(NoGradScope left, NoGradScope right) => !left.Equals(right);
}
