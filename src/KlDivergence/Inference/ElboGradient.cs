namespace KlDivergence.Inference;

/// <summary>
/// How the ELBO's gradient is estimated: pathwise through reparameterised samples z = g_φ(ε), stratified over a
/// mixture's components, or by the score function for surrogates that cannot be reparameterised.
/// </summary>
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

    /// <summary>
    /// The stratified ELBO of a mixture surrogate q = Σₖ wₖ qₖ (Morningstar, Vikram, Ham, Gallagher &amp; Dillon 2021):
    /// Σₖ wₖ E_{qₖ}[log p̃(z) - log q(z)], each component's expectation from its own reparameterised draws, so the
    /// gradient reaches the weights, locations and scales. Chosen automatically for a mixture whose components
    /// can be reparameterised.
    /// </summary>
    Stratified,

    /// <summary>
    /// The score-function (REINFORCE) estimator, ∇ELBO = E_q[(log p̃(z) - log q(z) - b) ∇ log q(z)], with the
    /// leave-one-out mean of the other samples' log-ratios as the baseline b (a control variate that keeps it
    /// unbiased; Kool, van Hoof &amp; Welling 2019). Chosen automatically for a surrogate with no reparameterised
    /// sampler (Bernoulli, Categorical, Poisson latents).
    /// </summary>
    ScoreFunction,
}
