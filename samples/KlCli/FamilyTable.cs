using KlDivergence.Distributions;

namespace KlDivergence.Cli;

/// <summary>
/// The SPEC table: one entry per family this build of the library has, with the parameter names of CLI.md.
/// Adding a family is adding one line. Families of CLI.md the library does not have are left out, so
/// <c>kl families</c> does not list them and a request naming them is answered "unknown family".
/// </summary>
internal static class FamilyTable
{
    public static IReadOnlyList<FamilyEntry> All { get; } =
    [
        new("Normal", ["loc", "scale"], a => new Normal(a.Tensor("loc"), a.Tensor("scale"))),
        new("Laplace", ["loc", "scale"], a => new Laplace(a.Tensor("loc"), a.Tensor("scale"))),
        new("Cauchy", ["loc", "scale"], a => new Cauchy(a.Tensor("loc"), a.Tensor("scale"))),
        new("Gumbel", ["loc", "scale"], a => new Gumbel(a.Tensor("loc"), a.Tensor("scale"))),
        new("LogNormal", ["loc", "scale"], a => new LogNormal(a.Tensor("loc"), a.Tensor("scale"))),
        new("HalfNormal", ["scale"], a => new HalfNormal(a.Tensor("scale"))),
        new("Exponential", ["rate"], a => new Exponential(a.Tensor("rate"))),
        new("Gamma", ["concentration", "rate"], a => new Gamma(a.Tensor("concentration"), a.Tensor("rate"))),
        new("Beta", ["concentration1", "concentration0"], a => new Beta(a.Tensor("concentration1"), a.Tensor("concentration0"))),
        new("Dirichlet", ["concentration"], a => new Dirichlet(a.Tensor("concentration"))),
        new("Uniform", ["low", "high"], a => new Uniform(a.Tensor("low"), a.Tensor("high"))),
        new("Pareto", ["scale", "alpha"], a => new Pareto(a.Tensor("scale"), a.Tensor("alpha"))),
        new("Bernoulli", ["probs"], a => new Bernoulli(a.Tensor("probs"))),
        new("ContinuousBernoulli", ["probs"], a => new ContinuousBernoulli(a.Tensor("probs"))),
        new("Geometric", ["probs"], a => new Geometric(a.Tensor("probs"))),
        new("Binomial", ["totalCount", "probs"], a => new Binomial(a.Tensor("totalCount"), a.Tensor("probs"))),
        new("Poisson", ["rate"], a => new Poisson(a.Tensor("rate"))),
        new("Categorical", ["probs", "logits"], a => a.Has("probs") ? new Categorical(a.Tensor("probs")) : Categorical.FromLogits(a.Tensor("logits")), [["probs", "logits"]]),
        new("OneHotCategorical", ["probs", "logits"], a => a.Has("probs") ? new OneHotCategorical(a.Tensor("probs")) : OneHotCategorical.FromLogits(a.Tensor("logits")), [["probs", "logits"]]),
        new(
            "MultivariateNormal",
            ["loc", "covarianceMatrix", "scaleTril", "precisionMatrix"],
            a => a.Has("covarianceMatrix") ? MultivariateNormal.FromCovariance(a.Tensor("loc"), a.Tensor("covarianceMatrix"))
                : a.Has("scaleTril") ? MultivariateNormal.FromScaleTril(a.Tensor("loc"), a.Tensor("scaleTril"))
                : MultivariateNormal.FromPrecision(a.Tensor("loc"), a.Tensor("precisionMatrix")),
            [["covarianceMatrix", "scaleTril", "precisionMatrix"]]),
        new("MultivariateNormalDiag", ["loc", "scaleDiag"], a => new MultivariateNormalDiag(a.Tensor("loc"), a.Tensor("scaleDiag"))),
        new("LowRankMultivariateNormal", ["loc", "covFactor", "covDiag"], a => new LowRankMultivariateNormal(a.Tensor("loc"), a.Tensor("covFactor"), a.Tensor("covDiag"))),
        new("MixtureSameFamily", ["mixture", "components"], a => new MixtureSameFamily(CategoricalSpec(a, "mixture"), a.Spec("components"))),
        new("Mixture", ["weights", "components"], a => new Mixture(a.Tensor("weights"), a.Specs("components"))),
        new("Independent", ["baseDistribution", "reinterpretedBatchDims"], a => new Independent(a.Spec("baseDistribution"), a.Integer("reinterpretedBatchDims"))),
        new("StudentT", ["df", "loc", "scale"], a => new StudentT(a.Tensor("df"), a.Tensor("loc"), a.Tensor("scale"))),
        new("HalfCauchy", ["scale"], a => new HalfCauchy(a.Tensor("scale"))),
        new("Chi2", ["df"], a => new Chi2(a.Tensor("df"))),
        new("InverseGamma", ["concentration", "scale"], a => new InverseGamma(a.Tensor("concentration"), a.Tensor("scale"))),
        new("Weibull", ["scale", "concentration"], a => new Weibull(a.Tensor("scale"), a.Tensor("concentration"))),
        new("NegativeBinomial", ["totalCount", "probs"], a => new NegativeBinomial(a.Tensor("totalCount"), a.Tensor("probs"))),
        new("Kumaraswamy", ["concentration1", "concentration0"], a => new Kumaraswamy(a.Tensor("concentration1"), a.Tensor("concentration0"))),
        new("VonMises", ["loc", "concentration"], a => new VonMises(a.Tensor("loc"), a.Tensor("concentration"))),
        new("FisherSnedecor", ["df1", "df2"], a => new FisherSnedecor(a.Tensor("df1"), a.Tensor("df2"))),
        new("Multinomial", ["totalCount", "probs", "logits"], a => a.Has("probs") ? new Multinomial(a.Integer("totalCount"), a.Tensor("probs")) : Multinomial.FromLogits(a.Integer("totalCount"), a.Tensor("logits")), [["probs", "logits"]]),
        new("LogisticNormal", ["loc", "scale"], a => new LogisticNormal(a.Tensor("loc"), a.Tensor("scale"))),
        new("RelaxedBernoulli", ["temperature", "probs", "logits"], a => a.Has("probs") ? new RelaxedBernoulli(a.Tensor("temperature"), a.Tensor("probs")) : RelaxedBernoulli.FromLogits(a.Tensor("temperature"), a.Tensor("logits")), [["probs", "logits"]]),
        new("RelaxedOneHotCategorical", ["temperature", "probs", "logits"], a => a.Has("probs") ? new RelaxedOneHotCategorical(a.Tensor("temperature"), a.Tensor("probs")) : RelaxedOneHotCategorical.FromLogits(a.Tensor("temperature"), a.Tensor("logits")), [["probs", "logits"]]),
        new("LKJCholesky", ["dimension", "concentration"], a => new LKJCholesky(a.Integer("dimension"), a.Tensor("concentration"))),
        new(
            "Wishart",
            ["df", "covarianceMatrix", "scaleTril", "precisionMatrix"],
            a => a.Has("covarianceMatrix") ? Wishart.FromCovariance(a.Tensor("df"), a.Tensor("covarianceMatrix"))
                : a.Has("scaleTril") ? Wishart.FromScaleTril(a.Tensor("df"), a.Tensor("scaleTril"))
                : Wishart.FromPrecision(a.Tensor("df"), a.Tensor("precisionMatrix")),
            [["covarianceMatrix", "scaleTril", "precisionMatrix"]]),
    ];

    private static Categorical CategoricalSpec(SpecArguments a, string name) =>
        a.Spec(name) as Categorical ?? throw new RequestException($"{a.Path}.{name}: must be a Categorical SPEC");
}
