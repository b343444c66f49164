using KlDivergence.Distributions;
using KlDivergence.Divergences;
using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Tests.Divergences;

public class KlRegistryTests
{
    [Fact]
    public void DispatchPicksTheMostSpecificPairUpTheHierarchy()
    {
        var registry = new KlRegistry();
        registry.Register<Distribution, Distribution>((_, _) => 1.0);
        registry.Register<Base, Distribution>((_, _) => 2.0);
        registry.Register<Derived, Distribution>((_, _) => 3.0);

        registry.TryEvaluate(new Normal(0, 1), new Normal(0, 1))!.ToScalar().Should().Be(1);
        registry.TryEvaluate(new Base(), new Normal(0, 1))!.ToScalar().Should().Be(2);
        registry.TryEvaluate(new Derived(), new Normal(0, 1))!.ToScalar().Should().Be(3);
        registry.Pairs.Should().HaveCount(3);
    }

    [Fact]
    public void AnAmbiguousMatchIsAnErrorThatNamesTheTypes()
    {
        var registry = new KlRegistry();
        registry.Register<Derived, Distribution>((_, _) => 1.0);
        registry.Register<Distribution, Derived>((_, _) => 2.0);
        var act = () => registry.TryEvaluate(new Derived(), new Derived());
        act.Should().Throw<InvalidOperationException>().WithMessage("*Ambiguous*(Derived, Distribution)*(Distribution, Derived)*");

        // Registering the exact pair resolves it.
        registry.Register<Derived, Derived>((_, _) => 3.0);
        registry.TryEvaluate(new Derived(), new Derived())!.ToScalar().Should().Be(3);
    }

    [Fact]
    public void ADuplicateRegistrationIsAnErrorThatNamesTheTypes()
    {
        var registry = new KlRegistry();
        registry.Register<Normal, Normal>((_, _) => 1.0);
        var act = () => registry.Register<Normal, Normal>((_, _) => 2.0);
        act.Should().Throw<InvalidOperationException>().WithMessage("*already registered*(Normal, Normal)*");
    }

    [Fact]
    public void UserPairsAreUsedByKlThroughTheOptions()
    {
        var registry = new KlRegistry();
        registry.Register<TestLaplace, TestLaplace>((_, _) => 0.0);
        var r = Kl.Divergence(new TestLaplace(0, 1), new TestLaplace(0, 1), new KlOptions { Registry = registry });
        r.Method.Should().Be(KlMethod.ClosedForm);
        r.ToScalar().Should().Be(0);
    }

    [Fact]
    public void LookupsAreThreadSafe()
    {
        var registry = KlRegistry.CreateDefault();
        var p = new Normal(0, 1);
        var q = new Normal(1, 2);
        double expected = registry.TryEvaluate(p, q)!.ToScalar();
        Parallel.For(0, 2000, _ => registry.TryEvaluate(p, q)!.ToScalar().Should().Be(expected));
    }

    [Fact]
    public void AUserFormulaThatReturnsNaNIsAnErrorNamingThePair()
    {
        // Issue example: came back as NaN labelled ClosedForm.
        var registry = KlRegistry.CreateDefault();
        registry.Register<Base, Normal>((_, q) => q.Loc * double.NaN);
        var act = () => Kl.Divergence(new Derived(), new Normal(Tensor.Vector(0.0, 1.0), 1.0), new KlOptions { Registry = registry });
        act.Should().Throw<InvalidOperationException>().WithMessage("*(Base, Normal)*NaN*KL(Derived ‖ Normal)*");

        // A formula with one NaN in a batch is caught too; +∞ is a legitimate KL.
        registry.Register<Derived, Normal>((_, q) => TensorOps.Where(TensorOps.EqualTo(q.Loc, 1.0), double.NaN, double.PositiveInfinity));
        var batch = () => Kl.Divergence(new Derived(), new Normal(Tensor.Vector(0.0, 1.0, 2.0), 1.0), new KlOptions { Registry = registry });
        batch.Should().Throw<InvalidOperationException>().WithMessage("*(Derived, Normal)*element 1*");
        Kl.Divergence(new Derived(), new Normal(2.0, 1.0), new KlOptions { Registry = registry }).ToScalar().Should().Be(double.PositiveInfinity);
    }

    private class Base : Distribution
    {
        public Base()
            : base([], [])
        {
        }

        public override Tensor Mean => 0.0;

        public override Tensor Variance => 1.0;

        public override Tensor LogProb(Tensor value) => value * 0.0;

        protected override Tensor SampleCore(int count, RandomStream random) => Tensor.Zeros(count);
    }

    private sealed class Derived : Base
    {
    }
}
