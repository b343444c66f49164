using KlDivergence.Tensors;

namespace KlDivergence.Bijectors;

/// <summary>
/// A differentiable bijection f from an unconstrained space to a constrained one, with the log of the
/// absolute Jacobian determinant needed for change of variables: if y = f(x) then
/// log p_Y(y) = log p_X(x) - log |det ∂f/∂x|. Everything is built from tensor operations, so gradients
/// flow through <see cref="Forward"/>, <see cref="Inverse"/> and both log-determinants.
/// </summary>
/// <remarks>
/// The interface follows TensorFlow Probability's <c>tfp.bijectors.Bijector</c>
/// (https://www.tensorflow.org/probability/api_docs/python/tfp/bijectors/Bijector) and PyTorch's
/// <c>torch.distributions.transforms.Transform</c>. The log-determinants are summed over the bijector's event
/// dimensions only (<see cref="InputEventRank"/> trailing dimensions of the input), so an element-wise
/// bijector returns a tensor of the input's shape and a bijector with vector events returns one value per batch entry.
/// </remarks>
public abstract class Bijector
{
    /// <summary>A short name for messages and <see cref="ToString"/>.</summary>
    public abstract string Name { get; }

    /// <summary>
    /// The number of trailing input dimensions that form one event (0 for element-wise bijectors); the
    /// log-determinant has the input's shape with these dimensions removed.
    /// </summary>
    public virtual int InputEventRank => 0;

    /// <summary>The number of trailing output dimensions that form one event (0 for element-wise bijectors).</summary>
    public virtual int OutputEventRank => 0;

    /// <summary>y = f(x): maps an unconstrained value to the constrained set.</summary>
    /// <param name="x">The unconstrained value.</param>
    public abstract Tensor Forward(Tensor x);

    /// <summary>x = f⁻¹(y): maps a constrained value back to the unconstrained space.</summary>
    /// <param name="y">The constrained value.</param>
    /// <exception cref="ArgumentOutOfRangeException">An entry of <paramref name="y"/> is outside the constrained set; the message names it.</exception>
    public abstract Tensor Inverse(Tensor y);

    /// <summary>log |det ∂f(x)/∂x|, summed over the event dimensions.</summary>
    /// <param name="x">The unconstrained value.</param>
    public abstract Tensor ForwardLogDetJacobian(Tensor x);

    /// <summary>
    /// log |det ∂f⁻¹(y)/∂y| = -log |det ∂f(x)/∂x| at x = f⁻¹(y), summed over the event dimensions.
    /// </summary>
    /// <param name="y">The constrained value.</param>
    /// <exception cref="ArgumentOutOfRangeException">An entry of <paramref name="y"/> is outside the constrained set.</exception>
    public virtual Tensor InverseLogDetJacobian(Tensor y) => -ForwardLogDetJacobian(Inverse(y));

    /// <summary>
    /// <see cref="Inverse"/> and <see cref="InverseLogDetJacobian"/> at the same y, with the same values and bits: a
    /// bijector whose log-determinant follows from x overrides this to compute the inverse once (a transformed
    /// distribution's log-density needs both).
    /// </summary>
    internal virtual (Tensor X, Tensor InverseLogDet) InverseWithLogDet(Tensor y) => (Inverse(y), InverseLogDetJacobian(y));

    /// <summary>The shape of f(x) for an input of shape <paramref name="unconstrainedShape"/> (the same shape unless overridden).</summary>
    /// <param name="unconstrainedShape">The input shape.</param>
    public virtual int[] ForwardShape(int[] unconstrainedShape)
    {
        ArgumentNullException.ThrowIfNull(unconstrainedShape);
        return (int[])unconstrainedShape.Clone();
    }

    /// <summary>The shape of f⁻¹(y) for an input of shape <paramref name="constrainedShape"/> (the same shape unless overridden).</summary>
    /// <param name="constrainedShape">The constrained shape.</param>
    public virtual int[] InverseShape(int[] constrainedShape)
    {
        ArgumentNullException.ThrowIfNull(constrainedShape);
        return (int[])constrainedShape.Clone();
    }

    /// <inheritdoc/>
    public override string ToString() => Name;
}
