using KlDivergence.Distributions;
using KlDivergence.Divergences.ClosedForms;

namespace KlDivergence.Divergences;

/// <summary>Registers every closed-form pair this library ships.</summary>
internal static class BuiltInKlPairs
{
    public static void RegisterAll(KlRegistry registry)
    {
        registry.Register<Normal, Normal>(NormalKl.NormalNormal);
        registry.Register<MultivariateNormal, MultivariateNormal>(MultivariateNormalKl.FullFull);
        registry.Register<MultivariateNormal, MultivariateNormalDiag>(MultivariateNormalKl.FullDiag);
        registry.Register<MultivariateNormalDiag, MultivariateNormal>(MultivariateNormalKl.DiagFull);
        registry.Register<MultivariateNormalDiag, MultivariateNormalDiag>(MultivariateNormalKl.DiagDiag);
        registry.Register<Categorical, Categorical>(CategoricalKl.CategoricalCategorical);
        registry.Register<Independent, Independent>((p, q) => IndependentKl.IndependentIndependent(p, q, registry));
        registry.Register<OneHotCategorical, OneHotCategorical>(StructuredKl.OneHotOneHot);
        registry.Register<Dirichlet, Dirichlet>(DirichletKl.DirichletDirichlet);
        registry.Register<LowRankMultivariateNormal, LowRankMultivariateNormal>(StructuredKl.LowRankLowRank);
        registry.Register<LowRankMultivariateNormal, MultivariateNormal>(StructuredKl.LowRankFull);
        registry.Register<MultivariateNormal, LowRankMultivariateNormal>(StructuredKl.FullLowRank);
        registry.Register<TransformedDistribution, TransformedDistribution>((p, q) => StructuredKl.TransformedTransformed(p, q, registry));

        // Univariate families (issue "Breadth"): every pair PyTorch 1.13 registers among them, plus Normal–Laplace.
        foreach (var register in new Action<KlRegistry>[]
        {
            NormalCrossKl.Register, ExponentialKl.Register, GammaKl.Register, BetaKl.Register, UniformKl.Register,
            LaplaceKl.Register, CauchyKl.Register, GumbelKl.Register, HalfNormalKl.Register, ParetoKl.Register,
            BernoulliKl.Register, ContinuousBernoulliKl.Register, GeometricKl.Register, BinomialKl.Register, PoissonKl.Register,

            // Families of issue 16.
            HalfCauchyKl.Register, InverseGammaKl.Register, WeibullKl.Register, VonMisesKl.Register, MultinomialKl.Register, LogisticNormalKl.Register, WishartKl.Register,
        })
        {
            register(registry);
        }
    }
}
