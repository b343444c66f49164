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
    /// else adaptive quadrature for univariate continuous pairs, else Monte Carlo).
    /// </summary>
    /// <exception cref="NoClosedFormException">The closed form was required and none is registered.</exception>
    /// <exception cref="ArgumentException">The distributions' event shapes differ or the options are invalid.</exception>
    public static KlResult Divergence(Distribution p, Distribution q, KlOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(p);
        ArgumentNullException.ThrowIfNull(q);
        options ??= Defaults;
        RequireSameEvent(p, q);
        var registry = options.Registry ?? KlRegistry.Default;
        switch (options.Method)
        {
            case KlMethodChoice.ClosedForm:
                return new KlResult(Exact(p, q, registry), KlMethod.ClosedForm, ZeroError, 0);
            case KlMethodChoice.Quadrature:
                return Quadrature(p, q, options.QuadratureTolerance);
            case KlMethodChoice.MonteCarlo:
                return MonteCarlo(p, q, options.SampleCount, new RandomStream(options.Seed), options.RequireReliable);
            case KlMethodChoice.Auto:
                var exact = TryExact(p, q, registry);
                if (exact is not null)
                {
                    return new KlResult(exact, KlMethod.ClosedForm, ZeroError, 0);
                }

                return QuadratureKl.Applies(p, q)
                    ? Quadrature(p, q, options.QuadratureTolerance)
                    : MonteCarlo(p, q, options.SampleCount, new RandomStream(options.Seed), options.RequireReliable);
            default:
                throw new ArgumentOutOfRangeException(nameof(options), options.Method, "Unknown KL method.");
        }
    }

    /// <summary>The closed-form KL(p ‖ q), batch-shaped and differentiable in both distributions' parameters.</summary>
    /// <exception cref="NoClosedFormException">No closed form is registered for the pair; the message names both families.</exception>
    public static Tensor Exact(Distribution p, Distribution q, KlRegistry? registry = null)
    {
        ArgumentNullException.ThrowIfNull(p);
        ArgumentNullException.ThrowIfNull(q);
        RequireSameEvent(p, q);
        return (registry ?? KlRegistry.Default).TryEvaluate(p, q) ?? throw new NoClosedFormException(p.FamilyName, q.FamilyName);
    }

    /// <summary>
    /// The Monte Carlo estimate of KL(p ‖ q) from <paramref name="sampleCount"/> samples of p, with its
    /// standard error. Reparameterised when p allows it, so the value is differentiable in p's parameters
    /// (the estimator the notebooks' reverse-KL fits use) and in q's.
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
        RequireSameEvent(p, q);
        var result = MonteCarloKl.Estimate(p, q, sampleCount, random);
        return requireReliable && !result.IsReliable ? throw new UnreliableKlException(p.FamilyName, q.FamilyName, result) : result;
    }

    /// <summary>
    /// KL(p ‖ q) by adaptive Gauss–Kronrod quadrature of p(x)(log p(x) - log q(x)) over p's support, for
    /// univariate continuous distributions, with the integrator's error estimate. The value is differentiable:
    /// it is the final quadrature sum written over tensors.
    /// </summary>
    /// <exception cref="ArgumentException">A distribution is not univariate and continuous.</exception>
    public static KlResult Quadrature(Distribution p, Distribution q, double absoluteTolerance = 1e-10)
    {
        ArgumentNullException.ThrowIfNull(p);
        ArgumentNullException.ThrowIfNull(q);
        if (!QuadratureKl.Applies(p, q))
        {
            throw new ArgumentException(
                $"Quadrature needs univariate continuous distributions; got {p.FamilyName} and {q.FamilyName}. Use Kl.MonteCarlo.", nameof(p));
        }

        return QuadratureKl.Integrate(p, q, absoluteTolerance);
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
        return Combine(forward, backward, 1.0);
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
        RequireSameEvent(p, q);
        var m = new Mixture(Tensor.Vector(0.5, 0.5), [p, q]);
        var fromP = Divergence(p, m, options);
        var fromQ = Divergence(q, m, options);
        return Combine(fromP, fromQ, 0.5);
    }

    private static KlResult Combine(KlResult a, KlResult b, double weight)
    {
        var value = (a.Value + b.Value) * weight;
        Tensor error;
        using (Tensor.NoGrad())
        {
            error = ((a.StandardError.Square() + b.StandardError.Square()).Sqrt()) * weight;
        }

        var method = (KlMethod)Math.Max((int)a.Method, (int)b.Method);
        return new KlResult(value, method, error, a.SampleCount + b.SampleCount);
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

    private static void RequireSameEvent(Distribution p, Distribution q)
    {
        if (!Shapes.Equal(p.EventShapeArray, q.EventShapeArray))
        {
            throw new ArgumentException(
                $"KL needs distributions over the same events: {p.FamilyName} has event shape {Shapes.Format(p.EventShapeArray)}, {q.FamilyName} has {Shapes.Format(q.EventShapeArray)}.", nameof(q));
        }
    }
}
