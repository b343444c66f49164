namespace KlDivergence.Models;

/// <summary>What a run of a model's body computes.</summary>
internal enum ModelRunMode
{
    /// <summary>The first run: names, shapes and bijectors of the variables, one draw at the origin.</summary>
    Discover,

    /// <summary>The log-density of packed unconstrained draws, Jacobians included.</summary>
    Unconstrained,

    /// <summary>The log-density of constrained values given by name.</summary>
    Constrained,

    /// <summary>The constrained values of packed unconstrained draws, kept by name (no log-density).</summary>
    Capture,

    /// <summary>The unconstrained initial point from constrained values given by name (defaults elsewhere).</summary>
    Initialize,

    /// <summary>Draws of the observed variables at packed unconstrained draws of the latent ones.</summary>
    Predict,
}
