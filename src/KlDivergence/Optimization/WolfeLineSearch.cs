namespace KlDivergence.Optimization;

/// <summary>
/// A line search for a step α along a descent direction p satisfying the strong Wolfe conditions
/// f(x + αp) ≤ f(x) + c₁α∇f(x)ᵀp and |∇f(x + αp)ᵀp| ≤ c₂|∇f(x)ᵀp| (Nocedal &amp; Wright, Numerical Optimization,
/// 2nd ed., algorithm 3.5 with the zoom of algorithm 3.6, cubic interpolation (3.59) safeguarded toward bisection).
/// A non-finite objective counts as a failed sufficient decrease, so the search backs off from overflow.
/// </summary>
internal static class WolfeLineSearch
{
    /// <summary>A trial point: its step, objective, directional derivative, point and gradient.</summary>
    internal sealed record Trial(double Step, double Value, double Slope, double[] Point, double[] Gradient);

    /// <summary>
    /// Searches from <paramref name="start"/> (step 0) along <paramref name="direction"/>, starting with
    /// <paramref name="initialStep"/>. Returns the accepted trial and whether it satisfies the strong Wolfe conditions;
    /// when the budget runs out it returns the lowest trial that satisfied sufficient decrease (not Wolfe), or null.
    /// </summary>
    public static (Trial? Accepted, bool Wolfe, int Evaluations) Search(
        Func<double[], double[], double> valueAndGradient, Trial start, double[] direction, double initialStep, LbfgsOptions options)
    {
        double c1 = options.SufficientDecrease, c2 = options.Curvature;
        double f0 = start.Value, d0 = start.Slope;
        int budget = options.MaxLineSearchEvaluations;
        int used = 0;
        Trial? bestDecrease = null;

        Trial Evaluate(double alpha)
        {
            var x = new double[direction.Length];
            for (int i = 0; i < x.Length; i++)
            {
                x[i] = start.Point[i] + (alpha * direction[i]);
            }

            var g = new double[x.Length];
            double f = valueAndGradient(x, g);
            used++;
            double slope = Lbfgs.Dot(g, direction);
            if (!double.IsFinite(f) || !double.IsFinite(slope))
            {
                f = double.PositiveInfinity;
                slope = double.NaN;
            }

            var t = new Trial(alpha, f, slope, x, g);
            if (f <= f0 + (c1 * alpha * d0) && f < f0 && (bestDecrease is null || f < bestDecrease.Value))
            {
                bestDecrease = t;
            }

            return t;
        }

        bool SufficientDecrease(Trial t) => t.Value <= f0 + (c1 * t.Step * d0);
        bool Curvature(Trial t) => Math.Abs(t.Slope) <= -c2 * d0;

        var previous = start;
        double alpha = initialStep;
        const double maxStep = 1e20;
        while (used < budget)
        {
            var current = Evaluate(alpha);
            if (!SufficientDecrease(current) || (previous.Step > 0 && current.Value >= previous.Value))
            {
                return Zoom(previous, current);
            }

            if (Curvature(current))
            {
                return (current, true, used);
            }

            if (current.Slope >= 0)
            {
                return Zoom(current, previous);
            }

            previous = current;
            alpha = Math.Min(2 * alpha, maxStep);
        }

        return (bestDecrease, false, used);

        (Trial?, bool, int) Zoom(Trial lo, Trial hi)
        {
            while (used < budget)
            {
                double a = Interpolate(lo, hi);
                if (a == lo.Step || a == hi.Step)
                {
                    break; // the bracket is below the resolution of the step
                }

                var t = Evaluate(a);
                if (!SufficientDecrease(t) || t.Value >= lo.Value)
                {
                    hi = t;
                }
                else
                {
                    if (Curvature(t))
                    {
                        return (t, true, used);
                    }

                    if (t.Slope * (hi.Step - lo.Step) >= 0)
                    {
                        hi = lo;
                    }

                    lo = t;
                }
            }

            return (bestDecrease, false, used);
        }
    }

    /// <summary>
    /// The minimiser of the cubic through both ends' values and slopes (N&amp;W (3.59)), kept at least a tenth of the
    /// bracket from either end; bisection when an end is not finite or the cubic has no minimiser.
    /// </summary>
    private static double Interpolate(Trial a, Trial b)
    {
        double lo = Math.Min(a.Step, b.Step), hi = Math.Max(a.Step, b.Step), width = hi - lo;
        double mid = 0.5 * (lo + hi);
        if (!double.IsFinite(a.Value) || !double.IsFinite(b.Value) || double.IsNaN(a.Slope) || double.IsNaN(b.Slope))
        {
            return mid;
        }

        double d1 = a.Slope + b.Slope - (3 * (a.Value - b.Value) / (a.Step - b.Step));
        double disc = (d1 * d1) - (a.Slope * b.Slope);
        if (!(disc >= 0))
        {
            return mid;
        }

        double d2 = Math.Sign(b.Step - a.Step) * Math.Sqrt(disc);
        double step = b.Step - ((b.Step - a.Step) * (b.Slope + d2 - d1) / (b.Slope - a.Slope + (2 * d2)));
        return double.IsFinite(step) ? Math.Clamp(step, lo + (0.1 * width), hi - (0.1 * width)) : mid;
    }
}
