using KlDivergence.Distributions;
using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Inference;

/// <summary>
/// The point mass at a location (a Dirac delta over vectors of dimension d), the distribution of a
/// <see cref="PointMassSurrogate"/>. Its log-density, with respect to the counting measure on that point, is 0 at
/// the location and -∞ elsewhere; samples are the location, differentiable in it.
/// </summary>
internal sealed class PointMass : Distribution
{
    /// <summary>Creates the point mass at <paramref name="loc"/>, a vector.</summary>
    /// <exception cref="ArgumentException"><paramref name="loc"/> is not a vector.</exception>
    public PointMass(Tensor loc)
        : base([], [CheckVector(loc)]) => Loc = loc;

    /// <summary>The location.</summary>
    public Tensor Loc { get; }

    /// <inheritdoc/>
    public override bool HasReparameterizedSample => true;

    /// <inheritdoc/>
    public override Tensor Mean => Loc;

    /// <inheritdoc/>
    public override Tensor Variance => Loc.ZerosLike();

    /// <summary>0 where the value equals the location, -∞ elsewhere (one value per row of [..., d]).</summary>
    public override Tensor LogProb(Tensor value)
    {
        ArgumentNullException.ThrowIfNull(value);
        using var scope = Tensor.NoGrad();
        var mismatch = TensorOps.EqualTo(value, Loc).Sum(-1) - Loc.Shape[0];
        return TensorOps.Where(TensorOps.EqualTo(mismatch, 0.0), 0.0, double.NegativeInfinity);
    }

    /// <summary>0: a point carries no uncertainty.</summary>
    public override Tensor Entropy() => 0.0;

    /// <inheritdoc/>
    protected override Tensor SampleCore(int count, RandomStream random) => Loc.Unsqueeze(0).BroadcastTo(count, Loc.Shape[0]);

    private static int CheckVector(Tensor loc)
    {
        ArgumentNullException.ThrowIfNull(loc);
        if (loc.Rank != 1)
        {
            throw new ArgumentException($"The location must be a vector, got shape [{string.Join(", ", loc.Shape)}].", nameof(loc));
        }

        return loc.Shape[0];
    }
}
