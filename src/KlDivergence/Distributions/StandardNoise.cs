using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Distributions;

/// <summary>Parameter-free noise tensors for reparameterised samplers.</summary>
internal static class StandardNoise
{
    /// <summary>A tensor of independent N(0, 1) draws of the given shape.</summary>
    public static Tensor Normal(RandomStream random, int[] shape)
    {
        var data = TensorPool.Rent(Shapes.Size(shape));
        random.FillStandardNormal(data);
        return new Tensor(data, shape);
    }

    /// <summary>A tensor of independent Uniform(0, 1) draws (never exactly 0) of the given shape.</summary>
    public static Tensor Uniform(RandomStream random, int[] shape)
    {
        var data = TensorPool.Rent(Shapes.Size(shape));
        random.FillOpenUniform(data);
        return new Tensor(data, shape);
    }
}
