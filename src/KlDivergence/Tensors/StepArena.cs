using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace KlDivergence.Tensors;

/// <summary>
/// The memory of one step of a fit: which pooled arrays the step's thread rented, and how many tensors wrap each.
/// When the step ends, every intermediate of the loss's graph that is the only tensor over an array rented in the
/// step is expired (<see cref="Tensor.Expire"/>: reading it afterwards throws) and its array goes back to
/// <see cref="TensorPool"/> for the next step. So a fit's forward results are reused step after step, as its
/// gradients already are, instead of being fresh memory every step (fresh memory is cold in the cache: filling a
/// fresh 80 KB array took about three times as long as filling a reused one on the development machine).
/// </summary>
/// <remarks>
/// Safety rests on three facts. Only arrays the pool handed out during the step, on the step's thread, are
/// candidates, so a user's array, a parameter's buffer and a tensor built before the step are never taken. An array
/// wrapped by a second tensor (a reshape, a <see cref="Tensor.Detach"/>, a rule that wraps its output again), on any
/// thread, is never taken: the tensor constructor counts wraps in the step's own table on its thread, and a wrap on
/// another thread while a step is open marks the array in a shared weak table. And the one tensor over a taken array
/// is expired before the array is reused, so no reachable tensor can see its values change; a caller who kept one
/// gets an exception that says how to keep it (<see cref="Tensor.Clone"/>), as JAX raises on a leaked tracer.
/// The step's own table is touched by its thread alone, so the common path takes no lock. The one case not seen is a
/// race in the caller's own threads: a thread that reads an intermediate before its step ends and wraps it after (a
/// detach on a background task still running when the step returns). The library's own parallel work never does
/// this: it ends inside the op that started it.
/// </remarks>
internal sealed class StepArena
{
    /// <summary>
    /// Arrays wrapped by a tensor on a thread whose own open arenas did not rent them, while some arena was open, each
    /// with the <see cref="markClock"/> reading of its latest such wrap: never taken by a step that rented the array
    /// before that wrap. Weak keys, so an array nobody holds leaves the table with its last reader.
    /// </summary>
    private static readonly ConditionalWeakTable<double[], StrongBox<long>> WrappedElsewhere = [];

    /// <summary>
    /// Counts the wraps <see cref="WrappedElsewhere"/> records. A rent reads it, so a mark from an earlier life of a
    /// pooled array (made before the pool had it back, so before the rent) reads no later than the rent, and a mark of
    /// this life (made after the array was handed out) reads later: a stale mark never keeps a step from taking an
    /// array, and what other threads did before the rent never decides whether an intermediate expires.
    /// </summary>
    private static long markClock;

    /// <summary>Open arenas on all threads, so that a tensor built while none is open costs one read.</summary>
    private static int open;

    [ThreadStatic]
    private static StepArena? current;

    /// <summary>Arenas open on this thread.</summary>
    [ThreadStatic]
    private static int depth;

    [ThreadStatic]
    private static StepArena? spare;

    [ThreadStatic]
    private static Walk? graphWalk;

    /// <summary>Arrays this arena rented, each with how many tensors wrap it since (its thread's alone: no lock).</summary>
    private readonly Dictionary<double[], Rented> wraps = new(ReferenceEqualityComparer.Instance);

    /// <summary>The count given to an array an inner arena rented again: never 1, so the outer arena never takes it.</summary>
    private const int Foreign = int.MinValue / 2;

    private StepArena? outer;
    private int step;
    private bool ended;

    /// <summary>
    /// Runs one step of a fit: <paramref name="body"/> computes the step's loss and reads everything it needs from it
    /// (value, gradients); with <paramref name="reuse"/> the step runs in an arena, which takes the loss's intermediates
    /// back when the body returns and none when it throws (its tensors may be in the exception's hands).
    /// </summary>
    public static void Run(bool reuse, int step, Func<Tensor> body)
    {
        var arena = reuse ? Begin(step) : null;
        Tensor loss;
        try
        {
            loss = body();
        }
        catch
        {
            arena?.End(null);
            throw;
        }

        arena?.End(loss);
    }

    /// <summary>Opens an arena for step <paramref name="step"/> of a fit on this thread (arenas nest: a loss may run a fit).</summary>
    public static StepArena Begin(int step)
    {
        var arena = spare ?? new StepArena();
        spare = null;
        arena.outer = current;
        arena.step = step;
        arena.ended = false;
        current = arena;
        depth++;
        Interlocked.Increment(ref open);
        return arena;
    }

    /// <summary>Notes an array the pool hands out: a candidate when this thread has an open arena.</summary>
    public static void OnRent(double[] array)
    {
        var arena = current;
        if (arena is null)
        {
            return;
        }

        // A rented array holds no tensor yet, whatever wrapped it before it was returned.
        CollectionsMarshal.GetValueRefOrAddDefault(arena.wraps, array, out _) = new Rented(0, Volatile.Read(ref markClock));
        for (var o = arena.outer; o is not null; o = o.outer)
        {
            // An outer step's count is stale now: that step must not take the array.
            ref var rented = ref CollectionsMarshal.GetValueRefOrNullRef(o.wraps, array);
            if (!Unsafe.IsNullRef(ref rented))
            {
                rented.Count = Foreign;
            }
        }
    }

    /// <summary>True while an arena is open on any thread: only then does a tensor's construction need <see cref="OnWrap"/>.</summary>
    public static bool AnyOpen
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Volatile.Read(ref open) != 0;
    }

    /// <summary>Notes a tensor built over <paramref name="array"/> (on any thread) while <see cref="AnyOpen"/>.</summary>
    public static void OnWrap(double[] array)
    {
        if (array.Length < TensorPool.MinLength)
        {
            return;
        }

        for (var arena = current; arena is not null; arena = arena.outer)
        {
            ref var rented = ref CollectionsMarshal.GetValueRefOrNullRef(arena.wraps, array);
            if (!Unsafe.IsNullRef(ref rented))
            {
                rented.Count++;
                return;
            }
        }

        // Not rented by this thread's arenas: it can only matter to an arena open on another thread.
        if (Volatile.Read(ref open) > depth)
        {
            WrappedElsewhere.AddOrUpdate(array, new StrongBox<long>(Interlocked.Increment(ref markClock)));
        }
    }

    /// <summary>
    /// Closes the arena: expires the intermediates of <paramref name="loss"/>'s graph that alone hold an array rented
    /// in this step and returns those arrays to the pool (none when <paramref name="loss"/> is null: the step failed).
    /// </summary>
    public void End(Tensor? loss)
    {
        if (ended)
        {
            return;
        }

        ended = true;
        current = outer;
        depth--;
        Interlocked.Decrement(ref open);
        if (loss is not null)
        {
            // No mark since an array's rent (the clock has not moved past the rent's reading): no lookup for it.
            long clock = Volatile.Read(ref markClock);
            foreach (var t in Intermediates(loss))
            {
                // Expired, or a lazy transpose never read (reading it here would lay it out for nothing).
                if (t.DataIfLaidOut is not { } array)
                {
                    continue;
                }

                if (wraps.TryGetValue(array, out var rented) && rented.Count == 1 && !(clock > rented.Clock && WrappedSince(array, rented.Clock)))
                {
                    wraps.Remove(array);
                    t.Expire(step);
                    TensorPool.Return(array);
                }
            }

            graphWalk!.Found.Clear();
        }

        wraps.Clear();
        outer = null;
        spare = this;
    }

    /// <summary>True when a thread other than the renting one wrapped <paramref name="array"/> after its rent (read <paramref name="rentClock"/>).</summary>
    private static bool WrappedSince(double[] array, long rentClock) =>
        WrappedElsewhere.TryGetValue(array, out var mark) && mark.Value > rentClock;

    /// <summary>The recorded (non-leaf) tensors of <paramref name="loss"/>'s graph, each once (in this thread's reused list).</summary>
    private static List<Tensor> Intermediates(Tensor loss)
    {
        var walk = graphWalk ??= new();
        walk.Found.Clear();
        walk.Seen.Clear();
        var stack = walk.Stack;
        stack.Push(loss);
        while (stack.Count > 0)
        {
            var t = stack.Pop();
            if (t.Node is null || !walk.Seen.Add(t))
            {
                continue;
            }

            walk.Found.Add(t);
            foreach (var input in t.Node.Inputs)
            {
                stack.Push(input);
            }
        }

        walk.Seen.Clear();
        return walk.Found;
    }

    /// <summary>An array a step rented: how many tensors wrapped it since, and <see cref="markClock"/> at the rent.</summary>
    private struct Rented(int count, long clock)
    {
        public int Count = count;

        public readonly long Clock = clock;
    }

    /// <summary>The collections of a graph walk, kept per thread so a fit's steps do not allocate them afresh.</summary>
    private sealed class Walk
    {
        public List<Tensor> Found { get; } = [];

        public HashSet<Tensor> Seen { get; } = new(IdentityComparer.Instance);

        public Stack<Tensor> Stack { get; } = new();
    }
}
