using KlDivergence.Optimization;
using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Inference.Flows;

/// <summary>
/// The affine coupling layer of RealNVP (Dinh, Sohl-Dickstein &amp; Bengio 2017): with a 0/1 mask m marking the
/// coordinates that pass through, y = m⊙x + (1 - m)⊙(x⊙exp(s) + t), where (s, t) = NN(m⊙x) come from a dense
/// network that sees only the passed-through coordinates. The Jacobian is triangular after ordering the coordinates,
/// so log |det ∂y/∂x| = Σᵢ (1 - mᵢ) sᵢ exactly; the inverse is x = m⊙y + (1 - m)⊙((y - t)⊙exp(-s)) with
/// (s, t) = NN(m⊙y), since m⊙y = m⊙x.
/// </summary>
public sealed class AffineCouplingBijector : FlowBijector
{
    private readonly DenseNetwork network;
    private readonly Tensor passMask;
    private readonly Tensor transformMask;
    private readonly bool[] transformed;
    private readonly string name;

    /// <summary>Creates a coupling layer that starts as the identity (the network's output layer is zero).</summary>
    /// <param name="passThrough">For each coordinate, true when it passes through unchanged and conditions the others; at least one true and one false.</param>
    /// <param name="hiddenLayers">The widths of the conditioner's hidden layers (e.g. [32, 32]).</param>
    /// <param name="random">The stream the hidden weights are drawn from.</param>
    /// <param name="activation">The conditioner's hidden activation.</param>
    /// <exception cref="ArgumentException">The mask passes every coordinate or none.</exception>
    public AffineCouplingBijector(bool[] passThrough, IReadOnlyList<int> hiddenLayers, RandomStream random, Activation activation = Activation.Tanh)
        : this(Build(passThrough, hiddenLayers, random, activation))
    {
    }

    private AffineCouplingBijector((bool[] Mask, DenseNetwork Network) p)
        : base(p.Mask.Length, [.. p.Network.Parameters])
    {
        network = p.Network;
        passMask = Tensor.Vector([.. p.Mask.Select(b => b ? 1.0 : 0.0)]);
        transformMask = Tensor.Vector([.. p.Mask.Select(b => b ? 0.0 : 1.0)]);
        transformed = [.. p.Mask.Select(b => !b)];
        name = $"AffineCoupling([{string.Join("", p.Mask.Select(b => b ? '1' : '0'))}])";
    }

    /// <inheritdoc/>
    public override string Name => name;

    /// <inheritdoc/>
    protected override (Tensor Y, Tensor LogDet) ForwardRows(Tensor x, Func<Parameter, Tensor> valueOf)
    {
        // Two fused nodes read the conditioner's [s, t] in place (AffineCouplingOps); the inverse below is the
        // masked composition they are tested against.
        var h = network.Apply(x * passMask, valueOf);
        return (AffineCouplingOps.Apply(x, h, transformed), AffineCouplingOps.LogDet(h, transformed));
    }

    /// <inheritdoc/>
    protected override Tensor InverseRows(Tensor y, Func<Parameter, Tensor> valueOf)
    {
        var passed = y * passMask;
        var h = network.Apply(passed, valueOf);
        var (logScale, shift) = (h.Narrow(1, 0, Dimension), h.Narrow(1, Dimension, Dimension));
        return passed + ((y - shift) * (-logScale).Exp() * transformMask);
    }

    private static (bool[], DenseNetwork) Build(bool[] passThrough, IReadOnlyList<int> hiddenLayers, RandomStream random, Activation activation)
    {
        ArgumentNullException.ThrowIfNull(passThrough);
        if (!passThrough.Contains(true) || !passThrough.Contains(false))
        {
            throw new ArgumentException(
                $"An affine coupling needs at least one coordinate that passes through and one that is transformed; got [{string.Join(", ", passThrough)}].",
                nameof(passThrough));
        }

        // The network reads all d coordinates (the transformed ones are zeroed) and writes log-scales and shifts for all d.
        int d = passThrough.Length;
        return ((bool[])passThrough.Clone(), new DenseNetwork(d, hiddenLayers, 2 * d, activation, random, "coupling"));
    }
}
