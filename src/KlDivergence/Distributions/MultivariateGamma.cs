using KlDivergence.Tensors;

namespace KlDivergence.Distributions;

/// <summary>
/// The multivariate gamma function of dimension d and its log-derivative (Muirhead 1982, Aspects of Multivariate
/// Statistical Theory, Def. 2.1.10): log Γ_d(a) = d(d - 1)/4 · log π + Σⱼ₌₁..d log Γ(a + (1 - j)/2) and
/// ψ_d(a) = Σⱼ₌₁..d ψ(a + (1 - j)/2), defined for a &gt; (d - 1)/2.
/// </summary>
internal static class MultivariateGamma
{
    private const double LogPi = 1.1447298858494001741434273513530587;

    /// <summary>The d arguments a + (1 - j)/2, j = 1..d, on a new last axis: shape [..., d].</summary>
    public static Tensor Arguments(Tensor a, int d)
    {
        var offsets = new double[d];
        for (int j = 0; j < d; j++)
        {
            offsets[j] = -0.5 * j;
        }

        return a.Unsqueeze(-1) + Tensor.Vector(offsets);
    }

    /// <summary>log Γ_d(a), shape of a.</summary>
    public static Tensor Log(Tensor a, int d) => Arguments(a, d).LogGamma().Sum(-1) + (d * (d - 1) * 0.25 * LogPi);

    /// <summary>ψ_d(a), shape of a.</summary>
    public static Tensor Digamma(Tensor a, int d) => Arguments(a, d).Digamma().Sum(-1);
}
