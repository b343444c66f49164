using KlDivergence.Tensors;

namespace KlDivergence.Optimization;

/// <summary>Argument checks shared by the optimizers: hyperparameter ranges and buffer shapes.</summary>
internal static class Guard
{
    /// <summary>β ∈ [0, 1): an exponential moving average with β = 1 would never move.</summary>
    public static void DecayRate(double value, string paramName)
    {
        if (!(value >= 0.0 && value < 1.0))
        {
            throw new ArgumentOutOfRangeException(paramName, value, $"{paramName} must lie in [0, 1), got {value}.");
        }
    }

    public static void NonNegativeFinite(double value, string paramName)
    {
        if (!(value >= 0.0 && double.IsFinite(value)))
        {
            throw new ArgumentOutOfRangeException(paramName, value, $"{paramName} must be finite and non-negative, got {value}.");
        }
    }

    public static void PositiveFinite(double value, string paramName)
    {
        if (!(value > 0.0 && double.IsFinite(value)))
        {
            throw new ArgumentOutOfRangeException(paramName, value, $"{paramName} must be finite and positive, got {value}.");
        }
    }

    public static void Step(long step, string paramName)
    {
        if (step < 0)
        {
            throw new ArgumentOutOfRangeException(paramName, step, $"{paramName} must be non-negative, got {step}.");
        }
    }

    /// <summary>Zero buffers shaped like <paramref name="parameters"/>; allocation happens here, never per step.</summary>
    public static double[][] ZerosLike(IReadOnlyList<double[]> parameters, string paramName)
    {
        ArgumentNullException.ThrowIfNull(parameters, paramName);
        var zeros = new double[parameters.Count][];
        for (int i = 0; i < zeros.Length; i++)
        {
            double[] p = parameters[i] ?? throw new ArgumentNullException(paramName, $"{paramName}[{i}] is null.");
            zeros[i] = TensorPool.RentZeroed(p.Length); // pooled: a large model's state is not fresh memory every fit
        }

        return zeros;
    }

    /// <summary>The buffer lengths of <paramref name="parameters"/>, kept by states that have no buffers of their own.</summary>
    public static int[] Lengths(IReadOnlyList<double[]> parameters, string paramName)
    {
        ArgumentNullException.ThrowIfNull(parameters, paramName);
        var lengths = new int[parameters.Count];
        for (int i = 0; i < lengths.Length; i++)
        {
            lengths[i] = (parameters[i] ?? throw new ArgumentNullException(paramName, $"{paramName}[{i}] is null.")).Length;
        }

        return lengths;
    }

    /// <summary>Checks that <paramref name="buffers"/> has one buffer per expected length, with those lengths.</summary>
    public static void SameShape(IReadOnlyList<double[]> buffers, int[] lengths, string paramName)
    {
        ArgumentNullException.ThrowIfNull(buffers, paramName);
        if (buffers.Count != lengths.Length)
        {
            throw new ArgumentException($"{paramName} has {buffers.Count} buffers but the state was created for {lengths.Length}.", paramName);
        }

        for (int i = 0; i < lengths.Length; i++)
        {
            double[] b = buffers[i] ?? throw new ArgumentNullException(paramName, $"{paramName}[{i}] is null.");
            if (b.Length != lengths[i])
            {
                throw new ArgumentException($"{paramName}[{i}] has length {b.Length} but the state was created for length {lengths[i]}.", paramName);
            }
        }
    }

    /// <summary>Checks that <paramref name="buffers"/> has one buffer per reference buffer, with equal lengths.</summary>
    public static void SameShape(IReadOnlyList<double[]> buffers, double[][] reference, string paramName)
    {
        ArgumentNullException.ThrowIfNull(buffers, paramName);
        if (buffers.Count != reference.Length)
        {
            throw new ArgumentException($"{paramName} has {buffers.Count} buffers but the state was created for {reference.Length}.", paramName);
        }

        for (int i = 0; i < reference.Length; i++)
        {
            double[] b = buffers[i] ?? throw new ArgumentNullException(paramName, $"{paramName}[{i}] is null.");
            if (b.Length != reference[i].Length)
            {
                throw new ArgumentException($"{paramName}[{i}] has length {b.Length} but the state was created for length {reference[i].Length}.", paramName);
            }
        }
    }

    /// <summary>Checks that two buffer lists have the same count and lengths.</summary>
    public static void SameShape(IReadOnlyList<double[]> buffers, IReadOnlyList<double[]> reference, string paramName, string referenceName)
    {
        ArgumentNullException.ThrowIfNull(buffers, paramName);
        ArgumentNullException.ThrowIfNull(reference, referenceName);
        if (buffers.Count != reference.Count)
        {
            throw new ArgumentException($"{paramName} has {buffers.Count} buffers but {referenceName} has {reference.Count}.", paramName);
        }

        for (int i = 0; i < reference.Count; i++)
        {
            double[] r = reference[i] ?? throw new ArgumentNullException(referenceName, $"{referenceName}[{i}] is null.");
            double[] b = buffers[i] ?? throw new ArgumentNullException(paramName, $"{paramName}[{i}] is null.");
            if (b.Length != r.Length)
            {
                throw new ArgumentException($"{paramName}[{i}] has length {b.Length} but {referenceName}[{i}] has length {r.Length}.", paramName);
            }
        }
    }

    public static T State<T>(IOptimizerState state, string paramName)
        where T : class, IOptimizerState
    {
        ArgumentNullException.ThrowIfNull(state, paramName);
        return state as T ?? throw new ArgumentException(
            $"{paramName} is a {state.GetType().Name}, but this transformation needs a {typeof(T).Name} (pass the state its own Init returned).",
            paramName);
    }
}
