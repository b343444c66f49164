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

    private readonly object gate = new();

    // Copy-on-write: Register publishes a new immutable table with its own empty cache, so a lookup resolved
    // against an older table can only write into that table's cache, never into the current one
    // (a shared cache cleared by Register let a lookup resolved before it write the old formula back after it).
    private volatile Table table = new(new Dictionary<(Type P, Type Q), Func<Distribution, Distribution, Tensor>>());
    private volatile LastLookup? last;

    /// <summary>
    /// The registry used unless another is passed: every closed form this library ships. Users may add
    /// their own pairs to it with <see cref="Register{TP, TQ}"/>.
    /// </summary>
    public static KlRegistry Default => DefaultRegistry.Value;

    /// <summary>The registered (p type, q type) pairs, in no particular order.</summary>
    public IReadOnlyList<(Type P, Type Q)> Pairs => [.. table.Formulas.Keys];

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
    /// The formula returns a batch-shaped tensor, differentiable in both parameter sets. Every lookup that starts
    /// after this returns sees the new pair.
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
            var current = table;
            if (current.Formulas.ContainsKey(key))
            {
                throw new InvalidOperationException($"A KL divergence is already registered for ({typeof(TP).Name}, {typeof(TQ).Name}).");
            }

            var formulas = new Dictionary<(Type P, Type Q), Func<Distribution, Distribution, Tensor>>(current.Formulas)
            {
                [key] = (p, q) => formula((TP)p, (TQ)q),
            };
            table = new Table(formulas);
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
        // One read of the table: everything below answers from that version only.
        var current = table;

        // Loops evaluate one pair many times: remember the last lookup (stamped with its table) before asking the dictionary.
        var recent = last;
        if (recent is not null && ReferenceEquals(recent.Table, current) && ReferenceEquals(recent.P, p) && ReferenceEquals(recent.Q, q))
        {
            return recent.Formula;
        }

        var formula = current.Cache.TryGetValue((p, q), out var hit) ? hit : current.Cache.GetOrAdd((p, q), Resolve(current.Formulas, (p, q)));
        last = new LastLookup(current, p, q, formula);
        return formula;
    }

    private static Func<Distribution, Distribution, Tensor>? Resolve(
        IReadOnlyDictionary<(Type P, Type Q), Func<Distribution, Distribution, Tensor>> formulas, (Type P, Type Q) key)
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

    /// <summary>One immutable version of the registered formulas with the cache of lookups resolved against it.</summary>
    private sealed class Table(Dictionary<(Type P, Type Q), Func<Distribution, Distribution, Tensor>> formulas)
    {
        public IReadOnlyDictionary<(Type P, Type Q), Func<Distribution, Distribution, Tensor>> Formulas { get; } = formulas;

        public ConcurrentDictionary<(Type P, Type Q), Func<Distribution, Distribution, Tensor>?> Cache { get; } = new();
    }

    private sealed record LastLookup(Table Table, Type P, Type Q, Func<Distribution, Distribution, Tensor>? Formula);
}
