using KlDivergence.Distributions;
using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Divergences;

/// <summary>
/// The entry point for KL divergences KL(p ‖ q) = E_p[log p(X) - log q(X)]: exact where a closed form is
/// registered, otherwise estimated, always saying how (see <see cref="KlResult"/>). The first argument is the
/// distribution the expectation is taken under.
/// </summary>
public static class Kl
{
    /// <summary>
    /// KL(p ‖ q) by the method in <paramref name="options"/> (default: automatic — closed form if registered,
    /// else +∞ by a rule where the supports, measures or tails make it infinite, else adaptive quadrature for
    /// univariate continuous pairs, else Monte Carlo).
    /// </summary>
    /// <exception cref="NoClosedFormException">The closed form was required and none is registered.</exception>
    /// <exception cref="ArgumentException">The distributions' event shapes differ or the options are invalid.</exception>
    public static KlResult Divergence(Distribution p, Distribution q, KlOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(p);
        ArgumentNullException.ThrowIfNull(q);
        options ??= Defaults;
        var registry = options.Registry ?? KlRegistry.Default;
        (p, q) = Align(p, q, registry);
        switch (options.Method)
        {
            case KlMethodChoice.ClosedForm:
                return ClosedFormResult(Exact(p, q, registry));
            case KlMethodChoice.Quadrature:
                return Quadrature(p, q, options);
            case KlMethodChoice.MonteCarlo:
                return MonteCarlo(p, q, options.SampleCount, new RandomStream(options.Seed), options.RequireReliable);
            case KlMethodChoice.Auto:
                var exact = TryExact(p, q, registry);
                if (exact is not null)
                {
                    return ClosedFormResult(exact);
                }

                return QuadratureKl.Applies(p, q)
                    ? Quadrature(p, q, options)
                    : MonteCarlo(p, q, options.SampleCount, new RandomStream(options.Seed), options.RequireReliable);
            default:
                throw new ArgumentOutOfRangeException(nameof(options), options.Method, "Unknown KL method.");
        }
    }

    /// <summary>A closed-form value: no error, and an exact gradient when the value records a graph.</summary>
    private static KlResult ClosedFormResult(Tensor value) =>
        new(value, KlMethod.ClosedForm, ZeroError, 0, gradientEstimator: value.RequiresGrad ? KlGradientEstimator.Exact : KlGradientEstimator.None);

    /// <summary>The closed-form KL(p ‖ q), batch-shaped and differentiable in both distributions' parameters.</summary>
    /// <exception cref="NoClosedFormException">No closed form is registered for the pair; the message names both families.</exception>
    public static Tensor Exact(Distribution p, Distribution q, KlRegistry? registry = null)
    {
        ArgumentNullException.ThrowIfNull(p);
        ArgumentNullException.ThrowIfNull(q);
        registry ??= KlRegistry.Default;
        (p, q) = Align(p, q, registry);
        return registry.TryEvaluate(p, q) ?? throw new NoClosedFormException(p.FamilyName, q.FamilyName);
    }

    /// <summary>
    /// The Monte Carlo estimate of KL(p ‖ q) from <paramref name="sampleCount"/> samples of p, with its
    /// standard error. Reparameterised when p allows it, so the value is differentiable in p's parameters
    /// (the estimator the notebooks' reverse-KL fits use) and in q's. Where KL is +∞ by a rule (supports, measures,
    /// tails; see <see cref="KlMethod.Rule"/>) that is the answer, before sampling.
    /// </summary>
    /// <remarks>
    /// When gradients are recorded and p has no reparameterised sampler, the score-function term is added so the
    /// gradient with respect to p's parameters is unbiased (<see cref="KlResult.GradientEstimator"/> says which).
    /// The result carries the Pareto k-hat of the per-draw terms and is flagged unreliable above 0.7.
    /// </remarks>
    public static KlResult MonteCarlo(Distribution p, Distribution q, int sampleCount, RandomStream random) =>
        MonteCarlo(p, q, sampleCount, random, requireReliable: false);

    /// <summary>
    /// As <see cref="MonteCarlo(Distribution, Distribution, int, RandomStream)"/>; with
    /// <paramref name="requireReliable"/> an estimate the library cannot vouch for (Pareto k-hat of the per-draw
    /// terms above 0.7, or too few draws to tell) throws instead of being returned flagged.
    /// </summary>
    /// <exception cref="UnreliableKlException"><paramref name="requireReliable"/> is set and the estimate is not reliable.</exception>
    public static KlResult MonteCarlo(Distribution p, Distribution q, int sampleCount, RandomStream random, bool requireReliable)
    {
        ArgumentNullException.ThrowIfNull(p);
        ArgumentNullException.ThrowIfNull(q);
        ArgumentNullException.ThrowIfNull(random);
        ArgumentOutOfRangeException.ThrowIfLessThan(sampleCount, 2);
        (p, q) = Align(p, q, KlRegistry.Default);
        var verdict = KlFiniteness.Check(p, q);
        if (verdict is { All: true })
        {
            return verdict.ToResult();
        }

        var estimate = MonteCarloKl.Estimate(p, q, sampleCount, random);
        var result = verdict is null ? estimate : verdict.Merge(estimate);
        return requireReliable && !result.IsReliable ? throw new UnreliableKlException(p.FamilyName, q.FamilyName, result) : result;
    }

    /// <summary>
    /// KL(p ‖ q) by adaptive Gauss–Kronrod quadrature of p(x)(log p(x) - log q(x)) over p's support, for
    /// univariate continuous distributions, with the integrator's error estimate. The value is differentiable:
    /// it is the final quadrature sum written over tensors.
    /// </summary>
    /// <remarks>Where KL is +∞ by a rule (supports, measures, tails; see <see cref="KlMethod.Rule"/>) that is the answer, before integrating.</remarks>
    /// <exception cref="ArgumentException">A distribution is not univariate and continuous.</exception>
    public static KlResult Quadrature(Distribution p, Distribution q, double absoluteTolerance = 1e-10)
    {
        ArgumentNullException.ThrowIfNull(p);
        ArgumentNullException.ThrowIfNull(q);
        (p, q) = Align(p, q, KlRegistry.Default);
        var verdict = KlFiniteness.Check(p, q);
        if (verdict is { All: true })
        {
            return verdict.ToResult();
        }

        if (!QuadratureKl.Applies(p, q))
        {
            throw new ArgumentException(
                $"Quadrature needs univariate continuous distributions; got {p.FamilyName} and {q.FamilyName}. Use Kl.MonteCarlo.", nameof(p));
        }

        var estimate = QuadratureKl.Integrate(p, q, absoluteTolerance, verdict?.Infinite);
        return verdict is null ? estimate : verdict.Merge(estimate);
    }

    /// <summary>
    /// KL(p ‖ q) by adaptive quadrature with the tolerance of <paramref name="options"/>
    /// (<see cref="KlOptions.QuadratureTolerance"/>); when <see cref="KlOptions.RequireReliable"/> is set, a result the
    /// integrator cannot certify (mass of p missed, a tail that does not converge, the subdivision limit reached, a
    /// NaN integrand) throws instead of being returned with <see cref="KlResult.IsReliable"/> false.
    /// </summary>
    /// <exception cref="ArgumentException">A distribution is not univariate and continuous.</exception>
    /// <exception cref="UnreliableKlException"><see cref="KlOptions.RequireReliable"/> is set and the result is not certified.</exception>
    public static KlResult Quadrature(Distribution p, Distribution q, KlOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var result = Quadrature(p, q, options.QuadratureTolerance);
        return options.RequireReliable && !result.IsReliable ? throw new UnreliableKlException(p.FamilyName, q.FamilyName, result) : result;
    }

    /// <summary>
    /// The symmetric (Jeffreys) divergence J(p, q) = KL(p ‖ q) + KL(q ‖ p), each direction by
    /// <see cref="Divergence(Distribution, Distribution, KlOptions?)"/>; the method reported is the less exact of the two
    /// and the standard errors add in quadrature.
    /// </summary>
    public static KlResult Jeffreys(Distribution p, Distribution q, KlOptions? options = null)
    {
        var forward = Divergence(p, q, options);
        var backward = Divergence(q, p, options);
        return Combine(forward, backward, 1.0, "KL(p ‖ q)", "KL(q ‖ p)");
    }

    /// <summary>
    /// The Jensen–Shannon divergence JS(p, q) = ½ KL(p ‖ m) + ½ KL(q ‖ m) with m = ½(p + q) (Lin 1991): symmetric,
    /// finite (at most log 2) even when the supports differ. The mixture m has no closed-form KL, so each term is
    /// estimated (quadrature for univariate continuous pairs, else Monte Carlo).
    /// </summary>
    public static KlResult JensenShannon(Distribution p, Distribution q, KlOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(p);
        ArgumentNullException.ThrowIfNull(q);
        (p, q) = Align(p, q, options?.Registry ?? KlRegistry.Default);
        var m = new Mixture(Tensor.Vector(0.5, 0.5), [p, q]);
        var fromP = Divergence(p, m, options);
        var fromQ = Divergence(q, m, options);
        return Combine(fromP, fromQ, 0.5, "KL(p ‖ m)", "KL(q ‖ m)");
    }

    /// <summary>
    /// weight · (a + b): standard errors add in quadrature; +∞ decided by a rule on either side makes the sum a rule
    /// result; otherwise the less exact method is reported. Reliable only when both are; the reasons are kept.
    /// </summary>
    private static KlResult Combine(KlResult a, KlResult b, double weight, string aName, string bName)
    {
        var value = (a.Value + b.Value) * weight;
        Tensor error;
        using (Tensor.NoGrad())
        {
            error = ((a.StandardError.Square() + b.StandardError.Square()).Sqrt()) * weight;
        }

        var method = a.Method == KlMethod.Rule || b.Method == KlMethod.Rule
            ? KlMethod.Rule
            : (KlMethod)Math.Max((int)a.Method, (int)b.Method);
        string? reason = (a.Reason, b.Reason) switch
        {
            (null, null) => null,
            (string x, null) => $"{aName}: {x}",
            (null, string y) => $"{bName}: {y}",
            (string x, string y) => $"{aName}: {x} {bName}: {y}",
        };
        return new KlResult(value, method, error, a.SampleCount + b.SampleCount, isReliable: a.IsReliable && b.IsReliable, reason: reason);
    }

    private static KlOptions Defaults { get; } = new();

    /// <summary>The closed form if one applies; null when none is registered or a composite pair has none.</summary>
    private static Tensor? TryExact(Distribution p, Distribution q, KlRegistry registry)
    {
        try
        {
            return registry.TryEvaluate(p, q);
        }
        catch (NoClosedFormException)
        {
            return null;
        }
    }

    private static Tensor ZeroError { get; } = 0.0;

    /// <summary>
    /// The pair itself when the event shapes agree; else an equivalent pair whose shapes do (a Categorical against a
    /// OneHotCategorical); else an error naming both shapes.
    /// </summary>
    private static (Distribution P, Distribution Q) Align(Distribution p, Distribution q, KlRegistry registry)
    {
        if (Shapes.Equal(p.EventShapeArray, q.EventShapeArray))
        {
            return RequireBroadcastBatches(p, q);
        }

        var aligned = registry.AlignEvents(p, q) ?? throw new ArgumentException(
            $"KL needs distributions over the same events: {p.FamilyName} has event shape {Shapes.Format(p.EventShapeArray)}, {q.FamilyName} has {Shapes.Format(q.EventShapeArray)}.", nameof(q));
        return RequireBroadcastBatches(aligned.P, aligned.Q);
    }

    private static (Distribution P, Distribution Q) RequireBroadcastBatches(Distribution p, Distribution q)
    {
        if (!Shapes.CanBroadcast(p.BatchShapeArray, q.BatchShapeArray))
        {
            throw new ArgumentException(
                $"KL(p ‖ q) is taken batch by batch, so the batch shapes must broadcast: p ({p.FamilyName}) has batch shape {Shapes.Format(p.BatchShapeArray)}, q ({q.FamilyName}) has {Shapes.Format(q.BatchShapeArray)}.", nameof(q));
        }

        return (p, q);
    }
}
