using KlDivergence.Distributions;
using KlDivergence.Optimization;
using KlDivergence.Tensors;

namespace KlDivergence.Inference;

/// <summary>
/// A trainable family q_φ used to approximate a posterior: its parameters φ and how to build the distribution
/// from their current values. Building is cheap and is redone every step, so gradients reach φ.
/// </summary>
public abstract class SurrogatePosterior
{
    /// <summary>Creates a surrogate over the given parameters.</summary>
    protected SurrogatePosterior(IReadOnlyList<Parameter> parameters) =>
        Parameters = parameters ?? throw new ArgumentNullException(nameof(parameters));

    /// <summary>The trainable parameters φ.</summary>
    public IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>The distribution at the current parameter values, differentiable in them.</summary>
    public Distribution Distribution => Build(p => p.Value);

    /// <summary>The distribution at the current values with the parameters cut from the graph (a stop-gradient copy).</summary>
    public Distribution DetachedDistribution
    {
        get
        {
            using var scope = Tensor.NoGrad();
            return Build(p => p.Value.Detach());
        }
    }

    /// <summary>Validates a surrogate's dimension and initial scale, naming the bad one.</summary>
    protected static void CheckInitialValues(int dimension, double initialScale)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dimension);
        if (!(initialScale > 0) || !double.IsFinite(initialScale))
        {
            throw new ArgumentOutOfRangeException(nameof(initialScale), initialScale, "The initial scale must be positive and finite.");
        }
    }

    /// <summary>Builds the distribution from a value for each parameter.</summary>
    protected abstract Distribution Build(Func<Parameter, Tensor> valueOf);
}
