using KlDivergence.Constraints;
using KlDivergence.Bijectors;
using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Distributions;

/// <summary>
/// The distribution of Y = f(X) for X from a base distribution and an element-wise bijector f (e.g. LogNormal =
/// Normal through Exp). By the change of variables, log p_Y(y) = log p_X(f⁻¹(y)) + log |d f⁻¹(y)/dy|, summed over
/// the event dimensions; samples are f(x), reparameterised when the base's are.
/// </summary>
public class TransformedDistribution : Distribution
{
    /// <summary>Creates the distribution of f(X).</summary>
    /// <param name="baseDistribution">The distribution of X.</param>
    /// <param name="bijector">An element-wise bijector f (event rank 0).</param>
    /// <exception cref="ArgumentException">The bijector is not element-wise.</exception>
    public TransformedDistribution(Distribution baseDistribution, Bijector bijector)
        : base(Checked(baseDistribution, bijector).BatchShapeArray, baseDistribution.EventShapeArray)
    {
        BaseDistribution = baseDistribution;
        Bijector = bijector;
    }

    /// <summary>The distribution of X.</summary>
    public Distribution BaseDistribution { get; }

    /// <summary>The bijector f.</summary>
    public Bijector Bijector { get; }

    /// <inheritdoc/>
    public override string FamilyName => $"Transformed({BaseDistribution.FamilyName}, {Bijector.Name})";

    /// <inheritdoc/>
    public override bool HasReparameterizedSample => BaseDistribution.HasReparameterizedSample;


    /// <summary>
    /// The base's measure (a smooth bijection maps Lebesgue-continuous laws to Lebesgue-continuous laws and atoms to
    /// atoms) and its bounds mapped through f; the tails are unknown for a general f.
    /// </summary>
    public override TailProfile? Tails
    {
        get
        {
            var inner = BaseDistribution.Tails;
            if (inner is null)
            {
                return null;
            }

            if (inner.Lower is null || inner.Upper is null || EventShapeArray.Length != 0)
            {
                return TailProfile.MeasureOnly(inner.Measure);
            }

            using var scope = Tensor.NoGrad();
            var a = Bijector.Forward(inner.Lower);
            var b = Bijector.Forward(inner.Upper);
            return new TailProfile(inner.Measure, TensorOps.Minimum(a, b), TensorOps.Maximum(a, b), null, null, false);
        }
    }

    /// <summary>The image of the base support under f (f is increasing for every bijector shipped here).</summary>
    public override Support Support
    {
        get
        {
            var s = BaseDistribution.Support;
            using var scope = Tensor.NoGrad();
            return new Support(s.IsDiscrete, Bijector.Forward(s.Lower), Bijector.Forward(s.Upper), $"image of {s.Name} under {Bijector.Name}");
        }
    }

    /// <summary>
    /// The open image of the real line when the base is unconstrained and f is <see cref="ExpBijector"/> (the positive
    /// reals) or <see cref="SigmoidBijector"/> (the unit interval); otherwise the constraint of <see cref="Support"/>
    /// (the base's bounds mapped through f).
    /// </summary>
    public override Constraint SupportConstraint =>
        BaseDistribution.SupportConstraint is RealConstraint
            ? Bijector switch
            {
                ExpBijector => Constraint.Positive,
                SigmoidBijector => Constraint.UnitInterval,
                _ => base.SupportConstraint,
            }
            : base.SupportConstraint;

    /// <summary>No closed form in general; subclasses such as <see cref="LogNormal"/> provide one.</summary>
    public override Tensor Mean => throw new NotSupportedException($"{FamilyName} has no closed-form mean; estimate it from samples.");

    /// <summary>No closed form in general; subclasses such as <see cref="LogNormal"/> provide one.</summary>
    public override Tensor Variance => throw new NotSupportedException($"{FamilyName} has no closed-form variance; estimate it from samples.");

    /// <inheritdoc/>
    public override Tensor LogProb(Tensor value)
    {
        ArgumentNullException.ThrowIfNull(value);

        // Outside f's range the density is 0: evaluate at a safe interior point (f(0)) and mask, so nothing throws or turns NaN.
        Tensor? inside = null;
        Tensor interior;
        bool allInside;
        Support range;
        using (Tensor.NoGrad())
        {
            range = Support;
            interior = Bijector.Forward(Tensor.Scalar(0.0));
            if (range.Lower.Rank == 0 && range.Upper.Rank == 0)
            {
                // Scalar bounds (the usual case): two read-only scans decide, and the mask is built only if needed.
                allInside = new DensityInterval(range.Lower.ToScalar(), true, range.Upper.ToScalar(), true).ContainsAll(value.Values);
            }
            else
            {
                inside = InsideMask(value, range);
                allInside = FamilyHelpers.AllSet(inside) && inside.ShapeArray.AsSpan().SequenceEqual(value.ShapeArray);
            }
        }

        // Every value inside the range (the usual case): the values themselves, with no select and its backward pass.
        if (!allInside)
        {
            inside ??= InsideMask(value, range);
        }

        var safe = allInside ? value : TensorOps.Where(inside!, value, interior);
        var (x, jacobian) = Bijector.InverseWithLogDet(safe);
        var baseLogProb = BaseDistribution.LogProb(x);
        int eventRank = EventShapeArray.Length;
        var logProb = eventRank == 0 ? baseLogProb + jacobian : baseLogProb + jacobian.Sum([.. Enumerable.Range(jacobian.Rank - eventRank, eventRank)]);
        int[] validShape = (inside ?? value).ShapeArray[..^eventRank];
        if (allInside && logProb.ShapeArray.AsSpan().SequenceEqual(Shapes.Broadcast(validShape, logProb.ShapeArray)))
        {
            return logProb;
        }

        inside ??= InsideMask(value, range);

        var valid = eventRank == 0 ? inside : TensorOps.EqualTo(inside.Sum([.. Enumerable.Range(inside.Rank - eventRank, eventRank)]), Shapes.Size(EventShapeArray));
        return TensorOps.Where(valid, logProb, double.NegativeInfinity);
    }

    /// <summary>1 strictly inside the range's bounds, else 0 (no gradient).</summary>
    private static Tensor InsideMask(Tensor value, Support range)
    {
        using var scope = Tensor.NoGrad();
        return TensorOps.GreaterThan(value, range.Lower) * TensorOps.LessThan(value, range.Upper);
    }

    /// <summary>
    /// For a univariate base and a monotone f: F_X(f⁻¹(y)) where f increases, 1 - F_X(f⁻¹(y)) where it decreases
    /// (continuous base only), 0 below and 1 above the image of the base support. The direction is read, per batch
    /// element, from f at two interior points of the base support.
    /// </summary>
    /// <exception cref="NotSupportedException">The base is multivariate, or discrete under a decreasing f.</exception>
    public override Tensor Cdf(Tensor value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (EventShapeArray.Length != 0)
        {
            throw new NotSupportedException($"{FamilyName} has no cumulative distribution function: its events are not scalars.");
        }

        Tensor increasing, low, high, interior;
        bool discrete;
        using (Tensor.NoGrad())
        {
            var s = BaseDistribution.Support;
            var (x1, x2) = InteriorPoints(s.Lower, s.Upper);
            var f1 = Bijector.Forward(x1);
            increasing = TensorOps.GreaterThan(Bijector.Forward(x2), f1);
            var fl = Bijector.Forward(s.Lower);
            var fu = Bijector.Forward(s.Upper);
            low = TensorOps.Minimum(fl, fu);
            high = TensorOps.Maximum(fl, fu);
            interior = f1;
            discrete = s.IsDiscrete;
            if (discrete && increasing.Values.Contains(0.0))
            {
                throw new NotSupportedException($"{FamilyName}: the CDF of a discrete base under a decreasing bijector is not supported.");
            }
        }

        // A discrete base may put mass on the image of its lower bound.
        var inside = (discrete ? TensorOps.GreaterOrEqual(value, low) : TensorOps.GreaterThan(value, low)) * TensorOps.LessThan(value, high);
        var baseCdf = BaseDistribution.Cdf(Bijector.Inverse(TensorOps.Where(inside, value, interior)));
        var oriented = TensorOps.Where(increasing, baseCdf, 1.0 - baseCdf);
        return TensorOps.Where(inside, oriented, TensorOps.Where(TensorOps.GreaterOrEqual(value, high), 1.0, 0.0));
    }

    /// <inheritdoc/>
    protected override Tensor SampleCore(int count, RandomStream random) =>
        Bijector.Forward(HasReparameterizedSample ? BaseDistribution.ReparameterizedSample(count, random) : BaseDistribution.Sample(count, random));

    /// <summary>True when two bijectors are the same map (same type and parameters), so KL is invariant under it.</summary>
    internal static bool SameBijector(Bijector a, Bijector b) => ReferenceEquals(a, b) || (a.GetType() == b.GetType() && a.Name == b.Name);

    /// <summary>Two ordered points strictly inside [lower, upper], element by element (either bound may be infinite).</summary>
    private static (Tensor First, Tensor Second) InteriorPoints(Tensor lower, Tensor upper)
    {
        int[] shape = Shapes.Broadcast(lower.ShapeArray, upper.ShapeArray);
        var l = TensorOps.Expand(lower, shape);
        var u = TensorOps.Expand(upper, shape);
        var first = new double[l.Length];
        var second = new double[l.Length];
        for (int i = 0; i < l.Length; i++)
        {
            (first[i], second[i]) = (double.IsFinite(l[i]), double.IsFinite(u[i])) switch
            {
                (true, true) => (l[i] + (0.25 * (u[i] - l[i])), l[i] + (0.75 * (u[i] - l[i]))),
                (true, false) => (l[i] + 1, l[i] + 2),
                (false, true) => (u[i] - 2, u[i] - 1),
                _ => (-1.0, 1.0),
            };
        }

        return (new Tensor(first, shape), new Tensor(second, shape));
    }

    private static Distribution Checked(Distribution baseDistribution, Bijector bijector)
    {
        ArgumentNullException.ThrowIfNull(baseDistribution);
        ArgumentNullException.ThrowIfNull(bijector);
        if (bijector.InputEventRank != 0 || bijector.OutputEventRank != 0)
        {
            throw new ArgumentException($"TransformedDistribution needs an element-wise bijector; {bijector.Name} maps rank {bijector.InputEventRank} to rank {bijector.OutputEventRank}.", nameof(bijector));
        }

        return baseDistribution;
    }
}
