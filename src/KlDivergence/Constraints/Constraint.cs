using System.Globalization;
using KlDivergence.Bijectors;
using KlDivergence.Tensors;

namespace KlDivergence.Constraints;

/// <summary>
/// A set of values a random variable (or a parameter) may take: the real line, a half-line, an interval, the
/// probability simplex, ordered vectors, Cholesky factors of correlation matrices, integers, .... A constraint
/// can check values (<see cref="Contains"/>, <see cref="Validate"/>) and gives a differentiable bijection from an
/// unconstrained space onto the set (<see cref="DefaultBijector"/>), which is how a model samples or optimises a
/// constrained variable in unconstrained coordinates.
/// </summary>
/// <remarks>
/// The design follows PyTorch's <c>torch.distributions.constraints</c> together with <c>biject_to</c>, and the
/// default transforms are those of the Stan reference manual ("Constraint transforms"). Bounds are tensors and
/// are kept as given (not detached), so a bound that depends on other model variables passes its gradient
/// through the default bijector and its log-determinant.
/// </remarks>
public abstract class Constraint
{
    /// <summary>A short description, e.g. "real line", "greater than 0" or "simplex".</summary>
    public abstract string Name { get; }

    /// <summary>
    /// The number of trailing dimensions that form one constrained event: 0 for element-wise constraints, 1 for
    /// vectors (simplex, ordered), 2 for matrices (Cholesky factors, positive-definite matrices).
    /// </summary>
    public virtual int EventRank => 0;

    /// <summary>True for integer-valued (counting) sets, which have no bijection from an unconstrained real space.</summary>
    public virtual bool IsDiscrete => false;

    /// <summary>Every finite real number.</summary>
    public static Constraint Real { get; } = new RealConstraint();

    /// <summary>The positive reals (0, ∞) (strict).</summary>
    public static Constraint Positive { get; } = new GreaterThanConstraint(0.0, inclusive: false);

    /// <summary>The non-negative reals [0, ∞).</summary>
    public static Constraint NonNegative { get; } = new GreaterThanConstraint(0.0, inclusive: true);

    /// <summary>The closed unit interval [0, 1]; the default bijector (the sigmoid) maps onto its interior.</summary>
    public static Constraint UnitInterval { get; } = new IntervalConstraint(0.0, 1.0);

    /// <summary>The probability simplex: vectors with positive entries summing to 1 (event rank 1).</summary>
    public static Constraint Simplex { get; } = new SimplexConstraint();

    /// <summary>Strictly increasing real vectors (event rank 1).</summary>
    public static Constraint Ordered { get; } = new OrderedConstraint(positive: false);

    /// <summary>Strictly increasing vectors of positive reals (event rank 1).</summary>
    public static Constraint PositiveOrdered { get; } = new OrderedConstraint(positive: true);

    /// <summary>Lower-triangular Cholesky factors of correlation matrices: positive diagonal, rows of unit length (event rank 2).</summary>
    public static Constraint CorrelationCholesky { get; } = new CorrelationCholeskyConstraint();

    /// <summary>Symmetric positive-definite matrices (event rank 2).</summary>
    public static Constraint PositiveDefinite { get; } = new PositiveDefiniteConstraint();

    /// <summary>The integers 0, 1, 2, ….</summary>
    public static Constraint NonNegativeInteger { get; } = new IntegerIntervalConstraint(0.0, double.PositiveInfinity);

    /// <summary>The two values {0, 1}.</summary>
    public static Constraint Boolean { get; } = new IntegerIntervalConstraint(0.0, 1.0);

    /// <summary>Count vectors of non-negative whole numbers summing to <paramref name="totalCount"/> (event rank 1, discrete).</summary>
    /// <param name="totalCount">The total per vector.</param>
    public static Constraint Counts(Tensor totalCount) => new CountsConstraint(totalCount);

    /// <summary>Vectors with one entry 1 and the rest 0 (event rank 1, discrete).</summary>
    public static Constraint OneHot { get; } = new OneHotConstraint();

    /// <summary>The reals strictly greater than <paramref name="lower"/> (a tensor, broadcast; its gradient is kept).</summary>
    /// <param name="lower">The lower bound.</param>
    public static Constraint GreaterThan(Tensor lower) => new GreaterThanConstraint(lower, inclusive: false);

    /// <summary>The reals greater than or equal to <paramref name="lower"/> (a tensor, broadcast; its gradient is kept).</summary>
    /// <param name="lower">The lower bound.</param>
    public static Constraint GreaterThanOrEqual(Tensor lower) => new GreaterThanConstraint(lower, inclusive: true);

    /// <summary>The reals strictly less than <paramref name="upper"/> (a tensor, broadcast; its gradient is kept).</summary>
    /// <param name="upper">The upper bound.</param>
    public static Constraint LessThan(Tensor upper) => new LessThanConstraint(upper, inclusive: false);

    /// <summary>The reals less than or equal to <paramref name="upper"/> (a tensor, broadcast; its gradient is kept).</summary>
    /// <param name="upper">The upper bound.</param>
    public static Constraint LessThanOrEqual(Tensor upper) => new LessThanConstraint(upper, inclusive: true);

    /// <summary>
    /// The closed interval [lower, upper] (tensors, broadcast; their gradients are kept, so the bounds may depend on
    /// other model variables); the default bijector maps onto its interior.
    /// </summary>
    /// <param name="lower">The lower bound.</param>
    /// <param name="upper">The upper bound.</param>
    public static Constraint Interval(Tensor lower, Tensor upper) => new IntervalConstraint(lower, upper);

    /// <summary>The integers lower, lower + 1, …, upper (upper may be +∞).</summary>
    /// <param name="lower">The least value (an integer, finite).</param>
    /// <param name="upper">The greatest value (an integer or +∞).</param>
    public static Constraint IntegerInterval(Tensor lower, Tensor upper) => new IntegerIntervalConstraint(lower, upper);

    /// <summary>
    /// Reinterprets <paramref name="reinterpretedRank"/> batch dimensions of <paramref name="baseConstraint"/> as
    /// event dimensions (as <c>Independent</c> does for distributions): an event is in the set when every entry is.
    /// </summary>
    /// <param name="baseConstraint">The constraint on each part.</param>
    /// <param name="reinterpretedRank">The number of extra trailing dimensions that join the event (≥ 0).</param>
    public static Constraint Independent(Constraint baseConstraint, int reinterpretedRank) =>
        reinterpretedRank == 0 ? baseConstraint ?? throw new ArgumentNullException(nameof(baseConstraint)) : new IndependentConstraint(baseConstraint, reinterpretedRank);

    /// <summary>
    /// 1 where an event of <paramref name="value"/> is in the set, else 0, with no gradient. The shape is the
    /// value's shape without its <see cref="EventRank"/> trailing dimensions, broadcast with the shape of any
    /// bound. NaN is never in a set; continuous sets contain only finite values.
    /// </summary>
    /// <param name="value">The values to check, of shape [..., ...event].</param>
    /// <exception cref="ArgumentException">The value has fewer than <see cref="EventRank"/> dimensions, or a wrong event shape.</exception>
    public abstract Tensor Contains(Tensor value);

    /// <summary>
    /// The first event of <paramref name="value"/> (in row-major order) outside the set, or null when every event
    /// is in it. Lets a caller name the offending element and its value in a message.
    /// </summary>
    /// <param name="value">The values to check.</param>
    public ConstraintViolation? FindViolation(Tensor value)
    {
        ArgumentNullException.ThrowIfNull(value);
        Tensor inside;
        using (Tensor.NoGrad())
        {
            inside = Contains(value);
        }

        var flags = inside.Values;
        for (int i = 0; i < flags.Length; i++)
        {
            if (flags[i] == 0)
            {
                int[] batchShape = inside.ShapeArray;
                int[] eventShape = value.ShapeArray[(value.Rank - EventRank)..];
                int eventSize = Shapes.Size(eventShape);
                var full = TensorOps.Expand(value, [.. batchShape, .. eventShape]);
                var eventValues = full.AsSpan(i * eventSize, eventSize).ToArray();
                return new ConstraintViolation(UnravelIndex(i, batchShape), eventValues, RequirementAt(i, batchShape));
            }
        }

        return null;
    }

    /// <summary>
    /// Throws unless every event of <paramref name="value"/> is in the set; the message names the parameter, the
    /// index of the first offending event, its value(s) and the requirement.
    /// </summary>
    /// <param name="value">The values to check.</param>
    /// <param name="paramName">The name of the checked parameter or variable, for the message.</param>
    /// <exception cref="ArgumentOutOfRangeException">An event is outside the set.</exception>
    public void Validate(Tensor value, string paramName)
    {
        var violation = FindViolation(value);
        if (violation is not null)
        {
            throw new ArgumentOutOfRangeException(paramName, violation.EventValues.Length == 1 ? violation.EventValues[0] : null, violation.Describe(paramName));
        }
    }

    /// <summary>
    /// A bijection from an unconstrained real space onto (the interior of) the set, built from tensor operations
    /// so that gradients flow to the input and to any bound. Its input event rank may differ from
    /// <see cref="EventRank"/> only where the unconstrained vector has another shape (e.g. K - 1 → K for the simplex).
    /// </summary>
    /// <exception cref="InvalidOperationException">The set is discrete (no bijection from a continuous space exists).</exception>
    public virtual Bijector DefaultBijector() =>
        throw new InvalidOperationException($"The constraint '{Name}' is discrete: no bijection maps an unconstrained real space onto it; sample or marginalise it instead.");

    /// <inheritdoc/>
    public override string ToString() => Name;

    /// <summary>
    /// The requirement an event fails, for messages; element-wise constraints with tensor bounds override it to
    /// show the bound at that position.
    /// </summary>
    /// <param name="flatEventIndex">The row-major index of the event within <paramref name="eventBatchShape"/>.</param>
    /// <param name="eventBatchShape">The shape of <see cref="Contains"/>'s result.</param>
    protected virtual string RequirementAt(int flatEventIndex, int[] eventBatchShape) => $"must be in the set '{Name}'";

    /// <summary>The value's shape without the event dimensions, with a clear error when the value has too few dimensions.</summary>
    /// <param name="value">The value.</param>
    /// <param name="eventShape">The event shape found.</param>
    private protected int[] SplitShape(Tensor value, out int[] eventShape)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Rank < EventRank)
        {
            throw new ArgumentException($"The constraint '{Name}' needs values of rank ≥ {EventRank}; got shape {Shapes.Format(value.ShapeArray)}.", nameof(value));
        }

        eventShape = value.ShapeArray[(value.Rank - EventRank)..];
        return value.ShapeArray[..(value.Rank - EventRank)];
    }

    /// <summary>A bound's value at a flat position of a broadcast shape, for messages.</summary>
    private protected static string BoundAt(Tensor bound, int flatIndex, int[] shape)
    {
        var expanded = TensorOps.Expand(bound, Shapes.Broadcast(shape, bound.ShapeArray));
        return expanded.Length == 0 ? "?" : Format(expanded[Math.Min(flatIndex, expanded.Length - 1)]);
    }

    /// <summary>A value in round-trip format.</summary>
    private protected static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>A bound for <see cref="Name"/>: its value when it is a single number, else its shape.</summary>
    private protected static string Describe(Tensor bound) =>
        bound.Length == 1 ? Format(bound.Values[0]) : $"a bound tensor of shape {Shapes.Format(bound.ShapeArray)}";

    private static int[] UnravelIndex(int flat, int[] shape)
    {
        var index = new int[shape.Length];
        for (int d = shape.Length - 1; d >= 0; d--)
        {
            index[d] = flat % shape[d];
            flat /= shape[d];
        }

        return index;
    }
}
