using KlDivergence.Bijectors;
using KlDivergence.Constraints;
using KlDivergence.Tensors;

namespace KlDivergence.Tests.Constraints;

public class ConstraintTests
{
    private static double[] Flags(Constraint c, Tensor value) => c.Contains(value).ToArray();

    [Fact]
    public void ElementwiseSetsContainExactlyTheirValues()
    {
        Tensor probe = Tensor.Vector(double.NegativeInfinity, -2, -1e-300, 0, 0.5, 1, 3, double.PositiveInfinity, double.NaN);
        Flags(Constraint.Real, probe).Should().Equal(0, 1, 1, 1, 1, 1, 1, 0, 0);
        Flags(Constraint.Positive, probe).Should().Equal(0, 0, 0, 0, 1, 1, 1, 0, 0);
        Flags(Constraint.NonNegative, probe).Should().Equal(0, 0, 0, 1, 1, 1, 1, 0, 0);
        Flags(Constraint.UnitInterval, probe).Should().Equal(0, 0, 0, 1, 1, 1, 0, 0, 0);
        Flags(Constraint.GreaterThan(0.5), probe).Should().Equal(0, 0, 0, 0, 0, 1, 1, 0, 0);
        Flags(Constraint.GreaterThanOrEqual(0.5), probe).Should().Equal(0, 0, 0, 0, 1, 1, 1, 0, 0);
        Flags(Constraint.LessThan(0.5), probe).Should().Equal(0, 1, 1, 1, 0, 0, 0, 0, 0);
        Flags(Constraint.LessThanOrEqual(0.5), probe).Should().Equal(0, 1, 1, 1, 1, 0, 0, 0, 0);
        Flags(Constraint.Interval(-2, 1), probe).Should().Equal(0, 1, 1, 1, 1, 1, 0, 0, 0);
        Flags(Constraint.NonNegativeInteger, probe).Should().Equal(0, 0, 0, 1, 0, 1, 1, 0, 0);
        Flags(Constraint.Boolean, probe).Should().Equal(0, 0, 0, 1, 0, 1, 0, 0, 0);
        Flags(Constraint.IntegerInterval(-2, 1), probe).Should().Equal(0, 1, 0, 1, 0, 1, 0, 0, 0);
    }

    [Fact]
    public void TensorBoundsBroadcastAgainstTheValue()
    {
        var c = Constraint.Interval(Tensor.Vector(0, 1, 2), Tensor.Vector(1, 2, 3));
        c.Contains(Tensor.FromArray([0.5, 1.5, 2.5, 1.5, 1.5, 1.5], [2, 3])).ToArray().Should().Equal(1, 1, 1, 0, 1, 0);
        c.Contains(1.5).Shape.Should().Equal(3);
    }

    [Fact]
    public void VectorAndMatrixSetsCheckWholeEvents()
    {
        Flags(Constraint.Simplex, Tensor.FromArray([0.2, 0.8, 0, 1, 0.5, 0.6, -0.1, 1.1, double.NaN, 1], [5, 2])).Should().Equal(1, 1, 0, 0, 0);
        Flags(Constraint.Ordered, Tensor.FromArray([-1, 2, 3, 1, 1, 2, 0, 1, 2], [3, 3])).Should().Equal(1, 0, 1);
        Flags(Constraint.PositiveOrdered, Tensor.FromArray([-1, 2, 3, 1, 1, 2, 0, 1, 2], [3, 3])).Should().Equal(0, 0, 0);
        Flags(Constraint.PositiveOrdered, Tensor.Vector(0.1, 2)).Should().Equal(1);
        Flags(Constraint.OneHot, Tensor.FromArray([0, 1, 0, 1, 1, 0, 0, 0, 0, 0.5, 0.5, 0], [4, 3])).Should().Equal(1, 0, 0, 0);
        Flags(Constraint.Counts(3), Tensor.FromArray([1, 2, 3, 0, 2, 2, -1, 4, 1.5, 1.5], [5, 2])).Should().Equal(1, 1, 0, 0, 0);
        Flags(Constraint.Independent(Constraint.Positive, 1), Tensor.FromArray([1, 2, 1, -2], [2, 2])).Should().Equal(1, 0);

        double s = Math.Sqrt(0.64);
        var corr = Tensor.FromArray([1, 0, 0.6, s, 1, 0, 0.6, 0.9, 1, 0.1, 0.6, s, 1, 0, -0.6, -s], [4, 2, 2]);
        Flags(Constraint.CorrelationCholesky, corr).Should().Equal(1, 0, 0, 0);
        var pd = Tensor.FromArray([2, 1, 1, 2, 1, 2, 2, 1, 1, 0.5, 0.4, 1, 1, 0, 0, 1], [4, 2, 2]);
        Flags(Constraint.PositiveDefinite, pd).Should().Equal(1, 0, 0, 1);
    }

    [Fact]
    public void EventRanksAndDiscreteness()
    {
        Constraint.Real.EventRank.Should().Be(0);
        Constraint.Simplex.EventRank.Should().Be(1);
        Constraint.Ordered.EventRank.Should().Be(1);
        Constraint.CorrelationCholesky.EventRank.Should().Be(2);
        Constraint.PositiveDefinite.EventRank.Should().Be(2);
        Constraint.Independent(Constraint.Simplex, 2).EventRank.Should().Be(3);
        Constraint.NonNegativeInteger.IsDiscrete.Should().BeTrue();
        Constraint.Counts(4).IsDiscrete.Should().BeTrue();
        Constraint.OneHot.IsDiscrete.Should().BeTrue();
        Constraint.Independent(Constraint.Boolean, 1).IsDiscrete.Should().BeTrue();
        Constraint.Interval(0, 1).IsDiscrete.Should().BeFalse();
    }

    [Fact]
    public void FindViolationNamesTheFirstOffendingEventAndValue()
    {
        var v = Constraint.Positive.FindViolation(Tensor.FromArray([1, 2, 3, 4, -0.5, -7], [2, 3]));
        v.Should().NotBeNull();
        v!.EventIndex.Should().Equal(1, 1);
        v.EventValues.Should().Equal(-0.5);
        v.Describe("sigma").Should().Be("sigma[1, 1] = -0.5 must be finite and greater than 0.");
        Constraint.Positive.FindViolation(Tensor.Vector(1, 2)).Should().BeNull();

        var interval = Constraint.Interval(Tensor.Vector(0, 1), Tensor.Vector(1, 2)).FindViolation(Tensor.Vector(0.5, 2.5));
        interval!.Describe("x").Should().Be("x[1] = 2.5 must lie in [1, 2].");

        var simplex = Constraint.Simplex.FindViolation(Tensor.FromArray([0.5, 0.5, 0.7, 0.7], [2, 2]));
        simplex!.EventIndex.Should().Equal(1);
        simplex.Describe("theta").Should().StartWith("theta[1] = [0.7, 0.7] must have finite non-negative entries summing to 1");

        Action validate = () => Constraint.GreaterThan(Tensor.Vector(1, 2)).Validate(Tensor.Vector(5, 1.5), "nu");
        validate.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("nu").WithMessage("nu[1] = 1.5 must be finite and greater than 2.*");
        Action fine = () => Constraint.Simplex.Validate(Tensor.Vector(0.25, 0.75), "theta");
        fine.Should().NotThrow();
    }

    [Fact]
    public void DiscreteSetsHaveNoBijector()
    {
        foreach (var c in new[] { Constraint.NonNegativeInteger, Constraint.Boolean, Constraint.IntegerInterval(0, 5), Constraint.OneHot, Constraint.Counts(3), Constraint.Independent(Constraint.Boolean, 1) })
        {
            Action a = () => c.DefaultBijector();
            a.Should().Throw<InvalidOperationException>().WithMessage($"*'{c.Name}' is discrete*");
        }
    }

    [Fact]
    public void DefaultBijectorsAreTheStanTransforms()
    {
        Constraint.Real.DefaultBijector().Should().BeOfType<IdentityBijector>();
        Constraint.Positive.DefaultBijector().Should().BeOfType<ExpBijector>();
        Constraint.NonNegative.DefaultBijector().Should().BeOfType<ExpBijector>();
        Constraint.UnitInterval.DefaultBijector().Should().BeOfType<SigmoidBijector>();
        Constraint.GreaterThan(2.0).DefaultBijector().Should().BeOfType<LowerBoundBijector>();
        Constraint.GreaterThan(Tensor.Scalar(0.0, requiresGrad: true)).DefaultBijector().Should().BeOfType<LowerBoundBijector>("a bound with a gradient must stay in the graph");
        Constraint.LessThan(2.0).DefaultBijector().Should().BeOfType<UpperBoundBijector>();
        Constraint.Interval(-1, 1).DefaultBijector().Should().BeOfType<IntervalBijector>();
        Constraint.Simplex.DefaultBijector().Should().BeOfType<StickBreakingBijector>();
        Constraint.Ordered.DefaultBijector().Should().BeOfType<OrderedBijector>().Which.IsPositive.Should().BeFalse();
        Constraint.PositiveOrdered.DefaultBijector().Should().BeOfType<OrderedBijector>().Which.IsPositive.Should().BeTrue();
        Constraint.CorrelationCholesky.DefaultBijector().Should().BeOfType<CorrelationCholeskyBijector>();
        Constraint.PositiveDefinite.DefaultBijector().Should().BeOfType<ChainBijector>();
        Constraint.Independent(Constraint.Positive, 1).DefaultBijector().Should().BeOfType<IndependentBijector>();
    }

    public static TheoryData<string> Continuous => new()
    {
        "Real", "Positive", "UnitInterval", "GreaterThan", "LessThan", "Interval", "Simplex", "Ordered", "PositiveOrdered",
        "CorrelationCholesky", "PositiveDefinite", "Independent(Interval)",
    };

    private static Constraint Make(string name) => name switch
    {
        "Real" => Constraint.Real,
        "Positive" => Constraint.Positive,
        "UnitInterval" => Constraint.UnitInterval,
        "GreaterThan" => Constraint.GreaterThan(Tensor.Vector(-3, 0, 4)),
        "LessThan" => Constraint.LessThan(Tensor.Vector(-3, 0, 4)),
        "Interval" => Constraint.Interval(Tensor.Vector(-3, 0, 4), Tensor.Vector(-2, 1e-3, 40)),
        "Simplex" => Constraint.Simplex,
        "Ordered" => Constraint.Ordered,
        "PositiveOrdered" => Constraint.PositiveOrdered,
        "CorrelationCholesky" => Constraint.CorrelationCholesky,
        "PositiveDefinite" => Constraint.PositiveDefinite,
        "Independent(Interval)" => Constraint.Independent(Constraint.Interval(-1, Tensor.Vector(0, 1, 2)), 1),
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [MemberData(nameof(Continuous))]
    public void DefaultBijectorMapsUnconstrainedPointsIntoTheSet(string name)
    {
        var c = Make(name);
        var b = c.DefaultBijector();
        int[] constrainedEvent = c.EventRank switch { 0 => [3], 1 => c is IndependentConstraint ? [3] : [4], _ => [3, 3] };
        int[] inputShape = b.InverseShape([50, .. constrainedEvent]);
        var x = Tensor.FromArray(GradCheck.RandomValues(Shapes(inputShape), 7, -8, 8), inputShape);
        var y = b.Forward(x);
        y.Shape.Should().Equal([50, .. constrainedEvent]);
        c.FindViolation(y).Should().BeNull($"{name}: every forward image must be in the set");
    }

    [Fact]
    public void BoundsMustBeFiniteAndOrdered()
    {
        Action a = () => Constraint.Interval(Tensor.Vector(0, 2), Tensor.Vector(1, 2));
        a.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*upper = 2*lower = 2*");
        a = () => Constraint.GreaterThan(double.NaN);
        a.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*lower*NaN*");
        a = () => Constraint.LessThan(double.PositiveInfinity);
        a.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*upper*Infinity*");
        a = () => Constraint.IntegerInterval(3, 2);
        a.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*upper*2*lower = 3*");
        a = () => Constraint.Counts(-1);
        a.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*totalCount*-1*");
    }

    [Fact]
    public void ContainsRejectsValuesOfTooLowRank()
    {
        Action a = () => Constraint.Simplex.Contains(0.5);
        a.Should().Throw<ArgumentException>().WithMessage("*rank ≥ 1*");
        a = () => Constraint.CorrelationCholesky.Contains(Tensor.Zeros(2, 3));
        a.Should().Throw<ArgumentException>().WithMessage("*square*");
    }

    [Fact]
    public void IntervalBoundsThatDependOnAVariableKeepTheirGradient()
    {
        // Uniform(0, 1 - α) in GARCH: θ = f(x) = (1 - α)·σ(x) and log |dθ/dx| include α through the bound; the model's
        // log-density term (log-det) and the value must differentiate to α as finite differences say.
        GradCheck.Check(
            t =>
            {
                var b = Constraint.Interval(0.0, 1.0 - t[1]).DefaultBijector();
                return b.Forward(t[0]).Sum() + b.ForwardLogDetJacobian(t[0]).Sum();
            },
            [[0.4, -1.3], [0.35]],
            [[2], [1]]);
    }

    private static int Shapes(int[] shape) => shape.Aggregate(1, (a, b) => a * b);
}
