using KlDivergence.Tensors;

namespace KlDivergence.Bijectors;

/// <summary>
/// Reorders the coordinates of a vector: yᵢ = x_{π(i)}. A permutation matrix has determinant ±1, so
/// log |det ∂y/∂x| = 0. Placed between flow layers it lets each layer condition on different coordinates.
/// </summary>
/// <remarks>As <c>tfp.bijectors.Permute</c>.</remarks>
public sealed class PermuteBijector : Bijector
{
    private readonly int[] permutation;
    private readonly int[] inverse;

    /// <summary>Creates the bijector yᵢ = x_{permutation[i]}.</summary>
    /// <param name="permutation">A permutation of 0, …, d - 1.</param>
    /// <exception cref="ArgumentException">The array is not a permutation; the message names the bad entry.</exception>
    public PermuteBijector(params int[] permutation)
    {
        ArgumentNullException.ThrowIfNull(permutation);
        if (permutation.Length == 0)
        {
            throw new ArgumentException("A permutation needs at least one entry.", nameof(permutation));
        }

        this.permutation = (int[])permutation.Clone();
        inverse = new int[permutation.Length];
        var seen = new bool[permutation.Length];
        for (int i = 0; i < permutation.Length; i++)
        {
            int p = permutation[i];
            if ((uint)p >= (uint)permutation.Length || seen[p])
            {
                throw new ArgumentException(
                    $"permutation[{i}] = {p} makes [{string.Join(", ", permutation)}] not a permutation of 0..{permutation.Length - 1}.", nameof(permutation));
            }

            seen[p] = true;
            inverse[p] = i;
        }
    }

    /// <summary>The reversal d - 1, …, 0.</summary>
    /// <param name="dimension">d.</param>
    public static PermuteBijector Reverse(int dimension)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dimension);
        return new PermuteBijector([.. Enumerable.Range(0, dimension).Reverse()]);
    }

    /// <summary>π as given.</summary>
    public IReadOnlyList<int> Permutation => permutation;

    /// <inheritdoc/>
    public override string Name => $"Permute([{string.Join(", ", permutation)}])";

    /// <inheritdoc/>
    public override int InputEventRank => 1;

    /// <inheritdoc/>
    public override int OutputEventRank => 1;

    /// <summary>yᵢ = x_{π(i)} along the last dimension.</summary>
    public override Tensor Forward(Tensor x) => Select(x, permutation, nameof(x));

    /// <summary>x_{π(i)} = yᵢ.</summary>
    public override Tensor Inverse(Tensor y) => Select(y, inverse, nameof(y));

    /// <summary>Zero for every event.</summary>
    public override Tensor ForwardLogDetJacobian(Tensor x)
    {
        Check(x, nameof(x));
        return Tensor.Zeros(x.ShapeArray[..^1]);
    }

    /// <summary>Zero for every event.</summary>
    public override Tensor InverseLogDetJacobian(Tensor y) => ForwardLogDetJacobian(y);

    private Tensor Select(Tensor x, int[] order, string paramName)
    {
        Check(x, paramName);
        return x.IndexSelect(x.Rank - 1, order);
    }

    private void Check(Tensor x, string paramName)
    {
        ArgumentNullException.ThrowIfNull(x, paramName);
        if (x.Rank == 0 || x.ShapeArray[^1] != permutation.Length)
        {
            throw new ArgumentException($"{Name} needs vectors of length {permutation.Length} in the last dimension; got shape {BijectorChecks.FormatShape(x)}.", paramName);
        }
    }
}
