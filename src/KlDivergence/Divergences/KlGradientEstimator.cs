namespace KlDivergence.Divergences;

/// <summary>How the gradient of a KL value with respect to the distributions' parameters was obtained.</summary>
public enum KlGradientEstimator
{
    /// <summary>No gradient was recorded (no parameter required one, or gradients were off).</summary>
    None,

    /// <summary>The gradient of a deterministic value (closed form, quadrature sum, bound).</summary>
    Exact,

    /// <summary>Monte Carlo with reparameterised samples of p (pathwise gradient).</summary>
    Reparameterized,

    /// <summary>Monte Carlo with the score-function (REINFORCE) term for a p that cannot be reparameterised.</summary>
    ScoreFunction,
}
