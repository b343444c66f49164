using KlDivergence.Distributions;
using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Divergences;

/// <summary>
/// KL divergences between Gaussian mixtures f = Σₐ πₐ fₐ and g = Σ_b ω_b g_b, which have no closed form:
/// the deterministic approximations and the upper bound of Hershey &amp; Olsen (2007), "Approximating the Kullback
/// Leibler divergence between Gaussian mixture models", ICASSP 2007, and a stratified Monte Carlo estimator.
/// </summary>
/// <remarks>
/// The deterministic methods accept, for each argument, an unbatched <see cref="MixtureSameFamily"/> whose components
/// are <see cref="Normal"/>, <see cref="MultivariateNormal"/> or <see cref="MultivariateNormalDiag"/>, or one such
/// Gaussian (a mixture of one component); batched mixtures are not supported. They need only the pairwise component
/// divergences D(fₐ ‖ g_b) (the library's Cholesky-based Gaussian closed form) and Gaussian overlaps, and their values
/// are differentiable in all parameters. Components of weight zero are dropped (they do not change either density).
/// Each result has <see cref="KlMethod.Bound"/>, a standard error of 0 (the value is deterministic; its distance to the
/// true divergence is not estimated) and a sample count of 0.
/// </remarks>
public static class MixtureKl
{
    /// <summary>
    /// The variational approximation of Hershey &amp; Olsen (2007):
    /// D_var(f ‖ g) = Σₐ πₐ log( Σₐ' πₐ' exp(-D(fₐ ‖ fₐ')) / Σ_b ω_b exp(-D(fₐ ‖ g_b)) ),
    /// evaluated with log-sum-exp. It is exact when both are single Gaussians and zero when f = g, but it is neither
    /// an upper nor a lower bound in general (<see cref="KlResult.IsUpperBound"/> is false).
    /// </summary>
    /// <param name="p">The first argument f (the expectation is under f).</param>
    /// <param name="q">The second argument g.</param>
    /// <exception cref="ArgumentException">An argument is not an unbatched Gaussian or Gaussian mixture, or the dimensions differ.</exception>
    public static KlResult Variational(Distribution p, Distribution q)
    {
        var (f, g) = Parts(p, q);
        var self = GaussianPairs.Kl(f, f);
        var cross = GaussianPairs.Kl(f, g);
        var numerator = (f.LogWeights.Unsqueeze(0) - self).LogSumExp(1);
        var denominator = (g.LogWeights.Unsqueeze(0) - cross).LogSumExp(1);
        return Deterministic((f.Weights * (numerator - denominator)).Sum(), isUpperBound: false);
    }

    /// <summary>
    /// The product-of-Gaussians approximation of Hershey &amp; Olsen (2007), from the "likelihood" of f under itself and
    /// under g with the expectation replaced by overlaps:
    /// D_prod(f ‖ g) = Σₐ πₐ log( Σₐ' πₐ' zₐₐ' / Σ_b ω_b tₐ_b ), zₐₐ' = ∫ fₐ fₐ', tₐ_b = ∫ fₐ g_b,
    /// with ∫ N(x; μ₁, Σ₁) N(x; μ₂, Σ₂) dx = N(μ₁; μ₂, Σ₁ + Σ₂). It is zero when f = g, but it is not exact even for two
    /// single Gaussians (for N(0, σ²) and N(m, σ²) it gives m²/(4σ²) instead of m²/(2σ²)), and it is not a bound.
    /// </summary>
    /// <inheritdoc cref="Variational" path="/param"/>
    /// <inheritdoc cref="Variational" path="/exception"/>
    public static KlResult Product(Distribution p, Distribution q)
    {
        var (f, g) = Parts(p, q);
        var numerator = (f.LogWeights.Unsqueeze(0) + GaussianPairs.LogOverlap(f, f)).LogSumExp(1);
        var denominator = (g.LogWeights.Unsqueeze(0) + GaussianPairs.LogOverlap(f, g)).LogSumExp(1);
        return Deterministic((f.Weights * (numerator - denominator)).Sum(), isUpperBound: false);
    }

    /// <summary>
    /// The variational upper bound of Hershey &amp; Olsen (2007), minimised by their alternating updates.
    /// For any couplings φ ≥ 0, ψ ≥ 0 on pairs (a, b) with Σ_b φₐ_b = πₐ and Σₐ ψₐ_b = ω_b,
    /// KL(f ‖ g) ≤ D_φψ = Σₐ_b φₐ_b log(φₐ_b / ψₐ_b) + Σₐ_b φₐ_b D(fₐ ‖ g_b).
    /// Proof: F(a, b, x) = φₐ_b fₐ(x) and G(a, b, x) = ψₐ_b g_b(x) are densities on (a, b, x) whose x-marginals are f
    /// and g; by the chain rule KL(F ‖ G) = KL(f ‖ g) + E_f[KL(F(a, b | x) ‖ G(a, b | x))] ≥ KL(f ‖ g), and
    /// KL(F ‖ G) = D_φψ by direct integration. The bound is minimised by alternating the exact partial minimisers
    /// φₐ_b ← πₐ ψₐ_b e^{-D(fₐ‖g_b)} / Σ_b' ψₐ_b' e^{-D(fₐ‖g_b')} and ψₐ_b ← ω_b φₐ_b / Σₐ' φₐ'_b
    /// (in the log domain), starting from φ = ψ = π ⊗ ω, where D_φψ = Σₐ_b πₐ ω_b D(fₐ ‖ g_b) is the convexity bound;
    /// each update cannot increase D_φψ, so the result is at most the convexity bound, and since every iterate is a
    /// valid coupling it is an upper bound whether or not the iteration has converged.
    /// </summary>
    /// <remarks>
    /// The returned value is D_φψ written over tensors with the final conditionals φₐ_b/πₐ and ψₐ_b/ω_b held fixed; it
    /// is still a valid bound, and at convergence its gradient is the gradient of the minimised bound (envelope
    /// theorem: the constraints on the conditionals do not depend on the parameters).
    /// </remarks>
    /// <param name="p">The first argument f (the expectation is under f).</param>
    /// <param name="q">The second argument g.</param>
    /// <param name="maxIterations">The largest number of alternating (φ, ψ) updates; 0 gives the convexity bound. 200 by default.</param>
    /// <param name="tolerance">Stop when one update lowers the bound by at most tolerance · max(1, |D_φψ|); 1e-12 by default.</param>
    /// <exception cref="ArgumentException">An argument is not an unbatched Gaussian or Gaussian mixture, or the dimensions differ.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxIterations"/> is negative or <paramref name="tolerance"/> is negative or NaN.</exception>
    public static KlResult VariationalUpperBound(Distribution p, Distribution q, int maxIterations = 200, double tolerance = 1e-12)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxIterations);
        if (!(tolerance >= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(tolerance), tolerance, "The tolerance must be non-negative.");
        }

        var (f, g) = Parts(p, q);
        var divergences = GaussianPairs.Kl(f, g);
        var (logConditionalF, logConditionalG) = MatchedBound.Minimise(
            f.LogWeights.ToArray(), g.LogWeights.ToArray(), divergences.ToArray(), maxIterations, tolerance);

        int rows = f.Count, columns = g.Count;
        var logPhiGivenA = new Tensor(logConditionalF, [rows, columns]);
        var logPsiGivenB = new Tensor(logConditionalG, [rows, columns]);
        var phi = logPhiGivenA.Exp() * f.Weights.Unsqueeze(1);
        var logRatio = f.LogWeights.Unsqueeze(1) + logPhiGivenA - g.LogWeights.Unsqueeze(0) - logPsiGivenB;
        return Deterministic((phi * (logRatio + divergences)).Sum(), isUpperBound: true);
    }

    /// <summary>
    /// Monte Carlo KL(p ‖ q) stratified over p's components: with p = Σₖ wₖ pₖ,
    /// KL(p ‖ q) = Σₖ wₖ E_{pₖ}[log p(X) - log q(X)] ≈ Σₖ wₖ m̂ₖ, where m̂ₖ is the mean of log p(x) - log q(x) over nₖ
    /// independent draws x ~ pₖ, and the standard error is √(Σₖ wₖ² sₖ² / nₖ) with sₖ² the sample variance in stratum k.
    /// The sample sizes are proportional to the weights (largest-remainder rounding of n wₖ), at least 2 per component of
    /// positive weight (components of weight zero are skipped), so <see cref="KlResult.SampleCount"/> may exceed
    /// <paramref name="sampleCount"/> when some weights are small. Proportional allocation never has a larger variance
    /// than ancestral sampling: the between-component part of the variance, Σₖ wₖ (mₖ - KL)², is removed
    /// (Cochran 1977, Sampling Techniques, §5.5); the gain is largest for well-separated components.
    /// </summary>
    /// <remarks>
    /// p must be unbatched; its components may be any family (not only Gaussian). All components are sampled together
    /// as one batch of max nₖ draws and stratum k uses the first nₖ draws of component k, so the strata are independent.
    /// No gradient is recorded. Where the log-ratio is +∞ (p puts mass where q has none) the value is +∞ with standard error 0.
    /// </remarks>
    /// <param name="p">The mixture the expectation is under, unbatched.</param>
    /// <param name="q">The second argument, with the same event shape and batch shape [].</param>
    /// <param name="sampleCount">The target total number of draws n (at least 2).</param>
    /// <param name="random">The random stream; the same state gives bit-identical results.</param>
    /// <exception cref="ArgumentException">p or q is batched, or their event shapes differ.</exception>
    public static KlResult StratifiedMonteCarlo(MixtureSameFamily p, Distribution q, int sampleCount, RandomStream random) =>
        StratifiedMixtureMonteCarlo.Estimate(p, q, sampleCount, random);

    private static (GaussianMixtureParts F, GaussianMixtureParts G) Parts(Distribution p, Distribution q)
    {
        var f = GaussianMixtureParts.From(p, nameof(p));
        var g = GaussianMixtureParts.From(q, nameof(q));
        if (f.Dimension != g.Dimension || p.EventShapeArray.Length != q.EventShapeArray.Length)
        {
            throw new ArgumentException(
                $"{nameof(MixtureKl)} needs distributions over the same events: {p.FamilyName} has event shape {Shapes.Format(p.EventShapeArray)}, {q.FamilyName} has {Shapes.Format(q.EventShapeArray)}.",
                nameof(q));
        }

        return (f, g);
    }

    private static KlResult Deterministic(Tensor value, bool isUpperBound) =>
        new(value, KlMethod.Bound, Tensor.Scalar(0.0), 0, isUpperBound);
}
