using KlDivergence.Distributions;
using KlDivergence.Inference;
using KlDivergence.Models;
using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Tests.Models;

public class ModelErrorTests
{
    [Fact]
    public void AVariableDeclaredTwiceIsRefusedByName()
    {
        var act = () => Model.Define(m =>
        {
            m.Latent("mu", new Normal(0, 1));
            m.Latent("mu", new Normal(0, 1));
        });
        act.Should().Throw<ModelException>().Where(e => e.VariableName == "mu" && e.Message.Contains("declared twice"));
    }

    [Fact]
    public void AnUndeclaredNameIsRefusedWithTheDeclaredOnes()
    {
        var model = Model.Define(m => m.Latent("mu", new Normal(0, 1)));
        var act = () => model.InitialPoint(new Dictionary<string, Tensor> { ["sigma"] = 1.0 });
        act.Should().Throw<ModelException>().Where(e => e.VariableName == "sigma" && e.Message.Contains("mu"));
        var get = () => model.GetLatent("nu");
        get.Should().Throw<ModelException>().Where(e => e.VariableName == "nu");
    }

    [Fact]
    public void DataOutsideTheLikelihoodsSupportIsRefusedWithTheValue()
    {
        var act = () => Model.Define(m =>
        {
            var rate = m.Latent("rate", new HalfNormal(1));
            m.Observe("counts", new Poisson(rate), Tensor.Vector(1, 2.5, 3));
        });
        act.Should().Throw<ModelException>().Where(e => e.VariableName == "counts" && e.Message.Contains("counts[1] = 2.5"));

        var negative = () => Model.Define(m =>
        {
            var s = m.Latent("s", new HalfNormal(1));
            m.Observe("scales", new HalfNormal(s), Tensor.Vector(1, -0.5));
        });
        negative.Should().Throw<ModelException>().Where(e => e.VariableName == "scales" && e.Message.Contains("-0.5"));
    }

    [Fact]
    public void AnInitialValueOutsideTheSupportIsRefusedWithTheValue()
    {
        var model = Model.Define(m =>
        {
            var tau = m.Latent("tau", new HalfCauchy(5));
            m.Observe("y", new Normal(0, tau), Tensor.Vector(1, 2));
        });
        var act = () => model.InitialPoint(new Dictionary<string, Tensor> { ["tau"] = -1.0 });
        act.Should().Throw<ModelException>().Where(e => e.VariableName == "tau" && e.Message.Contains("-1"));
        var fit = () => model.Fit(new ModelFitOptions { InitialValues = new Dictionary<string, Tensor> { ["tau"] = -1.0 }, Steps = 1 });
        fit.Should().Throw<ModelException>().Where(e => e.VariableName == "tau");
    }

    [Fact]
    public void ShapeMismatchesBetweenPriorShapeAndDataAreRefused()
    {
        var prior = () => Model.Define(m => m.Latent("theta", new Normal(Tensor.Zeros(3), 1), shape: [4]));
        prior.Should().Throw<ModelException>().Where(e => e.VariableName == "theta" && e.Message.Contains("[3]") && e.Message.Contains("[4]"));

        var data = () => Model.Define(m =>
        {
            var theta = m.Latent("theta", new Normal(0, 1), shape: [3]);
            m.Observe("y", new Normal(theta, 1), Tensor.Vector(1, 2));
        });
        data.Should().Throw<ModelException>().Where(e => e.VariableName == "y" && e.Message.Contains("[3]") && e.Message.Contains("[2]"));

        var model = Model.Define(m => m.Latent("theta", new Normal(0, 1), shape: [3]));
        var init = () => model.InitialPoint(new Dictionary<string, Tensor> { ["theta"] = Tensor.Vector(1, 2) });
        init.Should().Throw<ModelException>().Where(e => e.VariableName == "theta" && e.Message.Contains("[2]"));
    }

    [Fact]
    public void ADrawOutsideADrawDependentSupportHasMinusInfiniteLogDensity()
    {
        // y ~ Pareto(scale b, shape 2): a draw with b above the smallest observation has log-density -∞ (support
        // [b, ∞)); the graph of such a draw would carry log terms whose backward pass multiplies ∞ by 0.
        var model = Model.Define(m =>
        {
            var b = m.Latent("b", new HalfNormal(1));
            m.Observe("y", new Pareto(b, 2.0), Tensor.Vector(0.5, 2.0));
        });
        var z = Tensor.FromArray([Math.Log(0.3), 0.0, Math.Log(3)], [3, 1], requiresGrad: true);
        var lp = model.UnconstrainedLogDensity(z);
        var values = lp.ToArray();

        // log HalfNormal(0.3; 1) + log |d exp(u)/du| + Σ [log 2 + 2 log 0.3 - 3 log y].
        double expected = Math.Log(2) + ModelLogDensityTests.LogNormal(0.3, 0, 1) + Math.Log(0.3)
            + (2 * (Math.Log(2) + (2 * Math.Log(0.3)))) - (3 * (Math.Log(0.5) + Math.Log(2.0)));
        values[0].Should().BeApproximately(expected, 1e-12);
        values[1].Should().Be(double.NegativeInfinity);
        values[2].Should().Be(double.NegativeInfinity);
        lp.Sum().Backward();
        z.Grad!.ToArray().Should().OnlyContain(g => !double.IsNaN(g));
    }

    [Fact]
    public void AMinusInfiniteDrawNeverTurnsTheElboOrItsGradientIntoNaN()
    {
        // log(x²) is -∞ at x = 0, and its backward pass there is (1/x²)·2x = ∞·0 = NaN.
        var model = Model.Define(m =>
        {
            var x = m.Latent("x", new Normal(0, 1));
            m.Factor("log_x2", x.Square().Log());
        });
        var z = Tensor.FromArray([0.0, 2.0], [2, 1], requiresGrad: true);
        var lp = model.UnconstrainedLogDensity(z);
        lp[0].Should().Be(double.NegativeInfinity);
        lp[1].Should().BeApproximately(ModelLogDensityTests.LogNormal(2, 0, 1) + Math.Log(4), 1e-12);
        lp.Sum().Backward();
        z.Grad!.ToArray().Should().Equal(0.0, -2.0 + 1.0);

        // A point mass at 0: the ELBO is log p(0) = -∞, its gradient finite (zero), never NaN.
        var surrogate = new PointMassSurrogate(1);
        var elbo = Elbo.Estimate(t => model.UnconstrainedLogDensity(t), surrogate, 1, new RandomStream(1));
        elbo.Value.ToScalar().Should().Be(double.NegativeInfinity);
        elbo.Value.Backward();
        surrogate.Loc.Unconstrained.Grad!.ToArray().Should().OnlyContain(g => double.IsFinite(g));
    }
}
