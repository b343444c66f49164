using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Distributions;

/// <summary>
/// The von Mises distribution of an angle on [-π, π]: log p(x) = κ cos(x - μ) - log(2π I₀(κ)), I₀ the modified
/// Bessel function of the first kind. As in PyTorch, <see cref="Mean"/> is the circular mean μ and
/// <see cref="Variance"/> the circular variance 1 - I₁(κ)/I₀(κ).
/// </summary>
public sealed class VonMises : Distribution
{
    private const double LogTwoPi = 1.8378770664093454835606594728112353;

    /// <summary>Creates VonMises(loc, concentration).</summary>
    /// <param name="loc">The mean direction μ (finite; any real, read modulo 2π).</param>
    /// <param name="concentration">The concentration κ (positive, finite).</param>
    /// <exception cref="ArgumentOutOfRangeException">A parameter is out of range; the message names it and its value.</exception>
    public VonMises(Tensor loc, Tensor concentration)
        : base(ParameterChecks.BroadcastParameters(nameof(VonMises), loc, nameof(loc), concentration, nameof(concentration)), [])
    {
        Loc = ParameterChecks.Finite(loc, nameof(VonMises), nameof(loc));
        Concentration = ParameterChecks.Positive(concentration, nameof(VonMises), nameof(concentration));
    }

    /// <summary>The mean direction μ.</summary>
    public Tensor Loc { get; }

    /// <summary>The concentration κ.</summary>
    public Tensor Concentration { get; }

    /// <summary>[-π, π].</summary>
    public override Support Support { get; } = new(false, -Math.PI, Math.PI, "angles [-π, π]");

    /// <summary>Lebesgue on [-π, π] (mass everywhere on it); bounded on both sides; the density is at most e^κ/(2π I₀(κ)).</summary>
    public override TailProfile? Tails => TailProfile.Univariate(Support, Tail.Bounded, Tail.Bounded);

    /// <summary>The circular mean μ.</summary>
    public override Tensor Mean => Loc.BroadcastTo(BatchShapeArray);

    /// <summary>The circular variance 1 - E cos(X - μ) = 1 - I₁(κ)/I₀(κ).</summary>
    public override Tensor Variance => (1.0 - MeanResultantLength).BroadcastTo(BatchShapeArray);

    /// <summary>A(κ) = E cos(X - μ) = I₁(κ)/I₀(κ).</summary>
    internal Tensor MeanResultantLength => SpecialFunctionOps.BesselRatio(Concentration);

    /// <summary>κ cos(x - μ) - log 2π - log I₀(κ) for x in [-π, π], -∞ elsewhere.</summary>
    public override Tensor LogProb(Tensor value) =>
        FamilyHelpers.Masked(
            value,
            DensityInterval.Closed(-Math.PI, Math.PI),
            0.0,
            x => (Concentration * (x - Loc).Cos()) - LogTwoPi - SpecialFunctionOps.LogBesselI0(Concentration));

    /// <summary>Differential entropy log(2π I₀(κ)) - κ I₁(κ)/I₀(κ).</summary>
    public override Tensor Entropy() =>
        (SpecialFunctionOps.LogBesselI0(Concentration) + LogTwoPi - (Concentration * MeanResultantLength)).BroadcastTo(BatchShapeArray);

    /// <summary>
    /// Not reparameterised: Best &amp; Fisher's wrapped-Cauchy rejection sampler ("Efficient simulation of the von Mises
    /// distribution", Applied Statistics 28, 1979), wrapped to [-π, π).
    /// </summary>
    protected override Tensor SampleCore(int count, RandomStream random)
    {
        int[] shape = SampleShape(count);
        var mu = TensorOps.Expand(Loc, BatchShapeArray);
        var kappa = TensorOps.Expand(Concentration, BatchShapeArray);
        var data = new double[Shapes.Size(shape)];
        for (int i = 0; i < data.Length; i++)
        {
            int b = i % mu.Length;
            double angle = mu[b] + Draw(kappa[b], random);
            data[i] = angle - (2 * Math.PI * Math.Floor((angle + Math.PI) / (2 * Math.PI)));
        }

        return new Tensor(data, shape);
    }

    /// <summary>One draw of X - μ.</summary>
    private static double Draw(double kappa, RandomStream random)
    {
        if (kappa < 1e-6)
        {
            // The density is uniform to within κ ≤ 1e-6 in relative terms.
            return Math.PI * ((2 * random.NextDouble()) - 1);
        }

        double tau = 1 + Math.Sqrt(1 + (4 * kappa * kappa));
        double rho = (tau - Math.Sqrt(2 * tau)) / (2 * kappa);
        double r = (1 + (rho * rho)) / (2 * rho);
        while (true)
        {
            double z = Math.Cos(Math.PI * random.NextDouble());
            double f = (1 + (r * z)) / (r + z);
            double c = kappa * (r - f);
            double u2 = random.NextOpenDouble();
            if ((c * (2 - c)) - u2 > 0 || Math.Log(c / u2) + 1 - c >= 0)
            {
                double theta = Math.Acos(Math.Clamp(f, -1, 1));
                return random.NextDouble() < 0.5 ? -theta : theta;
            }
        }
    }
}
