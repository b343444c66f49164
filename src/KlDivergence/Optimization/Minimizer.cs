using KlDivergence.Tensors;

namespace KlDivergence.Optimization;

/// <summary>
/// Gradient-based minimisation of a scalar loss over <see cref="Parameter"/>s, the analogue of TensorFlow
/// Probability's <c>tfp.math.minimize</c>: each step evaluates the loss, back-propagates, transforms the
/// gradients with the optimizer and applies the update. A step whose loss or gradient is not finite is
/// skipped (the parameters are never overwritten with NaN) and counted.
/// </summary>
public static class Minimizer
{
    /// <summary>Minimises <paramref name="loss"/> (re-evaluated every step) over <paramref name="parameters"/>.</summary>
    /// <param name="loss">
    /// Builds the scalar loss from the parameters' current values. The tensors it computes are valid until the step
    /// has read its gradients; then their memory serves the next step and reading one kept past it throws (see
    /// <see cref="MinimizeOptions.ReuseIntermediates"/>).
    /// </param>
    /// <param name="parameters">The parameters to move.</param>
    /// <param name="options">Optimizer, step budget, convergence, progress and cancellation.</param>
    /// <returns>The trace of the run.</returns>
    /// <exception cref="NonFiniteLossException">More than <see cref="MinimizeOptions.MaxNonFiniteSteps"/> steps were not finite.</exception>
    /// <exception cref="MinimizeCanceledException">
    /// The token was cancelled (an <see cref="OperationCanceledException"/> carrying the trace of the steps completed).
    /// </exception>
    public static MinimizeTrace Minimize(Func<Tensor> loss, IReadOnlyList<Parameter> parameters, MinimizeOptions options)
    {
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(options);
        Validate(options);
        CheckParameters(parameters);

        // The optimizer steps the parameters' private buffers; each step ends by publishing fresh leaf tensors,
        // so no tensor handed out before (a value, a detached copy, a posterior) is ever written.
        var values = parameters.Select(p => p.Buffer).ToArray();
        var updates = values.Select(v => TensorPool.Rent(v.Length)).ToArray(); // written (gradient or zeros) before every use
        var state = options.Optimizer.Init(values);
        var checkpointable = state as ICheckpointableState;
        var saved = checkpointable is { CanCheckpoint: true } ? ((ICheckpointableState)checkpointable.Copy()) : null;
        var leaves = new Tensor[parameters.Count];
        var names = parameters.Select(p => p.Name).ToArray();
        // The trace grows as steps happen: MaxSteps is a budget (int.MaxValue is valid), not a size to reserve.
        int initialCapacity = Math.Min(options.MaxSteps, 1024);
        var losses = new List<double>(initialCapacity);
        var smoothedLosses = new List<double>(initialCapacity);
        var snapshots = new List<ParameterSnapshot> { Snapshot(-1, parameters) };
        double smoothed = double.NaN;
        int skipped = 0;
        bool converged = false;
        bool gradientSeen = false;
        double gradientNorm = double.NaN;
        bool reportsProgress = options.Progress is not null || options.Callback is not null;
        for (int step = 0; step < options.MaxSteps; step++)
        {
            if (options.CancellationToken.IsCancellationRequested)
            {
                throw new MinimizeCanceledException(
                    Finish(names, losses, smoothedLosses, snapshots, parameters, skipped, converged: false, canceled: true), null, options.CancellationToken);
            }

            for (int i = 0; i < leaves.Length; i++)
            {
                leaves[i] = parameters[i].Unconstrained;
                leaves[i].ZeroGrad();
            }

            // The step's intermediates give their memory to the next step once its gradients are read (see StepArena).
            double value = double.NaN;
            string? failure = null;
            StepArena.Run(options.ReuseIntermediates, step, () =>
            {
                var l = loss();
                if (l.Length != 1)
                {
                    throw new InvalidOperationException($"The loss must be a scalar; it has shape [{string.Join(", ", l.Shape)}].");
                }

                if (!gradientSeen && !l.RequiresGrad)
                {
                    throw NoGradient(names);
                }

                value = l.ToScalar();
                failure = double.IsFinite(value) ? null : "the loss";
                if (failure is null && l.RequiresGrad)
                {
                    l.Backward();
                    if (!gradientSeen && leaves.All(leaf => leaf.Grad is null))
                    {
                        throw NoGradient(names);
                    }

                    gradientSeen = true;
                    failure = GatherGradients(leaves, names, updates);
                    // Only progress reports read the norm: a pass over every gradient skipped when nobody listens.
                    gradientNorm = failure is null && reportsProgress ? ClipByGlobalNorm.GlobalNorm(updates) : double.NaN;
                }
                else if (failure is null)
                {
                    // After a first step that reached the parameters, a loss without a graph is a zero gradient.
                    Buffers.Clear(updates);
                    gradientNorm = 0;
                }

                return l;
            });

            if (failure is null)
            {
                if (saved is not null)
                {
                    checkpointable!.SaveInto(saved);
                }

                options.Optimizer.Update(updates, state, values);
                failure = !AllFinite(updates) ? "the optimizer's update"
                    : saved is not null && !checkpointable!.IsFinite() ? "the optimizer's state (a moment estimate overflowed)"
                    : null;
                if (failure is not null && saved is not null)
                {
                    // Undo the update's effect on the moment estimates and step counts, so one spike cannot freeze the run.
                    checkpointable!.RestoreFrom(saved);
                }
            }

            losses.Add(value);
            if (failure is not null)
            {
                skipped++;
                smoothedLosses.Add(smoothed);
                if (skipped > options.MaxNonFiniteSteps)
                {
                    throw new NonFiniteLossException(step, failure, skipped);
                }

                continue;
            }

            Updates.Apply(values, updates);
            foreach (var p in parameters)
            {
                p.Publish();
            }

            smoothed = double.IsNaN(smoothed) ? value : smoothed + (options.Smoothing * (value - smoothed));
            smoothedLosses.Add(smoothed);
            if (options.TraceEvery > 0 && (step + 1) % options.TraceEvery == 0)
            {
                snapshots.Add(Snapshot(step, parameters));
            }

            var progress = new MinimizeProgress(step, options.MaxSteps, value, smoothed) { GradientNorm = gradientNorm };
            options.Progress?.Report(progress);
            options.Callback?.Invoke(progress);
            if (options.ConvergenceTolerance > 0 && step >= options.ConvergenceWindow)
            {
                double before = smoothedLosses[step - options.ConvergenceWindow];
                if (double.IsFinite(before) && Math.Abs(smoothed - before) <= options.ConvergenceTolerance * Math.Max(Math.Abs(smoothed), 1e-12))
                {
                    converged = true;
                    break;
                }
            }
        }

        return Finish(names, losses, smoothedLosses, snapshots, parameters, skipped, converged, canceled: false);
    }

    /// <summary>The trace, with a final snapshot of the parameters when the last step has none.</summary>
    private static MinimizeTrace Finish(
        string[] names, List<double> losses, List<double> smoothedLosses, List<ParameterSnapshot> snapshots, IReadOnlyList<Parameter> parameters, int skipped, bool converged, bool canceled)
    {
        if (snapshots[^1].Step != losses.Count - 1)
        {
            snapshots.Add(Snapshot(losses.Count - 1, parameters));
        }

        return new MinimizeTrace(names, losses, smoothedLosses, snapshots, skipped, converged, canceled);
    }

    /// <summary>Checks every option, naming the bad one and its value.</summary>
    private static void Validate(MinimizeOptions options)
    {
        if (options.MaxSteps < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxSteps, $"MaxSteps must be non-negative, got {options.MaxSteps}.");
        }

        if (options.ConvergenceWindow < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.ConvergenceWindow, $"ConvergenceWindow must be at least 1, got {options.ConvergenceWindow}.");
        }

        if (!(options.Smoothing > 0 && options.Smoothing <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Smoothing, $"Smoothing must be in (0, 1], got {options.Smoothing}.");
        }

        // NaN or a negative tolerance would silently turn convergence off; 0 is the documented "off".
        if (!(options.ConvergenceTolerance >= 0 && double.IsFinite(options.ConvergenceTolerance)))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.ConvergenceTolerance, $"ConvergenceTolerance must be finite and non-negative (0 turns convergence off), got {options.ConvergenceTolerance}.");
        }

        if (options.TraceEvery < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.TraceEvery, $"TraceEvery must be non-negative, got {options.TraceEvery}.");
        }

        if (options.MaxNonFiniteSteps < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxNonFiniteSteps, $"MaxNonFiniteSteps must be non-negative, got {options.MaxNonFiniteSteps}.");
        }
    }

    /// <summary>No null entries and no parameter listed twice (it would be stepped twice per step).</summary>
    private static void CheckParameters(IReadOnlyList<Parameter> parameters)
    {
        var seen = new Dictionary<Parameter, int>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < parameters.Count; i++)
        {
            var p = parameters[i] ?? throw new ArgumentNullException(nameof(parameters), $"parameters[{i}] is null.");
            if (!seen.TryAdd(p, i))
            {
                throw new ArgumentException(
                    $"Parameter '{p.Name}' is listed twice (at positions {seen[p]} and {i}); it would be stepped twice per step. List each parameter once.",
                    nameof(parameters));
            }
        }
    }

    private static InvalidOperationException NoGradient(string[] names) => new(
        $"The loss does not depend on any of the parameters ({string.Join(", ", names.Select(n => $"'{n}'"))}): no gradient reached them on the first step. " +
        "Build the loss inside the loss function from Parameter.Value (not from ToArray, ToScalar or Detach, which cut the graph), and do not run the loop inside a Tensor.NoGrad scope.");

    /// <summary>Copies each parameter's gradient into its update buffer; names the first that is not finite.</summary>
    private static string? GatherGradients(Tensor[] leaves, string[] names, double[][] updates)
    {
        for (int i = 0; i < leaves.Length; i++)
        {
            var grad = leaves[i].Grad;
            if (grad is null)
            {
                Array.Clear(updates[i]);
                continue;
            }

            Buffers.CopyInto(grad.Data, updates[i]);
            if (!Buffers.IsFinite(updates[i]))
            {
                return $"the gradient of '{names[i]}'";
            }
        }

        return null;
    }

    private static bool AllFinite(double[][] buffers) => Buffers.IsFinite(buffers);

    private static ParameterSnapshot Snapshot(int step, IReadOnlyList<Parameter> parameters) =>
        new(step, [.. parameters.Select(p => p.ToArray())]);
}
