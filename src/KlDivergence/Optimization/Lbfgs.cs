using KlDivergence.Tensors;

namespace KlDivergence.Optimization;

/// <summary>
/// Limited-memory BFGS (Nocedal &amp; Wright, Numerical Optimization, 2nd ed., algorithm 7.5 with the two-loop
/// recursion of algorithm 7.4) with a line search satisfying the strong Wolfe conditions (algorithms 3.5/3.6). The
/// initial inverse Hessian of each iteration is γI with γ = sᵀy/yᵀy of the newest pair (N&amp;W (7.20)). Every iterate
/// and every correction pair is kept in the returned <see cref="LbfgsTrace"/>.
/// </summary>
public static class Lbfgs
{
    /// <summary>Minimises a function of a flat vector given with its gradient.</summary>
    /// <param name="valueAndGradient">Returns f(x) and writes ∇f(x) into its second argument (of x's length); it must not keep either array.</param>
    /// <param name="initial">The starting point x₀ (not modified).</param>
    /// <param name="options">Options; the defaults when null.</param>
    /// <exception cref="ArgumentException">f or its gradient is not finite at the starting point.</exception>
    public static LbfgsTrace Minimize(Func<double[], double[], double> valueAndGradient, IReadOnlyList<double> initial, LbfgsOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(valueAndGradient);
        ArgumentNullException.ThrowIfNull(initial);
        options ??= new LbfgsOptions();
        options.Validate();
        int d = initial.Count;
        ArgumentOutOfRangeException.ThrowIfZero(d, nameof(initial));
        double[] x0 = [.. initial];
        var g0 = new double[d];
        double f0 = valueAndGradient(x0, g0);
        int evaluations = 1;
        if (!double.IsFinite(f0) || !Buffers.IsFinite([g0]))
        {
            throw new ArgumentException($"The objective or its gradient is not finite at the starting point (f = {f0}); start where both are finite.", nameof(initial));
        }

        var current = new WolfeLineSearch.Trial(0, f0, 0, x0, g0);
        var iterates = new List<LbfgsIterate> { new(0, x0.ToArray(), f0, g0.ToArray(), evaluations) };
        var corrections = new List<LbfgsCorrection>();
        int historyStart = 0;
        var direction = new double[d];
        var diagonal = new double[d];
        for (int k = 0; ; k++)
        {
            options.CancellationToken.ThrowIfCancellationRequested();
            if (MaxAbs(current.Gradient) <= options.GradientTolerance)
            {
                return new LbfgsTrace(iterates, corrections, LbfgsStopReason.GradientTolerance, evaluations);
            }

            if (k >= options.MaxIterations)
            {
                return new LbfgsTrace(iterates, corrections, LbfgsStopReason.MaxIterations, evaluations);
            }

            var history = Window(corrections, historyStart, options.HistorySize);
            Array.Fill(diagonal, history.Count == 0 ? 1.0 : InitialScaling(history[^1]));
            ApplyInverseHessian(current.Gradient, history, diagonal, direction);
            for (int i = 0; i < d; i++)
            {
                direction[i] = -direction[i];
            }

            double slope = Dot(current.Gradient, direction);

            // Without history the first trial step is scaled so that it moves x by at most 1 (N&W section 3.5).
            double initialStep = history.Count == 0 ? Math.Min(1.0, 1.0 / Math.Sqrt(Dot(current.Gradient, current.Gradient))) : 1.0;
            var (accepted, _, used) = slope < 0
                ? WolfeLineSearch.Search(valueAndGradient, current with { Step = 0, Slope = slope }, direction, initialStep, options)
                : (null, false, 0);
            evaluations += used;
            if (accepted is null && history.Count > 0)
            {
                // The quasi-Newton direction failed: drop the history and retry along steepest descent.
                historyStart = corrections.Count;
                continue;
            }

            if (accepted is null)
            {
                return new LbfgsTrace(iterates, corrections, LbfgsStopReason.LineSearchFailed, evaluations);
            }

            var s = new double[d];
            var y = new double[d];
            for (int i = 0; i < d; i++)
            {
                s[i] = accepted.Point[i] - current.Point[i];
                y[i] = accepted.Gradient[i] - current.Gradient[i];
            }

            double sy = Dot(s, y), yy = Dot(y, y);
            if (sy > double.Epsilon + (Epsilon * yy))
            {
                corrections.Add(new LbfgsCorrection(k + 1, s, y));
            }

            double previousValue = current.Value;
            current = accepted;
            iterates.Add(new LbfgsIterate(k + 1, accepted.Point.ToArray(), accepted.Value, accepted.Gradient.ToArray(), evaluations));
            if (Math.Abs(previousValue - current.Value) <= options.RelativeTolerance * Math.Max(Math.Max(Math.Abs(previousValue), Math.Abs(current.Value)), 1.0))
            {
                return new LbfgsTrace(iterates, corrections, LbfgsStopReason.RelativeTolerance, evaluations);
            }
        }
    }

    /// <summary>
    /// Minimises a scalar loss over <see cref="Parameter"/>s (their unconstrained values, concatenated), leaving the
    /// parameters at the minimiser found. The trace's points are the concatenated unconstrained values.
    /// </summary>
    /// <param name="loss">
    /// Builds the scalar loss from the parameters' current values. The tensors it computes are valid until the
    /// evaluation has read its gradient (see <see cref="LbfgsOptions.ReuseIntermediates"/>).
    /// </param>
    /// <param name="parameters">The parameters to move.</param>
    /// <param name="options">Options; the defaults when null.</param>
    /// <exception cref="InvalidOperationException">The loss is not a scalar.</exception>
    public static LbfgsTrace Minimize(Func<Tensor> loss, IReadOnlyList<Parameter> parameters, LbfgsOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentNullException.ThrowIfNull(parameters);
        var buffers = parameters.Select((p, i) => (p ?? throw new ArgumentNullException(nameof(parameters), $"parameters[{i}] is null.")).Buffer).ToArray();
        if (parameters.Distinct(ReferenceEqualityComparer.Instance).Count() != parameters.Count)
        {
            throw new ArgumentException("A parameter is listed twice; list each parameter once.", nameof(parameters));
        }

        double[] Gather()
        {
            return [.. buffers.SelectMany(b => b)];
        }

        void Scatter(double[] x)
        {
            int offset = 0;
            for (int i = 0; i < buffers.Length; i++)
            {
                x.AsSpan(offset, buffers[i].Length).CopyTo(buffers[i]);
                offset += buffers[i].Length;
                parameters[i].Publish();
            }
        }

        bool reuse = options?.ReuseIntermediates ?? true;
        int evaluation = 0;
        double Evaluate(double[] x, double[] gradient)
        {
            Scatter(x);

            // Each evaluation's intermediates give their memory to the next once its gradient is read (see StepArena).
            double value = 0;
            StepArena.Run(reuse, evaluation++, () =>
            {
                var l = loss();
                if (l.Length != 1)
                {
                    throw new InvalidOperationException($"The loss must be a scalar; it has shape [{string.Join(", ", l.Shape)}].");
                }

                Array.Clear(gradient);
                if (l.RequiresGrad)
                {
                    l.Backward();
                }

                int offset = 0;
                foreach (var p in parameters)
                {
                    p.Unconstrained.Grad?.Values.CopyTo(gradient.AsSpan(offset));
                    offset += p.Buffer.Length;
                }

                value = l.ToScalar();
                return l;
            });

            return value;
        }

        var start = Gather();
        try
        {
            var trace = Minimize(Evaluate, start, options);
            Scatter(trace.Minimizer);
            return trace;
        }
        catch
        {
            Scatter(start);
            throw;
        }
    }

    /// <summary>
    /// The two-loop recursion (N&amp;W algorithm 7.4): writes H·v into <paramref name="result"/>, where H is the L-BFGS
    /// inverse Hessian built from <paramref name="pairs"/> (oldest first) on the diagonal initial matrix
    /// diag(<paramref name="initialDiagonal"/>). Applied to the unit vectors it gives H itself.
    /// </summary>
    /// <exception cref="ArgumentException">A length differs from <paramref name="v"/>'s.</exception>
    public static void ApplyInverseHessian(ReadOnlySpan<double> v, IReadOnlyList<LbfgsCorrection> pairs, ReadOnlySpan<double> initialDiagonal, Span<double> result)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        int d = v.Length;
        if (initialDiagonal.Length != d || result.Length != d)
        {
            throw new ArgumentException($"v has length {d}, initialDiagonal {initialDiagonal.Length}, result {result.Length}; they must be equal.", nameof(initialDiagonal));
        }

        var q = result;
        v.CopyTo(q);
        var alpha = new double[pairs.Count];
        var rho = new double[pairs.Count];
        for (int i = pairs.Count - 1; i >= 0; i--)
        {
            var (s, y) = (pairs[i].S, pairs[i].Y);
            rho[i] = 1 / Dot(y, s);
            double a = 0;
            for (int j = 0; j < d; j++)
            {
                a += s[j] * q[j];
            }

            alpha[i] = rho[i] * a;
            for (int j = 0; j < d; j++)
            {
                q[j] -= alpha[i] * y[j];
            }
        }

        for (int j = 0; j < d; j++)
        {
            q[j] *= initialDiagonal[j];
        }

        for (int i = 0; i < pairs.Count; i++)
        {
            var (s, y) = (pairs[i].S, pairs[i].Y);
            double b = 0;
            for (int j = 0; j < d; j++)
            {
                b += y[j] * q[j];
            }

            b *= rho[i];
            for (int j = 0; j < d; j++)
            {
                q[j] += s[j] * (alpha[i] - b);
            }
        }
    }

    /// <summary>γ = sᵀy/yᵀy of a pair: the scaling of the initial inverse Hessian (N&amp;W (7.20)).</summary>
    internal static double InitialScaling(LbfgsCorrection pair) => Dot(pair.S, pair.Y) / Dot(pair.Y, pair.Y);

    /// <summary>The last <paramref name="size"/> pairs from index <paramref name="start"/> on.</summary>
    internal static IReadOnlyList<LbfgsCorrection> Window(List<LbfgsCorrection> pairs, int start, int size)
    {
        int from = Math.Max(start, pairs.Count - size);
        return pairs.GetRange(from, pairs.Count - from);
    }

    /// <summary>Machine epsilon: the curvature yᵀs must exceed ε‖y‖² for a pair to be kept (as in Pathfinder).</summary>
    internal const double Epsilon = 2.220446049250313e-16;

    /// <summary>aᵀb.</summary>
    internal static double Dot(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        double s = 0;
        for (int i = 0; i < a.Count; i++)
        {
            s += a[i] * b[i];
        }

        return s;
    }

    private static double MaxAbs(double[] v)
    {
        double m = 0;
        foreach (double x in v)
        {
            m = Math.Max(m, Math.Abs(x));
        }

        return m;
    }
}
