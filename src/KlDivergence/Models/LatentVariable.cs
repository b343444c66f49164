using System.Collections.Immutable;

namespace KlDivergence.Models;

/// <summary>
/// A latent variable of a <see cref="Model"/>, as discovered on its first run: its name, its shape per draw in the
/// constrained space, and where its unconstrained coordinates sit in the packed vector.
/// </summary>
/// <param name="Name">The name given to <see cref="ModelContext.Latent"/>.</param>
/// <param name="Shape">The shape of one draw in the constrained space (empty for a scalar).</param>
/// <param name="UnconstrainedShape">The shape of one draw in the unconstrained space (the bijector's inverse shape).</param>
/// <param name="Offset">The first column of the variable in the packed unconstrained vector.</param>
/// <param name="Family">The prior's family name, for messages and summaries.</param>
/// <param name="BijectorName">The name of the bijector mapping the unconstrained coordinates onto the support.</param>
public sealed record LatentVariable(
    string Name, ImmutableArray<int> Shape, ImmutableArray<int> UnconstrainedShape, int Offset, string Family, string BijectorName)
{
    /// <summary>The number of unconstrained coordinates (columns of the packed vector).</summary>
    public int UnconstrainedSize => ShapeSize(UnconstrainedShape);

    /// <summary>The number of scalar elements of one constrained draw.</summary>
    public int Size => ShapeSize(Shape);

    private static int ShapeSize(ImmutableArray<int> shape)
    {
        int size = 1;
        foreach (int d in shape)
        {
            size *= d;
        }

        return size;
    }
}
