using KlDivergence.Bijectors;
using KlDivergence.Tensors;

namespace KlDivergence.Optimization;

/// <summary>
/// A trainable tensor. With a bijector, the optimizer moves an unconstrained value u while the model reads
/// the constrained value y = f(u) (a positive scale through Softplus, a Cholesky factor through
/// FillScaleTriL), so no step can leave the constraint. Users read and write constrained values.
/// </summary>
/// <remarks>
/// The parameter owns a private buffer that only <see cref="Minimizer"/> and <see cref="Assign"/> write. Every
/// change publishes a new leaf tensor holding a copy of it, so a tensor read earlier (a value, a detached copy,
/// a fitted posterior built from it) never changes afterwards: tensors stay immutable in fact.
/// </remarks>
public sealed class Parameter
{
    private readonly double[] buffer;
    private readonly int[] shape;
    private Tensor leaf;

    /// <summary>Creates a parameter from its initial constrained value.</summary>
    /// <param name="initialValue">The initial value, in the constrained space.</param>
    /// <param name="bijector">Maps unconstrained to constrained values; null for an unconstrained parameter.</param>
    /// <param name="name">A name for traces and error messages.</param>
    /// <exception cref="ArgumentOutOfRangeException">The initial value is outside the bijector's range or not finite.</exception>
    public Parameter(Tensor initialValue, Bijector? bijector = null, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(initialValue);
        Bijector = bijector;
        Name = name ?? "parameter";
        Tensor raw = ToUnconstrained(initialValue, nameof(initialValue));
        buffer = raw.ToArray();
        shape = [.. raw.Shape];
        leaf = Publish();
    }

    /// <summary>The name used in traces and messages.</summary>
    public string Name { get; }

    /// <summary>The bijector from unconstrained to constrained values (null: none).</summary>
    public Bijector? Bijector { get; }

    /// <summary>
    /// The current unconstrained leaf tensor, the one gradients reach. After each optimizer step (and each
    /// <see cref="Assign"/>) this is a new tensor; a tensor read before keeps its values.
    /// </summary>
    public Tensor Unconstrained => leaf;

    /// <summary>The constrained value, differentiable in <see cref="Unconstrained"/>; read it inside the loss.</summary>
    public Tensor Value => Bijector is null ? Unconstrained : Bijector.Forward(Unconstrained);

    /// <summary>The private buffer the optimizer steps in place; never handed out.</summary>
    internal double[] Buffer => buffer;

    /// <summary>The current constrained value as a plain array (no graph).</summary>
    public double[] ToArray()
    {
        using var scope = Tensor.NoGrad();
        return Value.ToArray();
    }

    /// <summary>The current constrained value of a single-element parameter.</summary>
    public double ToScalar()
    {
        using var scope = Tensor.NoGrad();
        return Value.ToScalar();
    }

    /// <summary>Sets the constrained value (mapped back through the bijector).</summary>
    /// <exception cref="ArgumentException">The shape differs.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The value is not finite or outside the constraint.</exception>
    public void Assign(Tensor value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var raw = ToUnconstrained(value, nameof(value));
        if (!raw.Shape.AsSpan().SequenceEqual(shape))
        {
            throw new ArgumentException($"Parameter '{Name}' has unconstrained shape [{string.Join(", ", shape)}]; the value maps to [{string.Join(", ", raw.Shape)}].", nameof(value));
        }

        raw.Values.CopyTo(buffer);
        Publish();
    }

    /// <summary>The constrained value, so a parameter can stand where a tensor is expected.</summary>
    public static implicit operator Tensor(Parameter parameter)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        return parameter.Value;
    }

    /// <summary>Named alternative for the implicit conversion.</summary>
    public Tensor ToTensor() => Value;

    /// <inheritdoc/>
    public override string ToString() => $"{Name} = {Value}";

    /// <summary>Replaces the leaf with a fresh one holding a copy of the buffer (called after the buffer changed).</summary>
    internal Tensor Publish()
    {
        // From the pool: a large fit's every step publishes a copy, and fresh memory costs its page faults each time.
        var copy = TensorPool.Rent(buffer.Length);
        Buffers.CopyInto(buffer, copy);
        leaf = new Tensor(copy, shape, requiresGrad: true);
        return leaf;
    }

    /// <summary>The unconstrained image of a constrained value, checked to be finite (naming the first bad element).</summary>
    private Tensor ToUnconstrained(Tensor value, string paramName)
    {
        Tensor raw;
        using (Tensor.NoGrad())
        {
            try
            {
                raw = Bijector is null ? value : Bijector.Inverse(value);
            }
            catch (ArgumentException e)
            {
                throw new ArgumentOutOfRangeException(paramName, $"Parameter '{Name}': the value is outside the constraint of its {Bijector!.GetType().Name}. {e.Message}");
            }
        }

        var values = raw.Values;
        for (int i = 0; i < values.Length; i++)
        {
            if (!double.IsFinite(values[i]))
            {
                double given = value.Length == values.Length ? value.Values[i] : double.NaN;
                throw new ArgumentOutOfRangeException(
                    paramName,
                    given,
                    $"Parameter '{Name}': element {i} of the value ({given}) maps to the non-finite unconstrained value {values[i]}; values must be finite and inside the constraint.");
            }
        }

        return raw;
    }
}
