using KlDivergence.Tensors;

namespace KlDivergence.Bijectors;

/// <summary>
/// The composition of bijectors, applied in the order given: for parts f₁, …, f_m,
/// Forward(x) = f_m(… f₂(f₁(x))), Inverse(y) = f₁⁻¹(… f_m⁻¹(y)), and by the chain rule
/// log |det J(x)| = Σₖ log |det J_{f_k}(x_{k-1})| with x₀ = x, x_k = f_k(x_{k-1}).
/// </summary>
/// <remarks>
/// The order is that of PyTorch's <c>ComposeTransform</c> (first part applied first); TensorFlow Probability's
/// <c>tfp.bijectors.Chain</c> lists its parts in the opposite order. Each part's log-determinant is summed over
/// any trailing dimensions that belong to the chain's event but not to that part's, so that, for example,
/// Chain(Softplus on the vector, FillScaleTriL) returns one value per batch entry.
/// </remarks>
public sealed class ChainBijector : Bijector
{
    private readonly Bijector[] parts;
    private readonly int inputEventRank;
    private readonly int outputEventRank;

    /// <summary>Creates the chain f_m ∘ … ∘ f₁ of the given parts (an empty chain is the identity).</summary>
    /// <param name="bijectors">The parts, first applied first.</param>
    public ChainBijector(params Bijector[] bijectors)
    {
        ArgumentNullException.ThrowIfNull(bijectors);
        for (int i = 0; i < bijectors.Length; i++)
        {
            if (bijectors[i] is null)
            {
                throw new ArgumentException($"{nameof(ChainBijector)} part {i} is null.", nameof(bijectors));
            }
        }

        parts = (Bijector[])bijectors.Clone();

        // The chain's input event rank e is the least e ≥ 0 such that, tracking the event rank r through the
        // parts (r ← r - in_k + out_k), each part sees r ≥ in_k.
        int offset = 0, need = 0;
        foreach (var p in parts)
        {
            need = Math.Max(need, p.InputEventRank - offset);
            offset += p.OutputEventRank - p.InputEventRank;
        }

        inputEventRank = need;
        outputEventRank = need + offset;
    }

    /// <summary>The parts, first applied first.</summary>
    public IReadOnlyList<Bijector> Parts => parts;

    /// <inheritdoc/>
    public override string Name => $"Chain({string.Join(", ", parts.Select(p => p.Name))})";

    /// <inheritdoc/>
    public override int InputEventRank => inputEventRank;

    /// <inheritdoc/>
    public override int OutputEventRank => outputEventRank;

    /// <summary>f_m(… f₁(x)).</summary>
    public override Tensor Forward(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        foreach (var p in parts)
        {
            x = p.Forward(x);
        }

        return x;
    }

    /// <summary>f₁⁻¹(… f_m⁻¹(y)).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A part's inverse rejects its input.</exception>
    public override Tensor Inverse(Tensor y)
    {
        ArgumentNullException.ThrowIfNull(y);
        for (int i = parts.Length - 1; i >= 0; i--)
        {
            y = parts[i].Inverse(y);
        }

        return y;
    }

    /// <summary>Σₖ log |det J_{f_k}(x_{k-1})|, each term summed down to the chain's batch shape.</summary>
    public override Tensor ForwardLogDetJacobian(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        int batchRank = x.Rank - inputEventRank;
        if (batchRank < 0)
        {
            throw new ArgumentException($"{Name} needs inputs of rank ≥ {inputEventRank}; got shape {BijectorChecks.FormatShape(x)}.", nameof(x));
        }

        Tensor total = Tensor.Zeros([.. x.Shape.Take(batchRank)]);
        foreach (var p in parts)
        {
            var term = p.ForwardLogDetJacobian(x);
            while (term.Rank > batchRank)
            {
                term = term.Sum(term.Rank - 1);
            }

            total += term;
            x = p.Forward(x);
        }

        return total;
    }

    /// <summary>The shape after applying every part's <see cref="Bijector.ForwardShape"/> in order.</summary>
    public override int[] ForwardShape(int[] unconstrainedShape)
    {
        ArgumentNullException.ThrowIfNull(unconstrainedShape);
        var s = (int[])unconstrainedShape.Clone();
        foreach (var p in parts)
        {
            s = p.ForwardShape(s);
        }

        return s;
    }

    /// <summary>The shape after applying every part's <see cref="Bijector.InverseShape"/> in reverse order.</summary>
    public override int[] InverseShape(int[] constrainedShape)
    {
        ArgumentNullException.ThrowIfNull(constrainedShape);
        var s = (int[])constrainedShape.Clone();
        for (int i = parts.Length - 1; i >= 0; i--)
        {
            s = parts[i].InverseShape(s);
        }

        return s;
    }
}
