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

    /// <summary>No closed form in general; subclasses such as <see cref="LogNormal"/> provide one.</summary>
    public override Tensor Mean => throw new NotSupportedException($"{FamilyName} has no closed-form mean; estimate it from samples.");

    /// <summary>No closed form in general; subclasses such as <see cref="LogNormal"/> provide one.</summary>
    public override Tensor Variance => throw new NotSupportedException($"{FamilyName} has no closed-form variance; estimate it from samples.");

    /// <inheritdoc/>
    public override Tensor LogProb(Tensor value)
    {
        ArgumentNullException.ThrowIfNull(value);

        // Outside f's range the density is 0: evaluate at a safe interior point (f(0)) and mask, so nothing throws or turns NaN.
        Tensor inside, interior;
        using (Tensor.NoGrad())
        {
            var range = Support;
            inside = TensorOps.GreaterThan(value, range.Lower) * TensorOps.LessThan(value, range.Upper);
            interior = Bijector.Forward(Tensor.Scalar(0.0));
        }

        var safe = TensorOps.Where(inside, value, interior);
        var jacobian = Bijector.InverseLogDetJacobian(safe);
        var baseLogProb = BaseDistribution.LogProb(Bijector.Inverse(safe));
        int eventRank = EventShapeArray.Length;
        var logProb = eventRank == 0 ? baseLogProb + jacobian : baseLogProb + jacobian.Sum([.. Enumerable.Range(jacobian.Rank - eventRank, eventRank)]);
        var valid = eventRank == 0 ? inside : TensorOps.EqualTo(inside.Sum([.. Enumerable.Range(inside.Rank - eventRank, eventRank)]), Shapes.Size(EventShapeArray));
        return TensorOps.Where(valid, logProb, double.NegativeInfinity);
    }

    /// <inheritdoc/>
    protected override Tensor SampleCore(int count, RandomStream random) =>
        Bijector.Forward(HasReparameterizedSample ? BaseDistribution.ReparameterizedSample(count, random) : BaseDistribution.Sample(count, random));

    /// <summary>True when two bijectors are the same map (same type and parameters), so KL is invariant under it.</summary>
    internal static bool SameBijector(Bijector a, Bijector b) => ReferenceEquals(a, b) || (a.GetType() == b.GetType() && a.Name == b.Name);

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
