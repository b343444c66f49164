using KlDivergence.Bijectors;
using KlDivergence.Tensors;

namespace KlDivergence.Optimization;

/// <summary>
/// A trainable tensor. With a bijector, the optimizer moves an unconstrained value u while the model reads
/// the constrained value y = f(u) (a positive scale through Softplus, a Cholesky factor through
/// FillScaleTriL), so no step can leave the constraint. Users read and write constrained values.
/// </summary>
public sealed class Parameter
{
    /// <summary>Creates a parameter from its initial constrained value.</summary>
    /// <param name="initialValue">The initial value, in the constrained space.</param>
    /// <param name="bijector">Maps unconstrained to constrained values; null for an unconstrained parameter.</param>
    /// <param name="name">A name for traces and error messages.</param>
    /// <exception cref="ArgumentOutOfRangeException">The initial value is outside the bijector's range.</exception>
    public Parameter(Tensor initialValue, Bijector? bijector = null, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(initialValue);
        Bijector = bijector;
        Name = name ?? "parameter";
        Tensor raw;
        using (Tensor.NoGrad())
        {
            raw = bijector is null ? initialValue.Clone() : bijector.Inverse(initialValue).Clone();
        }

        foreach (double v in raw.Values)
        {
            if (!double.IsFinite(v))
            {
                throw new ArgumentOutOfRangeException(nameof(initialValue), $"Parameter '{Name}': the initial value maps to a non-finite unconstrained value.");
            }
        }

        Unconstrained = raw.RequireGrad();
    }

    /// <summary>The name used in traces and messages.</summary>
    public string Name { get; }

    /// <summary>The bijector from unconstrained to constrained values (null: none).</summary>
    public Bijector? Bijector { get; }

    /// <summary>The unconstrained leaf tensor the optimizer updates (in place) and gradients reach.</summary>
    public Tensor Unconstrained { get; }

    /// <summary>The constrained value, differentiable in <see cref="Unconstrained"/>; read it inside the loss.</summary>
    public Tensor Value => Bijector is null ? Unconstrained : Bijector.Forward(Unconstrained);

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
    /// <exception cref="ArgumentException">The shape differs or the value is outside the constraint.</exception>
    public void Assign(Tensor value)
    {
        ArgumentNullException.ThrowIfNull(value);
        using var scope = Tensor.NoGrad();
        var raw = Bijector is null ? value : Bijector.Inverse(value);
        if (!raw.Shape.SequenceEqual(Unconstrained.Shape))
        {
            throw new ArgumentException($"Parameter '{Name}' has unconstrained shape [{string.Join(", ", Unconstrained.Shape)}]; the value maps to [{string.Join(", ", raw.Shape)}].", nameof(value));
        }

        raw.Values.CopyTo(Unconstrained.Data);
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
}
