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
    /// <param name="loss">Builds the scalar loss from the parameters' current values.</param>
    /// <param name="parameters">The parameters to move.</param>
    /// <param name="options">Optimizer, step budget, convergence, progress and cancellation.</param>
    /// <returns>The trace of the run.</returns>
    /// <exception cref="NonFiniteLossException">More than <see cref="MinimizeOptions.MaxNonFiniteSteps"/> steps were not finite.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public static MinimizeTrace Minimize(Func<Tensor> loss, IReadOnlyList<Parameter> parameters, MinimizeOptions options)
    {
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegative(options.MaxSteps);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.ConvergenceWindow, 1);
        if (!(options.Smoothing > 0 && options.Smoothing <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Smoothing, "Smoothing must be in (0, 1].");
        }

        var values = parameters.Select(p => p.Unconstrained.Data).ToArray();
        var updates = values.Select(v => new double[v.Length]).ToArray();
        var state = options.Optimizer.Init(values);
        var names = parameters.Select(p => p.Name).ToArray();
        var losses = new List<double>(options.MaxSteps);
        var smoothedLosses = new List<double>(options.MaxSteps);
        var snapshots = new List<ParameterSnapshot> { Snapshot(-1, parameters) };
        double smoothed = double.NaN;
        int skipped = 0;
        bool converged = false;
        for (int step = 0; step < options.MaxSteps; step++)
        {
            options.CancellationToken.ThrowIfCancellationRequested();
            foreach (var p in parameters)
            {
                p.Unconstrained.ZeroGrad();
            }

            var l = loss();
            if (l.Length != 1)
            {
                throw new InvalidOperationException($"The loss must be a scalar; it has shape [{string.Join(", ", l.Shape)}].");
            }

            double value = l.ToScalar();
            string? failure = double.IsFinite(value) ? null : "the loss";
            if (failure is null && l.RequiresGrad)
            {
                l.Backward();
                failure = GatherGradients(parameters, updates);
            }
            else if (failure is null)
            {
                // The loss does not depend on the parameters: a zero gradient.
                foreach (var u in updates)
                {
                    Array.Clear(u);
                }
            }

            if (failure is null)
            {
                options.Optimizer.Update(updates, state, values);
                failure = AllFinite(updates) ? null : "the optimizer's update";
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
            smoothed = double.IsNaN(smoothed) ? value : smoothed + (options.Smoothing * (value - smoothed));
            smoothedLosses.Add(smoothed);
            if (options.TraceEvery > 0 && (step + 1) % options.TraceEvery == 0)
            {
                snapshots.Add(Snapshot(step, parameters));
            }

            var progress = new MinimizeProgress(step, options.MaxSteps, value, smoothed);
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

        if (snapshots[^1].Step != losses.Count - 1)
        {
            snapshots.Add(Snapshot(losses.Count - 1, parameters));
        }

        return new MinimizeTrace(names, losses, smoothedLosses, snapshots, skipped, converged);
    }

    /// <summary>Copies each parameter's gradient into its update buffer; names the first that is not finite.</summary>
    private static string? GatherGradients(IReadOnlyList<Parameter> parameters, double[][] updates)
    {
        for (int i = 0; i < parameters.Count; i++)
        {
            var grad = parameters[i].Unconstrained.Grad;
            if (grad is null)
            {
                Array.Clear(updates[i]);
                continue;
            }

            grad.Values.CopyTo(updates[i]);
            if (!System.Numerics.Tensors.TensorPrimitives.IsFiniteAll<double>(updates[i]))
            {
                return $"the gradient of '{parameters[i].Name}'";
            }
        }

        return null;
    }

    private static bool AllFinite(double[][] buffers) => buffers.All(b => System.Numerics.Tensors.TensorPrimitives.IsFiniteAll<double>(b));

    private static ParameterSnapshot Snapshot(int step, IReadOnlyList<Parameter> parameters) =>
        new(step, [.. parameters.Select(p => p.ToArray())]);
}
