namespace KlDivergence.Tensors;

/// <summary>Tensors compared by reference and hashed by <see cref="Tensor.HashId"/>: the backward pass's sets and maps.</summary>
internal sealed class IdentityComparer : IEqualityComparer<Tensor>
{
    /// <summary>The one instance.</summary>
    public static readonly IdentityComparer Instance = new();

    private IdentityComparer()
    {
    }

    /// <summary>True when both are the same tensor object.</summary>
    public bool Equals(Tensor? x, Tensor? y) => ReferenceEquals(x, y);

    /// <summary>The tensor's <see cref="Tensor.HashId"/>.</summary>
    public int GetHashCode(Tensor obj) => obj.HashId;
}
