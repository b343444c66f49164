using KlDivergence.Distributions;
using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Tests.Divergences;

/// <summary>
/// A user's family, defined in the test, that has the density, mean and variance of <paramref name="inner"/> but
/// does not say where its mass is (no mass-location override): quadrature sees only its overall mean and standard
/// deviation. With <paramref name="withCdf"/> it also exposes the inner CDF.
/// </summary>
internal sealed class DisguisedDistribution(Distribution inner, bool withCdf) : Distribution([], [])
{
    public override string FamilyName => withCdf ? "DisguisedWithCdf" : "Disguised";

    public override Tensor Mean => inner.Mean;

    public override Tensor Variance => inner.Variance;

    public override Support Support => inner.Support;

    public override Tensor LogProb(Tensor value) => inner.LogProb(value);

    public override Tensor Cdf(Tensor value) => withCdf ? inner.Cdf(value) : base.Cdf(value);

    protected override Tensor SampleCore(int count, RandomStream random) => inner.Sample(count, random);
}
