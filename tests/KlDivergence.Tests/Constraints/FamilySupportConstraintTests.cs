using KlDivergence.Bijectors;
using KlDivergence.Constraints;
using KlDivergence.Distributions;
using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Tests.Constraints;

/// <summary>
/// A sweep over every family: its <see cref="Distribution.SupportConstraint"/> agrees with its <see cref="Support"/>,
/// holds the family's own samples, and its default bijector maps unconstrained points to values of finite log-density.
/// </summary>
public class FamilySupportConstraintTests
{
    private static readonly Dictionary<string, Func<Distribution>> Families = new()
    {
        ["Normal"] = () => new Normal(Tensor.Vector(0, 1), Tensor.Vector(1, 2)),
        ["Cauchy"] = () => new Cauchy(0.5, 2.0),
        ["Laplace"] = () => new Laplace(Tensor.Vector(-1, 1), 1.0),
        ["Gumbel"] = () => new Gumbel(0.0, 2.0),
        ["StudentT"] = () => new StudentT(3.0, 0.0, 1.0),
        ["Uniform"] = () => new Uniform(Tensor.Vector(-1, 2), Tensor.Vector(0.5, 7)),
        ["Exponential"] = () => new Exponential(Tensor.Vector(0.5, 3)),
        ["Gamma"] = () => new Gamma(Tensor.Vector(0.7, 3), 2.0),
        ["Chi2"] = () => new Chi2(3.0),
        ["InverseGamma"] = () => new InverseGamma(2.5, 1.5),
        ["Weibull"] = () => new Weibull(1.5, 0.8),
        ["FisherSnedecor"] = () => new FisherSnedecor(4.0, 6.0),
        ["HalfNormal"] = () => new HalfNormal(2.0),
        ["HalfCauchy"] = () => new HalfCauchy(1.0),
        ["LogNormal"] = () => new LogNormal(0.0, 0.5),
        ["Pareto"] = () => new Pareto(Tensor.Vector(1, 3), 2.5),
        ["Beta"] = () => new Beta(Tensor.Vector(0.8, 2), 1.5),
        ["Kumaraswamy"] = () => new Kumaraswamy(2.0, 3.0),
        ["ContinuousBernoulli"] = () => new ContinuousBernoulli(0.3),
        ["RelaxedBernoulli"] = () => new RelaxedBernoulli(0.5, 0.3),
        ["VonMises"] = () => new VonMises(0.5, 2.0),
        ["Dirichlet"] = () => new Dirichlet(Tensor.FromArray([1, 2, 3, 0.5, 0.5, 4], [2, 3])),
        ["LogisticNormal"] = () => new LogisticNormal(Tensor.Vector(0.2, -0.3), Tensor.Vector(1, 0.5)),
        ["MultivariateNormal"] = () => MultivariateNormal.FromCovariance(Tensor.Vector(0, 1), Tensor.Matrix(new double[,] { { 2, 0.5 }, { 0.5, 1 } })),
        ["MultivariateNormalDiag"] = () => new MultivariateNormalDiag(Tensor.Vector(0, 1, 2), Tensor.Vector(1, 2, 0.5)),
        ["LowRankMultivariateNormal"] = () => new LowRankMultivariateNormal(Tensor.Vector(0, 1), Tensor.FromArray([1, 0.5], [2, 1]), Tensor.Vector(1, 2)),
        ["Independent(Gamma)"] = () => new Independent(new Gamma(Tensor.Vector(2, 3), 1.0), 1),
        ["Independent(Uniform)"] = () => new Independent(new Uniform(Tensor.Vector(0, 1), Tensor.Vector(2, 4)), 1),
        ["Transformed(Normal, Sigmoid)"] = () => new TransformedDistribution(new Normal(0.0, 1.0), new SigmoidBijector()),
        ["Transformed(Gamma, Softplus)"] = () => new TransformedDistribution(new Gamma(2.0, 1.0), new SoftplusBijector()),
        ["Mixture(Gamma, Exponential)"] = () => new Mixture(Tensor.Vector(0.3, 0.7), [new Gamma(2.0, 1.0), new Exponential(1.0)]),
        ["MixtureSameFamily(Normal)"] = () => new MixtureSameFamily(new Categorical(Tensor.Vector(0.4, 0.6)), new Normal(Tensor.Vector(-1, 1), 1.0)),
        ["MixtureSameFamily(Beta)"] = () => new MixtureSameFamily(new Categorical(Tensor.Vector(0.4, 0.6)), new Beta(Tensor.Vector(1, 3), 2.0)),
        ["MixtureSameFamily(Dirichlet)"] = () => new MixtureSameFamily(new Categorical(Tensor.Vector(0.4, 0.6)), new Dirichlet(Tensor.FromArray([1, 2, 3, 3, 2, 1], [2, 3]))),
        ["Bernoulli"] = () => new Bernoulli(Tensor.Vector(0.2, 0.7)),
        ["Binomial"] = () => new Binomial(Tensor.Vector(5, 9), 0.4),
        ["Categorical"] = () => new Categorical(Tensor.Vector(0.2, 0.3, 0.5)),
        ["Geometric"] = () => new Geometric(0.3),
        ["NegativeBinomial"] = () => new NegativeBinomial(4.0, 0.4),
        ["Poisson"] = () => new Poisson(Tensor.Vector(0.5, 7)),
        ["OneHotCategorical"] = () => new OneHotCategorical(Tensor.Vector(0.2, 0.3, 0.5)),
        ["Multinomial"] = () => new Multinomial(6, Tensor.Vector(0.2, 0.3, 0.5)),
        ["LKJCholesky"] = () => new LKJCholesky(3, 1.5),
        ["Wishart"] = () => Wishart.FromCovariance(5.0, Tensor.Matrix(new double[,] { { 2, 0.5 }, { 0.5, 1 } })),
        ["RelaxedOneHotCategorical"] = () => new RelaxedOneHotCategorical(0.7, Tensor.Vector(0.2, 0.3, 0.5)),
    };

    public static TheoryData<string> Names => [.. Families.Keys];

    [Theory]
    [MemberData(nameof(Names))]
    public void ConstraintMatchesTheSupportDescription(string name)
    {
        var d = Families[name]();
        var c = d.SupportConstraint;
        c.EventRank.Should().Be(d.EventShape.Length, name);
        c.IsDiscrete.Should().Be(d.Support.IsDiscrete, name);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void ConstraintHoldsTheFamilysSamples(string name)
    {
        var d = Families[name]();
        var samples = d.Sample(400, new RandomStream(17UL));
        d.SupportConstraint.FindViolation(samples).Should().BeNull($"{name}: samples lie in the support");
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void ElementwiseConstraintAgreesWithTheSupportBounds(string name)
    {
        // Probes per batch element: outside, at and inside each bound. Inside the open support the constraint must hold
        // (whole numbers only for discrete families); outside the closed support it must not.
        var d = Families[name]();
        if (d.EventShape.Length != 0)
        {
            return;
        }

        var c = d.SupportConstraint;
        int[] batch = [.. d.BatchShape];
        var lower = d.Support.Lower.BroadcastTo(batch).ToArray();
        var upper = d.Support.Upper.BroadcastTo(batch).ToArray();
        for (int i = 0; i < lower.Length; i++)
        {
            double lo = lower[i], hi = upper[i];
            double a = double.IsFinite(lo) ? lo : (double.IsFinite(hi) ? hi - 10 : -10);
            double b = double.IsFinite(hi) ? hi : a + 10;
            var probes = new List<double> { lo - 1, lo - 0.25, lo, a + (0.3 * (b - a)), a + (0.71 * (b - a)), hi, hi + 0.25, hi + 1, Math.Ceiling(a + 0.5), double.NaN };
            foreach (double p in probes.Where(double.IsFinite).Concat([double.NaN]))
            {
                var value = Tensor.Full(p, batch);
                double inside = c.Contains(value).BroadcastTo(batch).ToArray()[i];
                bool whole = !d.Support.IsDiscrete || Math.Floor(p) == p;
                if (!(p >= lo && p <= hi) || !whole)
                {
                    inside.Should().Be(0, $"{name}[{i}]: {p} is outside the support [{lo}, {hi}]");
                }
                else if (p > lo && p < hi)
                {
                    inside.Should().Be(1, $"{name}[{i}]: {p} is inside the support [{lo}, {hi}]");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void DefaultBijectorMapsIntoTheSupport(string name)
    {
        var d = Families[name]();
        var c = d.SupportConstraint;
        if (c.IsDiscrete)
        {
            Action a = () => c.DefaultBijector();
            a.Should().Throw<InvalidOperationException>().WithMessage("*discrete*");
            return;
        }

        var b = c.DefaultBijector();
        int[] shape = b.InverseShape([30, .. d.BatchShape, .. d.EventShape]);
        var x = Tensor.FromArray(GradCheck.RandomValues(shape.Aggregate(1, (p, q) => p * q), 5, -4, 4), shape);
        var y = b.Forward(x);
        y.Shape.Should().Equal([30, .. d.BatchShape, .. d.EventShape]);
        c.FindViolation(y).Should().BeNull(name);
        foreach (double lp in d.LogProb(y).ToArray())
        {
            double.IsFinite(lp).Should().BeTrue($"{name}: log p at a forward image is {lp}");
        }
    }

    [Fact]
    public void StructuredFamiliesHaveTheirSets()
    {
        Families["Dirichlet"]().SupportConstraint.Should().BeOfType<SimplexConstraint>();
        Families["LogisticNormal"]().SupportConstraint.Should().BeOfType<SimplexConstraint>();
        Families["MixtureSameFamily(Dirichlet)"]().SupportConstraint.Should().BeOfType<SimplexConstraint>();
        Families["OneHotCategorical"]().SupportConstraint.Should().BeOfType<OneHotConstraint>();
        Families["Multinomial"]().SupportConstraint.Should().BeOfType<CountsConstraint>();
        Families["LKJCholesky"]().SupportConstraint.Should().BeOfType<CorrelationCholeskyConstraint>();
        Families["Wishart"]().SupportConstraint.Should().BeOfType<PositiveDefiniteConstraint>();
        Families["RelaxedOneHotCategorical"]().SupportConstraint.Should().BeOfType<SimplexConstraint>();
        Families["Gamma"]().SupportConstraint.Name.Should().Be("positive reals");
        Families["Exponential"]().SupportConstraint.Name.Should().Be("non-negative reals");
        Families["LogNormal"]().SupportConstraint.Name.Should().Be("positive reals");
        Families["Beta"]().SupportConstraint.Name.Should().Be("unit interval [0, 1]");
        Families["Poisson"]().SupportConstraint.Name.Should().Be("non-negative integers");
        Families["Bernoulli"]().SupportConstraint.Name.Should().Be("{0, 1}");
        Families["MultivariateNormal"]().SupportConstraint.Should().BeOfType<IndependentConstraint>().Which.BaseConstraint.Should().BeOfType<RealConstraint>();
        Families["Independent(Gamma)"]().SupportConstraint.EventRank.Should().Be(1);
    }

    [Fact]
    public void UniformBoundsKeepTheirGradient()
    {
        // θ ~ Uniform(low, high) with parameters that are themselves variables: the default bijector's value and
        // log-determinant must differentiate to both bounds (Support detaches them; SupportConstraint must not).
        GradCheck.Check(
            t =>
            {
                var b = new Uniform(t[1], t[2]).SupportConstraint.DefaultBijector();
                return GradCheck.Project(b.Forward(t[0])) + GradCheck.Project(b.ForwardLogDetJacobian(t[0]));
            },
            [[0.3, -1.1], [-0.5, 0.2], [0.4, 3.0]],
            [[2], [2], [2]]);
        GradCheck.Check(
            t => GradCheck.Project(new Pareto(t[1], 2.0).SupportConstraint.DefaultBijector().Forward(t[0])),
            [[0.3, -1.1], [0.5, 2.0]],
            [[2], [2]]);
    }

    [Fact]
    public void ValidationMessagesNameTheValue()
    {
        Action a = () => new Gamma(2.0, 1.0).SupportConstraint.Validate(Tensor.Vector(1.5, -0.25), "tau");
        a.Should().Throw<ArgumentOutOfRangeException>().WithMessage("tau[1] = -0.25 must be finite and greater than 0.*");
        a = () => new Uniform(0.0, 2.0).SupportConstraint.Validate(Tensor.Vector(2.5), "u");
        a.Should().Throw<ArgumentOutOfRangeException>().WithMessage("u[0] = 2.5 must lie in [0, 2].*");
        a = () => new Poisson(3.0).SupportConstraint.Validate(Tensor.Vector(1, 2.5), "k");
        a.Should().Throw<ArgumentOutOfRangeException>().WithMessage("k[1] = 2.5 must be a whole number from 0 to Infinity.*");
        a = () => new Dirichlet(Tensor.Vector(1, 1, 1)).SupportConstraint.Validate(Tensor.Vector(0.5, 0.5, 0.5), "p");
        a.Should().Throw<ArgumentOutOfRangeException>().WithMessage("p = [0.5, 0.5, 0.5] must have finite non-negative entries summing to 1*");
    }
}
