using System.Collections.Concurrent;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using KlDivergence.Distributions;
using KlDivergence.Tensors;

namespace KlDivergence.Divergences;

/// <summary>
/// Closed-form KL divergences registered per pair of distribution types. A lookup for (typeof(p), typeof(q))
/// dispatches to the most specific registered pair up both class hierarchies, as PyTorch's
/// <c>register_kl</c> does; unlike PyTorch, an ambiguous match and a second registration of a pair are errors
/// that name the types. Lookups are cached and thread-safe. When no pair matches, the registry tries the
/// distributions' canonical equivalents (<see cref="RegisterEquivalent{T}"/>: e.g. an Independent over a batch of
/// normals is a diagonal multivariate normal), so one exact formula serves every way of writing the same law.
/// </summary>
public sealed class KlRegistry
{
    private static readonly Lazy<KlRegistry> DefaultRegistry = new(CreateDefault);

    private readonly object gate = new();

    // Copy-on-write: Register publishes a new immutable table with its own empty cache, so a lookup resolved
    // against an older table can only write into that table's cache, never into the current one
    // (a shared cache cleared by Register let a lookup resolved before it write the old formula back after it).
    private volatile Table table = new(new Dictionary<(Type P, Type Q), Func<Distribution, Distribution, Tensor>>(), []);
    private volatile LastLookup? last;
    private bool registeringBuiltIns;

    /// <summary>The longest chain of rewrites followed from one distribution (guards against rewrite cycles).</summary>
    private const int MaxRewrites = 4;

    /// <summary>
    /// The registry used unless another is passed: every closed form this library ships. Users may add
    /// their own pairs to it with <see cref="Register{TP, TQ}"/>.
    /// </summary>
    public static KlRegistry Default => DefaultRegistry.Value;

    /// <summary>The registered (p type, q type) pairs, in no particular order.</summary>
    public IReadOnlyList<(Type P, Type Q)> Pairs => [.. table.Formulas.Keys];

    /// <summary>
    /// The registered pairs together with the pairs answered through a canonical rewrite that always applies
    /// (<see cref="RegisterEquivalent{T, TCanonical}"/>, e.g. Chi2 as Gamma): (T, Q) is listed when (TCanonical, Q) is,
    /// and (P, T) when (P, TCanonical) is, repeatedly. Conditional rewrites (<see cref="RegisterEquivalent{T}"/>) are
    /// not listed, since they answer only for some instances. In no particular order.
    /// </summary>
    public IReadOnlyList<(Type P, Type Q)> ReachablePairs
    {
        get
        {
            var current = table;
            var pairs = new HashSet<(Type P, Type Q)>(current.Formulas.Keys);
            var rewrites = current.Equivalents.Where(e => e.Target is not null).Select(e => (From: e.Type, To: e.Target!)).ToList();
            bool grew = rewrites.Count > 0;
            while (grew)
            {
                grew = false;
                foreach (var (p, q) in pairs.ToList())
                {
                    foreach (var (from, to) in rewrites)
                    {
                        grew |= (p == to && pairs.Add((from, q))) | (q == to && pairs.Add((p, from)));
                    }
                }
            }

            return [.. pairs];
        }
    }

    /// <summary>Creates a registry holding every closed form this library ships.</summary>
    public static KlRegistry CreateDefault()
    {
        var registry = new KlRegistry { registeringBuiltIns = true };
        BuiltInKlPairs.RegisterAll(registry);
        BuiltInEquivalences.RegisterAll(registry);
        registry.registeringBuiltIns = false;
        return registry;
    }

    /// <summary>
    /// Registers the closed form KL(p ‖ q) for p of type <typeparamref name="TP"/> and q of type
    /// <typeparamref name="TQ"/> (and their subclasses, unless a more specific pair is registered).
    /// The formula returns a batch-shaped tensor, differentiable in both parameter sets. Every lookup that starts
    /// after this returns sees the new pair. A formula registered here that returns NaN for (valid, constructed)
    /// distributions makes the evaluation throw <see cref="InvalidOperationException"/> naming the pair, rather than
    /// return NaN labelled as exact.
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
                [key] = registeringBuiltIns
                    ? (p, q) => formula((TP)p, (TQ)q)
                    : (p, q) => RequireNoNaN(formula((TP)p, (TQ)q), p, q, typeof(TP), typeof(TQ)),
            };
            table = new Table(formulas, current.Equivalents);
        }
    }

    /// <summary>True when a closed form applies to this pair of distributions.</summary>
    /// <exception cref="InvalidOperationException">Two registered pairs match equally well (ambiguous).</exception>
    public bool HasClosedForm(Distribution p, Distribution q)
    {
        ArgumentNullException.ThrowIfNull(p);
        ArgumentNullException.ThrowIfNull(q);
        return Find(p.GetType(), q.GetType()) is not null || FindEquivalent(p, q) is not null;
    }

    /// <summary>
    /// Declares that every distribution of type <typeparamref name="T"/> (or a subclass) for which
    /// <paramref name="canonical"/> returns a distribution is that same law written another way, e.g. Exponential(λ)
    /// = Gamma(1, λ). When no closed form is registered for a pair, the registry retries with the canonical forms
    /// (one side, then both), so the exact formula of the canonical pair answers. The rewrite must build the
    /// equivalent from the original parameter tensors so that gradients reach them; returning null means "no
    /// equivalent for this instance". Rewrites are tried in registration order and may chain (up to 4 steps).
    /// </summary>
    public void RegisterEquivalent<T>(Func<T, Distribution?> canonical)
        where T : Distribution
    {
        ArgumentNullException.ThrowIfNull(canonical);
        lock (gate)
        {
            var current = table;
            table = new Table(current.Formulas, [.. current.Equivalents, (typeof(T), null, d => canonical((T)d))]);
        }
    }

    /// <summary>
    /// As <see cref="RegisterEquivalent{T}"/> for a rewrite that always applies and always yields a
    /// <typeparamref name="TCanonical"/> (e.g. Chi2(k) = Gamma(k/2, ½)); such pairs are listed by
    /// <see cref="ReachablePairs"/>.
    /// </summary>
    public void RegisterEquivalent<T, TCanonical>(Func<T, TCanonical> canonical)
        where T : Distribution
        where TCanonical : Distribution
    {
        ArgumentNullException.ThrowIfNull(canonical);
        lock (gate)
        {
            var current = table;
            table = new Table(current.Formulas, [.. current.Equivalents, (typeof(T), typeof(TCanonical), d => canonical((T)d))]);
        }
    }

    /// <summary>The closed-form KL(p ‖ q), batch-shaped; null when no pair is registered for these types.</summary>
    /// <exception cref="InvalidOperationException">Two registered pairs match equally well (ambiguous).</exception>
    public Tensor? TryEvaluate(Distribution p, Distribution q)
    {
        ArgumentNullException.ThrowIfNull(p);
        ArgumentNullException.ThrowIfNull(q);
        var formula = Find(p.GetType(), q.GetType());
        if (formula is not null)
        {
            return formula(p, q);
        }

        var equivalent = FindEquivalent(p, q);
        return equivalent is { } e ? e.Formula(e.P, e.Q) : null;
    }

    /// <summary>
    /// The pair itself when the event shapes agree; else the first pair of canonical equivalents whose event shapes
    /// agree (e.g. a Categorical and a OneHotCategorical, read through the index ↔ one-hot bijection); else null.
    /// </summary>
    internal (Distribution P, Distribution Q)? AlignEvents(Distribution p, Distribution q)
    {
        foreach (var (cp, cq) in CandidatePairs(p, q, includeOriginal: true))
        {
            if (Shapes.Equal(cp.EventShapeArray, cq.EventShapeArray))
            {
                return (cp, cq);
            }
        }

        return null;
    }

    private (Distribution P, Distribution Q, Func<Distribution, Distribution, Tensor> Formula)? FindEquivalent(Distribution p, Distribution q)
    {
        if (table.Equivalents.Count == 0)
        {
            return null;
        }

        foreach (var (cp, cq) in CandidatePairs(p, q, includeOriginal: false))
        {
            if (Shapes.Equal(cp.EventShapeArray, cq.EventShapeArray) && Find(cp.GetType(), cq.GetType()) is { } formula)
            {
                return (cp, cq, formula);
            }
        }

        return null;
    }

    /// <summary>Pairs of p's and q's canonical chains, fewest rewrites first.</summary>
    private IEnumerable<(Distribution P, Distribution Q)> CandidatePairs(Distribution p, Distribution q, bool includeOriginal)
    {
        var ps = Chain(p);
        var qs = Chain(q);
        for (int total = includeOriginal ? 0 : 1; total <= ps.Count + qs.Count - 2; total++)
        {
            for (int i = Math.Min(total, ps.Count - 1); i >= 0 && total - i < qs.Count; i--)
            {
                yield return (ps[i], qs[total - i]);
            }
        }
    }

    private List<Distribution> Chain(Distribution d)
    {
        var rules = table.Equivalents;

        var chain = new List<Distribution> { d };
        for (int step = 0; step < MaxRewrites; step++)
        {
            var current = chain[^1];
            Distribution? next = null;
            foreach (var (type, _, rewrite) in rules)
            {
                if (type.IsInstanceOfType(current) && (next = rewrite(current)) is not null)
                {
                    break;
                }
            }

            if (next is null)
            {
                break;
            }

            chain.Add(next);
        }

        return chain;
    }

    /// <summary>A user formula's NaN for valid distributions is a bug in the formula: say so, naming the pair.</summary>
    private static Tensor RequireNoNaN(Tensor result, Distribution p, Distribution q, Type pType, Type qType)
    {
        var values = result.Values;
        if (values.Length == 1 ? !double.IsNaN(values[0]) : !double.IsNaN(TensorPrimitives.Sum(values)))
        {
            return result;
        }

        for (int i = 0; i < values.Length; i++)
        {
            if (double.IsNaN(values[i]))
            {
                throw new InvalidOperationException(
                    $"The KL formula registered for ({pType.Name}, {qType.Name}) returned NaN at batch element {i} for KL({p.FamilyName} ‖ {q.FamilyName}), " +
                    "although both distributions are valid (their constructors check the parameters). Fix the formula (a KL is a number in [0, +∞]).");
            }
        }

        return result; // a sum of +∞ and -∞, no NaN entry
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
    private sealed class Table(
        IReadOnlyDictionary<(Type P, Type Q), Func<Distribution, Distribution, Tensor>> formulas,
        IReadOnlyList<(Type Type, Type? Target, Func<Distribution, Distribution?> Rewrite)> equivalents)
    {
        public IReadOnlyDictionary<(Type P, Type Q), Func<Distribution, Distribution, Tensor>> Formulas { get; } = formulas;

        /// <summary>The canonical rewrites (<see cref="RegisterEquivalent{T}"/>), in registration order; Target is the canonical type when the rewrite always applies.</summary>
        public IReadOnlyList<(Type Type, Type? Target, Func<Distribution, Distribution?> Rewrite)> Equivalents { get; } = equivalents;

        public ConcurrentDictionary<(Type P, Type Q), Func<Distribution, Distribution, Tensor>?> Cache { get; } = new();
    }

    private sealed record LastLookup(Table Table, Type P, Type Q, Func<Distribution, Distribution, Tensor>? Formula);
}
