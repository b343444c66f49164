using KlDivergence.Tensors;

namespace KlDivergence.Distributions;

/// <summary>The covariance matrix of a distribution that has one, whichever way it says so.</summary>
internal static class CovarianceOf
{
    public static bool Exists(Distribution d) => d is IHasCovariance || d is IConditionalCovariance { HasCovariance: true };

    public static Tensor Get(Distribution d) => d switch
    {
        IHasCovariance c => c.Covariance,
        IConditionalCovariance { HasCovariance: true } c => c.Covariance,
        _ => throw new NotSupportedException($"{d.FamilyName} has no covariance matrix."),
    };
}
