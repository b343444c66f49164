using KlDivergence.Bijectors;
using KlDivergence.Tensors;

namespace KlDivergence.Tests.Bijectors;

public class ElementwiseBijectorTests
{
    public static TheoryData<string> Names => new()
    {
        "Identity", "Exp", "Softplus", "Sigmoid", "SoftClip(-2,3,1)", "SoftClip(0,1,0.1)", "SoftClip(-10,10,2)", "Chain(Softplus,SoftClip)",
    };

    internal static Bijector Create(string name) => name switch
    {
        "Identity" => new IdentityBijector(),
        "Exp" => new ExpBijector(),
        "Softplus" => new SoftplusBijector(),
        "Sigmoid" => new SigmoidBijector(),
        "SoftClip(-2,3,1)" => new SoftClipBijector(-2, 3),
        "SoftClip(0,1,0.1)" => new SoftClipBijector(0, 1, 0.1),
        "SoftClip(-10,10,2)" => new SoftClipBijector(-10, 10, 2),
        "Chain(Softplus,SoftClip)" => new ChainBijector(new SoftplusBijector(), new SoftClipBijector(0.5, 4)),
        _ => throw new ArgumentException(name),
    };

    /// <summary>
    /// SoftClip(0, 1, 0.1) has a sharp hinge: beyond ~0.3 outside [0, 1] its output sits within ~1e-2 of a bound, where
    /// y - high cannot be stored to full relative precision, so inverse-side checks use inputs near the interval.
    /// </summary>
    private static bool IsSharp(string name) => name.StartsWith("SoftClip(0", StringComparison.Ordinal);

    /// <summary>Inputs spanning the range where the round trip is well conditioned for each bijector.</summary>
    private static double[] Inputs(string name, int seed)
    {
        var random = GradCheck.RandomValues(40, seed, -6, 6).ToList();
        if (name is "Identity" or "Exp" or "Softplus")
        {
            random.AddRange([-30, 30, -20, 25, 1e-8, -1e-8, 0]);
        }
        else if (name == "Sigmoid")
        {
            // σ(x) near 1 stores 1 - σ(x) ≈ e⁻ˣ with absolute error ~1e-16, so x is recoverable to 1e-12 only
            // for x ≲ 8; negative x is recoverable all the way (σ(x) ≈ eˣ is stored with full relative precision).
            random.AddRange([-30, -20, -12, 8, 1e-8, 0]);
        }
        else if (name.StartsWith("SoftClip(-2", StringComparison.Ordinal))
        {
            random.AddRange([-4.5, 5.5, -2, 3, 0.5]);
        }

        return [.. random];
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void InverseOfForwardIsIdentity(string name)
    {
        var b = Create(name);
        double[] x = name.StartsWith("SoftClip(0", StringComparison.Ordinal)
            ? GradCheck.RandomValues(40, 2, -0.2, 1.2) // sharp hinge: outside ±0.2 the map is ill-conditioned
            : name.StartsWith("Chain", StringComparison.Ordinal) ? GradCheck.RandomValues(40, 2, -1, 5)
            : Inputs(name, 2);
        var back = b.Inverse(b.Forward(x)).ToArray();
        for (int i = 0; i < x.Length; i++)
        {
            back[i].Should().BeApproximately(x[i], 1e-12 * Math.Max(1, Math.Abs(x[i])), $"{name} at x = {x[i]}");
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void ForwardOfInverseIsIdentity(string name)
    {
        var b = Create(name);
        double[] y;
        using (Tensor.NoGrad())
        {
            // Points of the constrained set, reached through Forward from a wide spread of inputs.
            y = b.Forward(GradCheck.RandomValues(40, 3, -4, 4)).ToArray();
        }

        if (name is "Exp" or "Softplus")
        {
            y = [.. y, 1e-300, 1e-20, 1e-5, 1e10, 1e15];
        }
        else if (name == "Sigmoid")
        {
            y = [.. y, 1e-300, 1e-12, 0.5, 1 - 1e-12];
        }

        var again = b.Forward(b.Inverse(y)).ToArray();
        for (int i = 0; i < y.Length; i++)
        {
            again[i].Should().BeApproximately(y[i], 1e-12 * Math.Max(1e-3, Math.Abs(y[i])), $"{name} at y = {y[i]}");
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void LogDetMatchesFiniteDifferenceDerivative(string name)
    {
        var b = Create(name);
        double[] x = name.StartsWith("SoftClip(0", StringComparison.Ordinal) ? GradCheck.RandomValues(25, 4, -0.3, 1.3) : GradCheck.RandomValues(25, 4, -5, 5);
        x = [.. x, 0, 0.5];
        var ldj = b.ForwardLogDetJacobian(x).ToArray();
        ldj.Should().HaveCount(x.Length, "an element-wise bijector returns an element-wise log-determinant");
        for (int i = 0; i < x.Length; i++)
        {
            double h = 1e-6 * Math.Max(1, Math.Abs(x[i]));
            double plus = b.Forward(Tensor.Scalar(x[i] + h)).ToScalar();
            double minus = b.Forward(Tensor.Scalar(x[i] - h)).ToScalar();
            double numeric = Math.Log(Math.Abs((plus - minus) / (2 * h)));
            ldj[i].Should().BeApproximately(numeric, 1e-6, $"{name} at x = {x[i]}");
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void InverseLogDetIsMinusForwardLogDetAtTheInverse(string name)
    {
        var b = Create(name);
        double[] x = IsSharp(name) ? GradCheck.RandomValues(30, 5, -0.3, 1.3) : GradCheck.RandomValues(30, 5, -3, 3);
        var y = b.Forward(x);
        var ildj = b.InverseLogDetJacobian(y).ToArray();
        var fldj = b.ForwardLogDetJacobian(x).ToArray();
        for (int i = 0; i < x.Length; i++)
        {
            ildj[i].Should().BeApproximately(-fldj[i], 1e-9, $"{name} at x = {x[i]}");
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void GradientsOfForwardAndLogDetPassGradCheck(string name)
    {
        if (name == "Identity")
        {
            return; // constant log-determinant: nothing to differentiate (checked in IdentityIsExact)
        }

        var b = Create(name);
        double[] x = name.StartsWith("SoftClip(0", StringComparison.Ordinal) ? GradCheck.RandomValues(8, 6, -0.2, 1.2) : GradCheck.RandomValues(8, 6, -3, 3);
        GradCheck.Check(t => GradCheck.Project(b.Forward(t[0])), [x], [[x.Length]]);
        GradCheck.Check(t => GradCheck.Project(b.ForwardLogDetJacobian(t[0])), [x], [[x.Length]]);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void GradientOfInverseAndInverseLogDetPassGradCheck(string name)
    {
        if (name == "Identity")
        {
            return;
        }

        var b = Create(name);
        double[] y;
        using (Tensor.NoGrad())
        {
            y = b.Forward(IsSharp(name) ? GradCheck.RandomValues(8, 7, -0.2, 1.2) : GradCheck.RandomValues(8, 7, -2, 2)).ToArray();
        }

        GradCheck.Check(t => GradCheck.Project(b.Inverse(t[0])), [y], [[y.Length]], step: 1e-7, tolerance: 1e-5);
        GradCheck.Check(t => GradCheck.Project(b.InverseLogDetJacobian(t[0])), [y], [[y.Length]], step: 1e-7, tolerance: 1e-5);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void ShapesArePreservedAndBatched(string name)
    {
        var b = Create(name);
        b.ForwardShape([2, 3]).Should().Equal(2, 3);
        b.InverseShape([4]).Should().Equal(4);
        b.InputEventRank.Should().Be(0);
        var x = Tensor.FromArray(GradCheck.RandomValues(6, 8), [2, 3]);
        b.Forward(x).Shape.Should().Equal(2, 3);
        b.ForwardLogDetJacobian(x).Shape.Should().Equal(2, 3);
    }

    [Fact]
    public void IdentityIsExact()
    {
        var b = new IdentityBijector();
        double[] x = [-3, 0, 2.5];
        b.Forward(x).ToArray().Should().Equal(x);
        b.Inverse(x).ToArray().Should().Equal(x);
        b.ForwardLogDetJacobian(x).ToArray().Should().Equal(0, 0, 0);
        b.InverseLogDetJacobian(x).ToArray().Should().Equal(0, 0, 0);
        GradCheck.Check(t => GradCheck.Project(b.Forward(t[0])), [x], [[3]]);
    }

    [Fact]
    public void SoftplusHandlesLargeInputsWithoutOverflowOrCancellation()
    {
        var b = new SoftplusBijector();
        var y = b.Forward(new[] { -800.0, 800.0 }).ToArray();
        y[0].Should().BeGreaterThanOrEqualTo(0);
        y[1].Should().Be(800);
        b.Inverse(new[] { 800.0 }).ToScalar().Should().Be(800);
        b.Inverse(new[] { 1e-300 }).ToScalar().Should().BeApproximately(Math.Log(1e-300), 1e-12 * 691);
        b.ForwardLogDetJacobian(new[] { 800.0 }).ToScalar().Should().Be(0);
        b.ForwardLogDetJacobian(new[] { -800.0 }).ToScalar().Should().Be(-800);
    }

    [Fact]
    public void SigmoidLogDetIsStableInTheTails()
    {
        var b = new SigmoidBijector();
        var ldj = b.ForwardLogDetJacobian(new[] { -800.0, 800.0, 0.0 }).ToArray();
        ldj[0].Should().BeApproximately(-800, 1e-9);
        ldj[1].Should().BeApproximately(-800, 1e-9);
        ldj[2].Should().BeApproximately(Math.Log(0.25), 1e-15);
    }

    [Theory]
    [InlineData("Exp", 0.0)]
    [InlineData("Exp", -1.5)]
    [InlineData("Softplus", 0.0)]
    [InlineData("Softplus", -2.5)]
    [InlineData("Sigmoid", 0.0)]
    [InlineData("Sigmoid", 1.0)]
    [InlineData("Sigmoid", 1.25)]
    [InlineData("Sigmoid", -0.5)]
    [InlineData("Softplus", double.NaN)]
    public void InverseOutsideTheConstrainedSetThrowsNamingTheValue(string name, double bad)
    {
        var b = Create(name);
        var y = new[] { 0.5, bad };
        var act = () => b.Inverse(y);
        var e = act.Should().Throw<ArgumentOutOfRangeException>().Which;
        e.ParamName.Should().Be("y");
        e.Message.Should().Contain(name).And.Contain($"y[1] = {bad.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}");
        var act2 = () => b.InverseLogDetJacobian(y);
        act2.Should().Throw<ArgumentOutOfRangeException>();
    }

    [Theory]
    [InlineData("Exp", double.NaN)]
    [InlineData("Exp", 0.0)]
    [InlineData("Softplus", -0.0)]
    [InlineData("Sigmoid", double.NaN)]
    [InlineData("Sigmoid", 1.0)]
    [InlineData("Sigmoid", double.NegativeInfinity)]
    public void ALongInputWithOneValueOutsideThrowsNamingThatEntry(string name, double bad)
    {
        // The check first scans the whole input with vector minimum and maximum; one bad entry among a hundred, at the
        // start, in the middle and in the scalar remainder, must still be found and named.
        var b = Create(name);
        foreach (int at in new[] { 0, 37, 98 })
        {
            var y = Enumerable.Range(0, 99).Select(i => 0.1 + (0.8 * i / 99.0)).ToArray();
            y[at] = bad;
            var act = () => b.Inverse(y);
            act.Should().Throw<ArgumentOutOfRangeException>().Which.Message.Should().Contain($"y[{at}] = {bad.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}");
            var act2 = () => b.InverseLogDetJacobian(y);
            act2.Should().Throw<ArgumentOutOfRangeException>();
        }
    }

    [Fact]
    public void ChainAppliesPartsInOrderAndSumsLogDets()
    {
        var chain = new ChainBijector(new SoftplusBijector(), new ExpBijector());
        chain.Name.Should().Be("Chain(Softplus, Exp)");
        double x = 0.7;
        chain.Forward(Tensor.Scalar(x)).ToScalar().Should().BeApproximately(Math.Exp(Math.Log(1 + Math.Exp(x))), 1e-15);
        double expected = -Math.Log(1 + Math.Exp(-x)) + Math.Log(1 + Math.Exp(x));
        chain.ForwardLogDetJacobian(Tensor.Scalar(x)).ToScalar().Should().BeApproximately(expected, 1e-15);
    }
}
