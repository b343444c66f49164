namespace KlDivergence.Inference;

/// <summary>How the ELBO's gradient is estimated (all use reparameterised samples z = g_φ(ε)).</summary>
public enum ElboGradient
{
    /// <summary>Monte Carlo of log p̃(z) - log q_φ(z) (the default; Kingma &amp; Welling 2014).</summary>
    Reparameterized,

    /// <summary>Monte Carlo of log p̃(z) plus the closed-form entropy H[q_φ] (lower variance where the entropy is known).</summary>
    AnalyticEntropy,

    /// <summary>
    /// "Sticking the landing" (Roeder, Wu &amp; Duvenaud 2017): log q is evaluated with φ cut from the graph, dropping
    /// the score term whose expectation is zero; its variance vanishes as q approaches the posterior.
    /// </summary>
    StickingTheLanding,
}
