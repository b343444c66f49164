using KlDivergence.Tensors;

namespace KlDivergence.Tests;

/// <summary>
/// Runs test code under a cap on <see cref="TensorParallelism.MaxDegreeOfParallelism"/> and restores the cap after,
/// for the tests that hold results bit-identical across worker counts. The cap only changes speed, never a result, so
/// tests running at the same time are unaffected.
/// </summary>
internal static class Workers
{
    /// <summary>The worker counts every split result is compared across: one, the cores here, and more than there are.</summary>
    public static readonly int[] Counts = [1, 2, 8];

    /// <summary>The value of <paramref name="run"/> with at most <paramref name="workers"/> workers.</summary>
    public static T With<T>(int workers, Func<T> run)
    {
        int saved = TensorParallelism.MaxDegreeOfParallelism;
        try
        {
            TensorParallelism.MaxDegreeOfParallelism = workers;
            return run();
        }
        finally
        {
            TensorParallelism.MaxDegreeOfParallelism = saved;
        }
    }

    /// <summary>Runs <paramref name="run"/> with at most <paramref name="workers"/> workers.</summary>
    public static void With(int workers, Action run) => With(workers, () =>
    {
        run();
        return true;
    });

    /// <summary>The values of <paramref name="run"/> with each of <see cref="Counts"/> workers, in that order.</summary>
    public static T[] Each<T>(Func<T> run) => [.. Counts.Select(w => With(w, run))];
}
