using KlDivergence.Distributions;
using KlDivergence.Tensors;

namespace KlDivergence.Tests.Distributions;

/// <summary>Gradient checks of cumulative distribution functions against central finite differences.</summary>
internal static class CdfChecks
{
    /// <summary>
    /// The gradient of a weighted sum of Cdf(values) with respect to every parameter and the values matches central
    /// finite differences (step 1e-6, relative tolerance <paramref name="tolerance"/>).
    /// </summary>
    public static void GradientsMatch(Func<Tensor[], Distribution> make, double[] parameters, double[] values, double tolerance = 1e-5)
    {
        int k = parameters.Length;
        GradCheck.Check(
            t => GradCheck.Project(make(t[..k]).Cdf(t[k])),
            [.. parameters.Select(v => new[] { v }), values],
            [.. parameters.Select(_ => Array.Empty<int>()), [values.Length]],
            tolerance: tolerance);
    }
}
