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
/// thread, is never taken: wraps are counted in the tensor constructor. And the one tensor over a taken array is
/// expired before the array is reused, so no reachable tensor can see its values change; a caller who kept one gets
/// an exception that says how to keep it (<see cref="Tensor.Clone"/>), as JAX raises on a leaked tracer.
/// </remarks>
internal sealed class StepArena
{
    /// <summary>Arrays rented inside an open arena: which arena rented each and how many tensors wrap it since.</summary>
    private static readonly Dictionary<double[], (StepArena Arena, int Wraps)> Rented = new(ReferenceEqualityComparer.Instance);

    /// <summary>Open arenas on all threads, so that a tensor built while none is open costs one read.</summary>
    private static int open;

    [ThreadStatic]
    private static StepArena? current;

    [ThreadStatic]
    private static Walk? graphWalk;

    private readonly StepArena? outer;
    private readonly int step;
    private readonly List<double[]> mine = [];
    private bool ended;

    private StepArena(StepArena? outer, int step)
    {
        this.outer = outer;
        this.step = step;
    }

    /// <summary>Opens an arena for step <paramref name="step"/> of a fit on this thread (arenas nest: a loss may run a fit).</summary>
    public static StepArena Begin(int step)
    {
        var arena = new StepArena(current, step);
        current = arena;
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

        lock (Rented)
        {
            // A rented array holds no tensor yet, whatever wrapped it before it was returned.
            ref var entry = ref CollectionsMarshal.GetValueRefOrAddDefault(Rented, array, out _);
            if (!ReferenceEquals(entry.Arena, arena))
            {
                arena.mine.Add(array);
            }

            entry = (arena, 0);
        }
    }

    /// <summary>Notes a tensor built over <paramref name="array"/> (on any thread).</summary>
    public static void OnWrap(double[] array)
    {
        if (Volatile.Read(ref open) == 0 || array.Length < TensorPool.MinLength)
        {
            return;
        }

        lock (Rented)
        {
            ref var entry = ref CollectionsMarshal.GetValueRefOrNullRef(Rented, array);
            if (!Unsafe.IsNullRef(ref entry))
            {
                entry.Wraps++;
            }
        }
    }

    /// <summary>
    /// Closes the arena: expires the intermediates of <paramref name="loss"/>'s graph that alone hold an array rented
    /// in this step and returns those arrays to the pool (none when <paramref name="loss"/> is null: the step failed).
    /// </summary>
    /// <returns>The number of arrays returned.</returns>
    public int End(Tensor? loss)
    {
        if (ended)
        {
            return 0;
        }

        ended = true;
        current = outer;
        Interlocked.Decrement(ref open);
        int returned = 0;
        lock (Rented)
        {
            if (loss is not null)
            {
                foreach (var t in Intermediates(loss))
                {
                    if (t.IsExpired)
                    {
                        continue;
                    }

                    var array = t.Data;
                    if (Rented.TryGetValue(array, out var entry) && ReferenceEquals(entry.Arena, this) && entry.Wraps == 1)
                    {
                        Rented.Remove(array);
                        t.Expire(step);
                        TensorPool.Return(array);
                        returned++;
                    }
                }
            }

            foreach (var array in mine)
            {
                if (Rented.TryGetValue(array, out var entry) && ReferenceEquals(entry.Arena, this))
                {
                    Rented.Remove(array);
                }
            }
        }

        mine.Clear();
        graphWalk?.Found.Clear();
        return returned;
    }

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

    /// <summary>The collections of a graph walk, kept per thread so a fit's steps do not allocate them afresh.</summary>
    private sealed class Walk
    {
        public List<Tensor> Found { get; } = [];

        public HashSet<Tensor> Seen { get; } = new(IdentityComparer.Instance);

        public Stack<Tensor> Stack { get; } = new();
    }
}
