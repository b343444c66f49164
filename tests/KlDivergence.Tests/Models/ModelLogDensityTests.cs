using KlDivergence.Bijectors;
using KlDivergence.Distributions;
using KlDivergence.Models;
using KlDivergence.Tensors;

namespace KlDivergence.Tests.Models;

public class ModelLogDensityTests
{
    private static readonly double[] Y = [2.0, -1.0, 4.0];
    private static readonly double[] Sigma = [1.0, 2.0, 3.0];

    // A small non-centred hierarchy: mu ~ N(0, 5), tau ~ HalfCauchy(5), theta ~ N(0, 1)^3, y ~ N(mu + tau theta, sigma).
    private static Model Hierarchy() => Model.Define(m =>
    {
        var mu = m.Latent("mu", new Normal(0, 5));
        var tau = m.Latent("tau", new HalfCauchy(5));
        var theta = m.Latent("theta", new Normal(0, 1), shape: [3]);
        m.Observe("y", new Normal(mu + (tau * theta), Tensor.Vector(Sigma)), Tensor.Vector(Y));
    });

    internal static double LogNormal(double x, double m, double s) => (-0.5 * Math.Log(2 * Math.PI)) - Math.Log(s) - (0.5 * ((x - m) / s) * ((x - m) / s));

    // log HalfCauchy(x; s) = log 2 - log π - log s - log(1 + (x/s)²) for x ≥ 0.
    private static double LogHalfCauchy(double x, double s) => Math.Log(2 / Math.PI) - Math.Log(s) - Math.Log(1 + ((x / s) * (x / s)));

    private static double HandConstrained(double mu, double tau, double[] theta)
    {
        double lp = LogNormal(mu, 0, 5) + LogHalfCauchy(tau, 5);
        for (int j = 0; j < 3; j++)
        {
            lp += LogNormal(theta[j], 0, 1) + LogNormal(Y[j], mu + (tau * theta[j]), Sigma[j]);
        }

        return lp;
    }

    [Fact]
    public void DiscoversNamesShapesAndOffsetsInDeclarationOrder()
    {
        var model = Hierarchy();
        model.Latents.Select(l => l.Name).Should().Equal("mu", "tau", "theta");
        model.Latents.Select(l => l.Offset).Should().Equal(0, 1, 2);
        model.Latents[2].Shape.Should().Equal(3);
        model.Latents[0].Shape.Should().BeEmpty();
        model.Latents[1].BijectorName.Should().Be("Exp");
        model.Dimension.Should().Be(5);
        model.Observed.Single().Name.Should().Be("y");
    }

    [Fact]
    public void UnconstrainedLogDensityIsTheHandFormulaPlusTheLogJacobian()
    {
        var model = Hierarchy();
        double[][] points = [[0.3, -0.7, 0.1, 1.2, -0.4], [-2.0, 1.5, -1.0, 0.0, 2.0]];
        var z = Tensor.FromArray(points.SelectMany(p => p).ToArray(), [2, 5]);
        var lp = model.UnconstrainedLogDensity(z).ToArray();
        for (int i = 0; i < 2; i++)
        {
            var p = points[i];
            double tau = Math.Exp(p[1]);

            // tau = exp(u): log |dtau/du| = u.
            double expected = HandConstrained(p[0], tau, p[2..]) + p[1];
            lp[i].Should().BeApproximately(expected, 1e-10);
        }
    }

    [Fact]
    public void ConstrainedLogDensityHasNoJacobian()
    {
        var model = Hierarchy();
        var values = new Dictionary<string, Tensor>
        {
            ["mu"] = Tensor.Vector(0.3, -2.0),
            ["tau"] = Tensor.Vector(0.5, 4.0),
            ["theta"] = Tensor.FromArray([0.1, 1.2, -0.4, -1.0, 0.0, 2.0], [2, 3]),
        };
        var lp = model.LogDensity(values).ToArray();
        lp[0].Should().BeApproximately(HandConstrained(0.3, 0.5, [0.1, 1.2, -0.4]), 1e-10);
        lp[1].Should().BeApproximately(HandConstrained(-2.0, 4.0, [-1.0, 0.0, 2.0]), 1e-10);
    }

    [Fact]
    public void GradientMatchesFiniteDifferences()
    {
        var model = Hierarchy();
        GradCheck.Check(t => model.UnconstrainedLogDensity(t[0]).Sum(), [[0.3, -0.7, 0.1, 1.2, -0.4, -2.0, 1.5, -1.0, 0.0, 2.0]], [[2, 5]], tolerance: 1e-5);
    }

    [Fact]
    public void ConstrainMapsThroughTheBijectorsWithEachVariablesShape()
    {
        var model = Hierarchy();
        var values = model.Constrain(Tensor.FromArray([0.3, -0.7, 0.1, 1.2, -0.4, -2.0, 1.5, -1.0, 0.0, 2.0], [2, 5]));
        values["mu"].Shape.Should().Equal(2);
        values["tau"][0].Should().BeApproximately(Math.Exp(-0.7), 1e-15);
        values["tau"][1].Should().BeApproximately(Math.Exp(1.5), 1e-14);
        values["theta"].Shape.Should().Equal(2, 3);
        values["theta"][1, 2].Should().Be(2.0);
    }

    [Fact]
    public void DependentPriorsAndFactorsEnterTheDensity()
    {
        // sd ~ HalfNormal(1), x ~ N(0, sd) (depends on sd, shape inferred as scalar), factor -x²; the user's bijector for sd.
        var model = Model.Define(m =>
        {
            var sd = m.Latent("sd", new HalfNormal(1), bijector: new SoftplusBijector());
            var x = m.Latent("x", new Normal(0, sd));
            m.Factor("penalty", -x.Square());
        });
        model.Latents[1].Shape.Should().BeEmpty();
        model.Latents[0].BijectorName.Should().Be("Softplus");
        double u = 0.4, x = -0.8;
        double sd = Math.Log(1 + Math.Exp(u));

        // log HalfNormal(sd; 1) = log 2 - ½ log 2π - sd²/2; softplus' = sigmoid(u).
        double expected = Math.Log(2) + LogNormal(sd, 0, 1) + LogNormal(x, 0, sd) - (x * x) + Math.Log(1 / (1 + Math.Exp(-u)));
        model.UnconstrainedLogDensity(Tensor.FromArray([u, x], [1, 2])).ToScalar().Should().BeApproximately(expected, 1e-10);
    }

    [Fact]
    public void InitialPointMapsGivenValuesAndDefaultsToTheImageOfZero()
    {
        var model = Hierarchy();
        var init = model.InitialPoint(new Dictionary<string, Tensor> { ["tau"] = 2.0, ["theta"] = Tensor.Vector(1, 2, 3) }).ToArray();
        init.Should().Equal(0.0, Math.Log(2.0), 1, 2, 3);
        model.InitialPoint().ToArray().Should().Equal(0, 0, 0, 0, 0);
    }
}
