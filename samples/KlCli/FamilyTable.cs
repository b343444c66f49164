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
        new("Categorical", ["probs", "logits"], a => a.Has("probs") ? new Categorical(a.Tensor("probs")) : Categorical.FromLogits(a.Tensor("logits")), [["probs", "logits"]]),
        new(
            "MultivariateNormal",
            ["loc", "covarianceMatrix", "scaleTril", "precisionMatrix"],
            a => a.Has("covarianceMatrix") ? MultivariateNormal.FromCovariance(a.Tensor("loc"), a.Tensor("covarianceMatrix"))
                : a.Has("scaleTril") ? MultivariateNormal.FromScaleTril(a.Tensor("loc"), a.Tensor("scaleTril"))
                : MultivariateNormal.FromPrecision(a.Tensor("loc"), a.Tensor("precisionMatrix")),
            [["covarianceMatrix", "scaleTril", "precisionMatrix"]]),
        new("MultivariateNormalDiag", ["loc", "scaleDiag"], a => new MultivariateNormalDiag(a.Tensor("loc"), a.Tensor("scaleDiag"))),
        new("MixtureSameFamily", ["mixture", "components"], a => new MixtureSameFamily(CategoricalSpec(a, "mixture"), a.Spec("components"))),
        new("Mixture", ["weights", "components"], a => new Mixture(a.Tensor("weights"), a.Specs("components"))),
        new("Independent", ["baseDistribution", "reinterpretedBatchDims"], a => new Independent(a.Spec("baseDistribution"), a.Integer("reinterpretedBatchDims"))),
    ];

    private static Categorical CategoricalSpec(SpecArguments a, string name) =>
        a.Spec(name) as Categorical ?? throw new RequestException($"{a.Path}.{name}: must be a Categorical SPEC");
}
