using KlDivergence.Distributions;
using KlDivergence.Divergences;
using KlDivergence.Tensors;

namespace KlDivergence.Tests.Distributions;

/// <summary>Every distribution prints its family and parameters; large tensors are shortened as Tensor.ToString does.</summary>
public class DistributionToStringTests
{
    [Fact]
    public void ScalarParametersPrintAsNumbers()
    {
        new Normal(0, 2).ToString().Should().Be("Normal(loc: 0, scale: 2)");
        new Gamma(2.5, 0.5).ToString().Should().Be("Gamma(concentration: 2.5, rate: 0.5)");
        new StudentT(3, 1, 2).ToString().Should().Be("StudentT(df: 3, loc: 1, scale: 2)");
        new Bernoulli(0.25).ToString().Should().Be("Bernoulli(probs: 0.25)");
        Bernoulli.FromLogits(-1.5).ToString().Should().Be("Bernoulli(logits: -1.5)");
        Binomial.FromLogits(10, 0.5).ToString().Should().Be("Binomial(totalCount: 10, logits: 0.5)");
    }

    [Fact]
    public void TensorParametersAreShortenedAndNestedDistributionsPrint()
    {
        var wide = new Normal(Tensor.Zeros(100), Tensor.Ones(100));
        wide.ToString().Should().Be($"Normal(loc: {Tensor.Zeros(100)}, scale: {Tensor.Ones(100)})");
        wide.ToString().Should().Contain("Tensor[100] [0, 0, 0, 0, 0, 0, 0, 0, ...]");
        var mixture = new Mixture(Tensor.Vector(0.5, 0.5), [new Normal(0, 1), new Laplace(1, 2)]);
        mixture.ToString().Should().Be("Mixture(weights: Tensor[2] [0.5, 0.5], components: [Normal(loc: 0, scale: 1), Laplace(loc: 1, scale: 2)])");
        new LowRankMultivariateNormal(Tensor.Zeros(2), Tensor.Ones(2, 1), Tensor.Ones(2)).ToString()
            .Should().Be("LowRankMultivariateNormal(loc: Tensor[2] [0, 0], covFactor: Tensor[2, 1] [1, 1], covDiag: Tensor[2] [1, 1])");
    }

    [Fact]
    public void EveryBuiltInFamilyNamesItselfAndAtLeastOneParameter()
    {
        Distribution[] all =
        [
            new Beta(2, 3), new Cauchy(0, 1), new Chi2(3), new Dirichlet(Tensor.Vector(1, 2)), new Exponential(2),
            new Geometric(0.3), new HalfNormal(1), new Poisson(4), new Uniform(0, 1), new VonMises(0, 1),
            MultivariateNormal.FromCovariance(Tensor.Zeros(2), Tensor.Matrix(new double[,] { { 1, 0 }, { 0, 1 } })),
            new MultivariateNormalDiag(Tensor.Zeros(2), Tensor.Ones(2)), new Independent(new Normal(Tensor.Zeros(3), 1.0), 1),
            new LogNormal(0, 1), new LogisticNormal(Tensor.Zeros(2), Tensor.Ones(2)), new RelaxedBernoulli(0.5, 0.3),
            new Kumaraswamy(2, 3), new Weibull(1, 2), new Pareto(1, 3), new Gumbel(0, 1), new HalfCauchy(1), new InverseGamma(2, 1),
            new FisherSnedecor(3, 5), new NegativeBinomial(4, 0.3), new ContinuousBernoulli(0.3),
            new OneHotCategorical(Tensor.Vector(0.2, 0.8)), new Categorical(Tensor.Vector(0.2, 0.8)),
        ];
        foreach (var d in all)
        {
            d.ToString().Should().MatchRegex($"^{d.GetType().Name}\\([a-zA-Z0-9]+: .+\\)$");
        }
    }

    [Fact]
    public void KlResultPrintsValueMethodAndError()
    {
        Kl.Divergence(new Normal(0, 2), new Normal(1, 4)).ToString().Should().StartWith("KL = 0.349397 (ClosedForm, standard error 0");
        var batch = Kl.Divergence(new Normal(Tensor.Zeros(3), 1.0), new Normal(1, 1));
        batch.ToString().Should().Contain("Tensor[3] [0.5, 0.5, 0.5]").And.Contain("ClosedForm");
    }
}
