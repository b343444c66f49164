using System.Collections.Concurrent;
using KlDivergence.Distributions;
using KlDivergence.Tensors;

namespace KlDivergence.Divergences;

/// <summary>
/// Closed-form KL divergences registered per pair of distribution types. A lookup for (typeof(p), typeof(q))
/// dispatches to the most specific registered pair up both class hierarchies, as PyTorch's
/// <c>register_kl</c> does; unlike PyTorch, an ambiguous match and a second registration of a pair are errors
/// that name the types. Lookups are cached and thread-safe.
/// </summary>
public sealed class KlRegistry
{
    private static readonly Lazy<KlRegistry> DefaultRegistry = new(CreateDefault);

    private readonly Dictionary<(Type P, Type Q), Func<Distribution, Distribution, Tensor>> formulas = [];
    private readonly ConcurrentDictionary<(Type P, Type Q), Func<Distribution, Distribution, Tensor>?> cache = new();
    private readonly object gate = new();
    private volatile LastLookup? last;

    /// <summary>
    /// The registry used unless another is passed: every closed form this library ships. Users may add
    /// their own pairs to it with <see cref="Register{TP, TQ}"/>.
    /// </summary>
    public static KlRegistry Default => DefaultRegistry.Value;

    /// <summary>The registered (p type, q type) pairs, in no particular order.</summary>
    public IReadOnlyList<(Type P, Type Q)> Pairs
    {
        get
        {
            lock (gate)
            {
                return [.. formulas.Keys];
            }
        }
    }

    /// <summary>Creates a registry holding every closed form this library ships.</summary>
    public static KlRegistry CreateDefault()
    {
        var registry = new KlRegistry();
        BuiltInKlPairs.RegisterAll(registry);
        return registry;
    }

    /// <summary>
    /// Registers the closed form KL(p ‖ q) for p of type <typeparamref name="TP"/> and q of type
    /// <typeparamref name="TQ"/> (and their subclasses, unless a more specific pair is registered).
    /// The formula returns a batch-shaped tensor, differentiable in both parameter sets.
    /// </summary>
    /// <exception cref="InvalidOperationException">The pair is already registered.</exception>
    public void Register<TP, TQ>(Func<TP, TQ, Tensor> formula)
        where TP : Distribution
        where TQ : Distribution
    {
        ArgumentNullException.ThrowIfNull(formula);
        lock (gate)
        {
            var key = (typeof(TP), typeof(TQ));
            if (formulas.ContainsKey(key))
            {
                throw new InvalidOperationException($"A KL divergence is already registered for ({typeof(TP).Name}, {typeof(TQ).Name}).");
            }

            formulas[key] = (p, q) => formula((TP)p, (TQ)q);
            cache.Clear();
            last = null;
        }
    }

    /// <summary>True when a closed form applies to this pair of distributions.</summary>
    /// <exception cref="InvalidOperationException">Two registered pairs match equally well (ambiguous).</exception>
    public bool HasClosedForm(Distribution p, Distribution q)
    {
        ArgumentNullException.ThrowIfNull(p);
        ArgumentNullException.ThrowIfNull(q);
        return Find(p.GetType(), q.GetType()) is not null;
    }

    /// <summary>The closed-form KL(p ‖ q), batch-shaped; null when no pair is registered for these types.</summary>
    /// <exception cref="InvalidOperationException">Two registered pairs match equally well (ambiguous).</exception>
    public Tensor? TryEvaluate(Distribution p, Distribution q)
    {
        ArgumentNullException.ThrowIfNull(p);
        ArgumentNullException.ThrowIfNull(q);
        return Find(p.GetType(), q.GetType())?.Invoke(p, q);
    }

    private Func<Distribution, Distribution, Tensor>? Find(Type p, Type q)
    {
        // Loops evaluate one pair many times: remember the last lookup before asking the dictionary.
        var recent = last;
        if (recent is not null && ReferenceEquals(recent.P, p) && ReferenceEquals(recent.Q, q))
        {
            return recent.Formula;
        }

        var formula = cache.TryGetValue((p, q), out var hit) ? hit : cache.GetOrAdd((p, q), Resolve((p, q)));
        last = new LastLookup(p, q, formula);
        return formula;
    }

    private Func<Distribution, Distribution, Tensor>? Resolve((Type P, Type Q) key)
    {
        lock (gate)
        {
            if (formulas.TryGetValue(key, out var exact))
            {
                return exact;
            }

            var matches = formulas.Keys.Where(k => k.P.IsAssignableFrom(key.P) && k.Q.IsAssignableFrom(key.Q)).ToList();

            // Keep the matches no other match is more specific than (on both sides, strictly on one).
            var best = matches.Where(m => !matches.Any(o => o != m && m.P.IsAssignableFrom(o.P) && m.Q.IsAssignableFrom(o.Q))).ToList();
            if (best.Count > 1)
            {
                string names = string.Join(", ", best.Select(b => $"({b.P.Name}, {b.Q.Name})"));
                throw new InvalidOperationException(
                    $"Ambiguous KL registration for ({key.P.Name}, {key.Q.Name}): {names} match equally well. Register ({key.P.Name}, {key.Q.Name}) to decide.");
            }

            return best.Count == 1 ? formulas[best[0]] : null;
        }
    }

    private sealed record LastLookup(Type P, Type Q, Func<Distribution, Distribution, Tensor>? Formula);
}
