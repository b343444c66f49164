using KlDivergence.Tensors;

namespace KlDivergence.Bijectors;

/// <summary>
/// Maps x ∈ ℝ^K onto strictly increasing vectors (batched over leading dimensions) by Stan's ordered transform
/// (Stan reference manual, "Ordered vector"): y_1 = x_1, y_k = y_{k-1} + exp(x_k); with
/// <see cref="IsPositive"/> the positive-ordered variant y_1 = exp(x_1) ("Positive ordered vector").
/// </summary>
/// <remarks>
/// The Jacobian is lower triangular with diagonal (1 or e^{x_1}), e^{x_2}, …, e^{x_K}, so
/// log |det J| = Σ_{k≥2} x_k (+ x_1 when positive). The inverse is x_1 = y_1 (log y_1 when positive),
/// x_k = log(y_k - y_{k-1}).
/// </remarks>
public sealed class OrderedBijector : Bijector
{
    /// <summary>Creates the ordered (or positive-ordered) transform.</summary>
    /// <param name="positive">True for the positive-ordered variant (y_1 = exp(x_1)).</param>
    public OrderedBijector(bool positive = false)
    {
        IsPositive = positive;
    }

    /// <summary>True for the positive-ordered variant.</summary>
    public bool IsPositive { get; }

    /// <inheritdoc/>
    public override string Name => IsPositive ? "PositiveOrdered" : "Ordered";

    /// <summary>1: events are vectors.</summary>
    public override int InputEventRank => 1;

    /// <summary>1: events are vectors.</summary>
    public override int OutputEventRank => 1;

    /// <summary>y = cumulative sum of (x_1 or e^{x_1}, e^{x_2}, …, e^{x_K}).</summary>
    /// <exception cref="ArgumentException">The input is a scalar or an empty vector.</exception>
    public override Tensor Forward(Tensor x)
    {
        RequireVector(x, nameof(x));

        // The first entry and the rest go through separate ops so that exp of an unused x_1 cannot overflow into the gradient.
        int axis = x.Rank - 1, n = x.ShapeArray[^1];
        var first = x.Narrow(axis, 0, 1);
        first = IsPositive ? first.Exp() : first;
        var steps = n == 1 ? first : ShapeOps.Concat(axis, first, x.Narrow(axis, 1, n - 1).Exp());
        return CumulativeSums.AlongLastAxis(steps, exclusive: false, reverse: false);
    }

    /// <summary>x_1 = y_1 (log y_1 when positive), x_k = log(y_k - y_{k-1}).</summary>
    /// <exception cref="ArgumentException">The input is a scalar or an empty vector.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An event is not finite and strictly increasing (or its first entry not positive when positive).</exception>
    public override Tensor Inverse(Tensor y)
    {
        RequireVector(y, nameof(y));
        int bad = FirstUnordered(y, IsPositive);
        if (bad >= 0)
        {
            int k = y.ShapeArray[^1];
            var entries = y.Values.Slice(bad * k, k).ToArray();
            throw new ArgumentOutOfRangeException(
                nameof(y),
                $"{Name}.Inverse needs finite, strictly increasing{(IsPositive ? ", positive" : string.Empty)} entries; event {bad} of shape {BijectorChecks.FormatShape(y)} is [{string.Join(", ", entries.Select(BijectorChecks.Format))}].");
        }

        int axis = y.Rank - 1, n = y.ShapeArray[^1];
        var first = y.Narrow(axis, 0, 1);
        first = IsPositive ? first.Log() : first;
        return n == 1 ? first : ShapeOps.Concat(axis, first, (y.Narrow(axis, 1, n - 1) - y.Narrow(axis, 0, n - 1)).Log());
    }

    /// <summary>Σ_{k≥2} x_k (+ x_1 when positive), shape [...].</summary>
    public override Tensor ForwardLogDetJacobian(Tensor x)
    {
        RequireVector(x, nameof(x));
        return (x * Mask(x.ShapeArray[^1])).Sum(x.Rank - 1);
    }

    /// <summary>The flat index of the first event that is not finite and strictly increasing (and positive first when asked), or -1.</summary>
    internal static int FirstUnordered(Tensor y, bool positive)
    {
        int k = y.Rank == 0 ? 0 : y.ShapeArray[^1];
        if (k == 0)
        {
            return -1;
        }

        var v = y.Values;
        for (int e = 0; e < v.Length / k; e++)
        {
            bool ok = double.IsFinite(v[e * k]) && (!positive || v[e * k] > 0);
            for (int i = 1; i < k && ok; i++)
            {
                ok = double.IsFinite(v[(e * k) + i]) && v[(e * k) + i] > v[(e * k) + i - 1];
            }

            if (!ok)
            {
                return e;
            }
        }

        return -1;
    }

    /// <summary>1 where the entry passes through exp (every entry after the first; the first too when positive).</summary>
    private Tensor Mask(int n)
    {
        var m = new double[n];
        Array.Fill(m, 1.0);
        m[0] = IsPositive ? 1.0 : 0.0;
        return new Tensor(m, [n]);
    }

    private void RequireVector(Tensor t, string paramName)
    {
        ArgumentNullException.ThrowIfNull(t, paramName);
        if (t.Rank < 1 || t.ShapeArray[^1] < 1)
        {
            throw new ArgumentException($"{Name} needs vectors of length ≥ 1; got shape {BijectorChecks.FormatShape(t)}.", paramName);
        }
    }
}
