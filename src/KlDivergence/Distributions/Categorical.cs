using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Distributions;

/// <summary>
/// The categorical distribution over the indices {0, …, K-1}, P(X = k) = pₖ, batched over all but the last axis
/// of its parameter. Values are category indices stored as doubles; event shape [].
/// log p(k) = log pₖ; a value that is not an integer in [0, K-1] has log-probability -∞.
/// </summary>
public sealed class Categorical : Distribution
{
    /// <summary>Creates a categorical distribution from probabilities p (last axis: categories).</summary>
    /// <param name="probs">Probabilities pₖ ≥ 0, finite, with Σₖ pₖ = 1 within 1e-10 in each batch row.</param>
    /// <param name="renormalize">When true, any non-negative row with a positive finite sum is divided by its sum instead of rejected.</param>
    /// <exception cref="ArgumentOutOfRangeException">An entry is negative or not finite; the message names it.</exception>
    /// <exception cref="ArgumentException">A row does not sum to 1 (or, with <paramref name="renormalize"/>, sums to 0).</exception>
    public Categorical(Tensor probs, bool renormalize = false)
        : this(Normalized(probs, renormalize))
    {
    }

    private Categorical((Tensor LogProbs, Tensor? Probs) parameters)
        : base(parameters.LogProbs.ShapeArray[..^1], [])
    {
        Logits = parameters.LogProbs;
        probs = parameters.Probs;
        CategoryCount = Logits.ShapeArray[^1];
    }

    /// <summary>
    /// Creates a categorical distribution from unnormalised log-probabilities: pₖ = exp(ℓₖ) / Σⱼ exp(ℓⱼ).
    /// An entry of -∞ gives probability 0.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">An entry is NaN or +∞.</exception>
    /// <exception cref="ArgumentException">A row is entirely -∞.</exception>
    public static Categorical FromLogits(Tensor logits)
    {
        var logProbs = ProbabilityChecks.NormalizedLogits(logits, nameof(Categorical), nameof(logits));
        return new Categorical((logProbs, null));
    }

    /// <summary>Normalised log-probabilities log pₖ (so that logsumexp over the last axis is 0), shape [...BatchShape, K].</summary>
    public Tensor Logits { get; }

    /// <summary>
    /// Probabilities pₖ, shape [...BatchShape, K]. From logits they are exp(log pₖ), made at the first read (a
    /// log-density, the common use of a classifier's categorical, never needs them) and kept when gradients are being
    /// recorded then; a read under <see cref="Tensor.NoGrad"/> is not kept, so a later differentiable read still
    /// records its dependence on the logits.
    /// </summary>
    public Tensor Probs
    {
        get
        {
            if (probs is not null)
            {
                return probs;
            }

            var made = Logits.Exp();
            if (NoGradScope.IsGradEnabled || !Logits.RequiresGrad)
            {
                probs = made;
            }

            return made;
        }
    }

    private Tensor? probs;

    /// <summary>The number of categories K.</summary>
    public int CategoryCount { get; }

    /// <summary>Integers 0, …, K-1.</summary>
    public override Support Support => new(true, 0.0, CategoryCount - 1.0, $"integers 0..{CategoryCount - 1}");

    /// <summary>Counting measure on {0, ..., K-1}, tightened per row to the first and last category with positive probability.</summary>
    public override TailProfile? Tails
    {
        get
        {
            int k = CategoryCount, rows = Probs.Length / k;
            var probs = Probs.Values;
            double[] lower = new double[rows], upper = new double[rows];
            for (int r = 0; r < rows; r++)
            {
                var row = probs.Slice(r * k, k);
                lower[r] = row.IndexOfAnyExcept(0.0);
                upper[r] = row.LastIndexOfAnyExcept(0.0);
            }

            return new TailProfile(ReferenceMeasure.Counting, new Tensor(lower, BatchShapeArray), new Tensor(upper, BatchShapeArray), Tail.Bounded, Tail.Bounded, true);
        }
    }

    /// <summary>E[X] = Σₖ k pₖ.</summary>
    public override Tensor Mean => (Probs * Indices()).Sum(-1);

    /// <summary>Var[X] = Σₖ (k - E[X])² pₖ.</summary>
    public override Tensor Variance
    {
        get
        {
            var centred = Indices() - Mean.Unsqueeze(-1);
            return (Probs * centred.Square()).Sum(-1);
        }
    }

    /// <summary>log p(x) = log p_x for an integer x in [0, K-1], else -∞ (never an exception); shape broadcast(value, BatchShape).</summary>
    public override Tensor LogProb(Tensor value)
    {
        ArgumentNullException.ThrowIfNull(value);
        int[] shape = Shapes.Broadcast(value.ShapeArray, BatchShapeArray);
        double[] v = Shapes.BroadcastData(value.Data, value.ShapeArray, shape);
        int k = CategoryCount;

        // A gather of log pₖ at each value's category (its gradient a scatter back): it moves one number per value,
        // where a one-hot selection and a row sum went over all K. It reads the logits where they are: each value's
        // row is its batch position's row of the logits, so a value batch wider than the logits' (10⁵ values of one
        // distribution) never copies the logits out to [values, K]. A value that is not a category picks category 0
        // and is then masked to -∞.
        int rows = Shapes.Size(BatchShapeArray);
        double[]? rowOf = rows == v.Length || rows == 1 ? null : Shapes.BroadcastData(Numbers(rows), BatchShapeArray, shape);
        var flat = new int[v.Length];
        double[]? valid = null;
        for (int i = 0; i < v.Length; i++)
        {
            double x = v[i];
            bool isCategory = x >= 0 && x <= k - 1 && Math.Floor(x) == x;
            int row = rows == 1 ? 0 : rowOf is null ? i : (int)rowOf[i];
            flat[i] = (row * k) + (isCategory ? (int)x : 0);
            if (!isCategory)
            {
                valid ??= CategoriesSoFar(i);
            }
            else if (valid is not null)
            {
                valid[i] = 1;
            }
        }

        var picked = Logits.Reshape([rows * k]).IndexSelect(0, flat).Reshape(shape);
        return valid is null ? picked : TensorOps.Where(new Tensor(valid, shape), picked, double.NegativeInfinity);

        double[] CategoriesSoFar(int first)
        {
            var marks = new double[v.Length];
            marks.AsSpan(0, first).Fill(1);
            return marks;
        }
    }

    /// <summary>Shannon entropy H = -Σₖ pₖ log pₖ in nats, with 0 log 0 = 0 (Cover and Thomas 2006, eq. 2.1).</summary>
    public override Tensor Entropy()
    {
        var positive = TensorOps.GreaterThan(Probs, 0.0);
        var safeLogits = TensorOps.Where(positive, Logits, 0.0);
        return -(Probs * safeLogits).Sum(-1);
    }

    /// <summary>P(X ≤ x) = Σ_{k ≤ ⌊x⌋} pₖ.</summary>
    public override Tensor Cdf(Tensor value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var mask = TensorOps.Where(TensorOps.GreaterThan(Indices(), value.Unsqueeze(-1)), 0.0, 1.0);
        return (Probs * mask).Sum(-1);
    }

    /// <summary>
    /// Inverse-CDF sampling: the first k with Σ_{j ≤ k} pⱼ &gt; u, u ~ Uniform(0, 1) (Devroye 1986, Non-Uniform Random
    /// Variate Generation, §III.2.1); categories of probability 0 are never drawn; not reparameterisable.
    /// </summary>
    protected override Tensor SampleCore(int count, RandomStream random)
    {
        int k = CategoryCount;
        int rows = Shapes.Size(BatchShapeArray);
        var probs = Probs.Values;
        var cumulative = new double[rows * k];
        for (int r = 0; r < rows; r++)
        {
            double s = 0;
            for (int j = 0; j < k; j++)
            {
                s += probs[(r * k) + j];
                cumulative[(r * k) + j] = s;
            }
        }

        var result = TensorPool.Rent(count * rows);
        for (int n = 0; n < count; n++)
        {
            for (int r = 0; r < rows; r++)
            {
                result[(n * rows) + r] = random.NextCategorical(cumulative.AsSpan(r * k, k));
            }
        }

        return new Tensor(result, SampleShape(count));
    }

    private static (Tensor LogProbs, Tensor Probs) Normalized(Tensor probs, bool renormalize)
    {
        var p = ProbabilityChecks.NormalizedProbs(probs, nameof(Categorical), nameof(probs), renormalize);
        return (ProbabilityChecks.SafeLog(p), p);
    }

    /// <summary>The categories 0, 1, ..., K - 1.</summary>
    private Tensor Indices() => Numbers(CategoryCount);

    /// <summary>0, 1, ..., <paramref name="count"/> - 1.</summary>
    private static double[] Numbers(int count)
    {
        var numbers = new double[count];
        for (int i = 0; i < count; i++)
        {
            numbers[i] = i;
        }

        return numbers;
    }
}
