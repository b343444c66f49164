using System.Globalization;

namespace KlDivergence.Divergences.Quadrature;

/// <summary>
/// Globally adaptive Gauss–Kronrod (7-point Gauss, 15-point Kronrod) integration: the interval with the largest
/// error estimate is bisected until the summed estimate meets the tolerance (the strategy of QUADPACK's QAGS,
/// Piessens et al. 1983, without extrapolation). Infinite ranges are mapped to finite ones first:
/// x = a + t/(1 - t) on [a, ∞), x = b - t/(1 - t) on (-∞, b], and x = t/(1 - t²) on (-∞, ∞).
/// </summary>
public static class AdaptiveQuadrature
{
    // Kronrod nodes (positive half, then 0) and weights, and the embedded 7-point Gauss weights for the
    // odd-indexed nodes; the tables of QUADPACK's qk15 (Piessens et al. 1983).
    private static readonly double[] KronrodNodes =
    [
        0.991455371120812639206854697526329, 0.949107912342758524526189684047851,
        0.864864423359769072789712788640926, 0.741531185599394439863864773280788,
        0.586087235467691130294144845693013, 0.405845151377397166906606412076961,
        0.207784955007898467600689403773245, 0.000000000000000000000000000000000,
    ];

    private static readonly double[] KronrodWeights =
    [
        0.022935322010529224963732008058970, 0.063092092629978553290700663189204,
        0.104790010322250183839876322541518, 0.140653259715525918745189590510238,
        0.169004726639267902826583426598550, 0.190350578064785409913256402421014,
        0.204432940075298892414161999234649, 0.209482141084727828012999174891714,
    ];

    private static readonly double[] GaussWeights =
    [
        0.129484966168869693270611432679082, 0.279705391489276667901467771423780,
        0.381830050505118944950369775488975, 0.417959183673469387755102040816327,
    ];

    /// <summary>The 15 Kronrod abscissae on [-1, 1] in the order used here: -x₀, x₀, -x₁, x₁, ..., -x₆, x₆, 0.</summary>
    private static readonly double[] NodeOffsets = BuildOffsets();

    /// <summary>The Kronrod weights in the order of <see cref="NodeOffsets"/>.</summary>
    private static readonly double[] NodeWeights = [.. Enumerable.Range(0, 15).Select(i => KronrodWeights[Math.Min(i / 2, 7)])];

    /// <summary>The 7-point Gauss weights in the order of <see cref="NodeOffsets"/> (0 at the Kronrod-only nodes).</summary>
    private static readonly double[] NodeGaussWeights =
        [.. Enumerable.Range(0, 15).Select(i => i == 14 ? GaussWeights[3] : (i / 2) % 2 == 1 ? GaussWeights[i / 4] : 0)];

    /// <summary>∫ f(x) dx over [<paramref name="lower"/>, <paramref name="upper"/>] (either may be infinite).</summary>
    /// <exception cref="ArgumentException">A bound is NaN or lower &gt; upper, a tolerance is invalid, or f returns NaN (the message names x).</exception>
    public static QuadratureResult Integrate(
        Func<double, double> f, double lower, double upper, double absoluteTolerance = 1e-12, double relativeTolerance = 1e-12, int maxSubintervals = 2000) =>
        IntegrateWithNodes(f, lower, upper, [], absoluteTolerance, relativeTolerance, out _, out _, maxSubintervals);

    /// <summary>
    /// ∫ f(x) dx with initial break points (where f has kinks or separated peaks), also returning the nodes and
    /// weights of the final rule, so that Σ wᵢ f(xᵢ) reproduces <see cref="QuadratureResult.Value"/> and can be
    /// re-evaluated with a differentiable integrand.
    /// </summary>
    /// <exception cref="ArgumentException">A bound is NaN or lower &gt; upper, a tolerance is invalid, or f returns NaN (the message names x).</exception>
    public static QuadratureResult IntegrateWithNodes(
        Func<double, double> f,
        double lower,
        double upper,
        IReadOnlyList<double> breakPoints,
        double absoluteTolerance,
        double relativeTolerance,
        out double[] nodes,
        out double[] weights,
        int maxSubintervals = 2000)
    {
        ArgumentNullException.ThrowIfNull(f);
        void Scalar(ReadOnlySpan<double> x, Span<double> values)
        {
            for (int i = 0; i < x.Length; i++)
            {
                double fx = f(x[i]);
                if (double.IsNaN(fx))
                {
                    throw new ArgumentException($"The integrand returned NaN at x = {x[i]:R}.", nameof(f));
                }

                values[i] = fx;
            }
        }

        var r = IntegrateVector(Scalar, 1, lower, upper, breakPoints, [absoluteTolerance], relativeTolerance, maxSubintervals);
        nodes = r.Nodes;
        weights = r.Weights;
        return new QuadratureResult(r.Values[0], r.Errors[0], r.Evaluations, r.Segments.Count, r.Converged);
    }

    /// <summary>
    /// ∫ f(x) dx for a vector of <paramref name="components"/> integrands evaluated together at many points, on one
    /// shared partition refined where any component's error (scaled by its tolerance) is largest, until every
    /// component meets max(its absolute tolerance, relative tolerance · |its value|). When
    /// <paramref name="primitive0"/> (an antiderivative of component 0, e.g. a CDF) is given, each interval's
    /// component-0 error is at least |Q - (F(b) - F(a))|, so an interval whose nodes miss a narrow peak of
    /// component 0 is still refined.
    /// </summary>
    internal static VectorQuadratureResult IntegrateVector(
        VectorIntegrand f,
        int components,
        double lower,
        double upper,
        IReadOnlyList<double> breakPoints,
        double[] absoluteTolerances,
        double relativeTolerance,
        int maxSubintervals,
        Func<double, double>? primitive0 = null,
        double tailScale = 1)
    {
        ArgumentNullException.ThrowIfNull(f);
        ArgumentNullException.ThrowIfNull(breakPoints);
        ArgumentNullException.ThrowIfNull(absoluteTolerances);
        if (double.IsNaN(lower) || double.IsNaN(upper) || lower > upper)
        {
            throw new ArgumentException($"Integration bounds must satisfy lower <= upper, got [{lower}, {upper}].", nameof(lower));
        }

        if (absoluteTolerances.Length != components || absoluteTolerances.Any(t => !(t >= 0)) || !(relativeTolerance >= 0) ||
            absoluteTolerances.Any(t => t == 0 && relativeTolerance == 0))
        {
            throw new ArgumentOutOfRangeException(nameof(absoluteTolerances), "Tolerances must be non-negative and not both zero.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(maxSubintervals, 1);
        if (lower == upper)
        {
            return new VectorQuadratureResult(new double[components], new double[components], true, null, 0, [], [], []);
        }

        // Work in t, where x = map(t) and dx = jacobian(t) dt, piece by piece: with break points on an infinite range,
        // the span between the outermost break points is integrated in x itself (a map of the whole line would
        // lose the absolute resolution needed for narrow peaks far from 0) and only the tails beyond are mapped.
        var inside = breakPoints.Where(b => b > lower && b < upper && double.IsFinite(b)).Distinct().Order().ToList();
        var pieces = new List<Piece>();
        if (inside.Count > 0 && (double.IsInfinity(lower) || double.IsInfinity(upper)))
        {
            double first = double.IsNegativeInfinity(lower) ? inside[0] : lower;
            double last = double.IsPositiveInfinity(upper) ? inside[^1] : upper;
            if (double.IsNegativeInfinity(lower))
            {
                pieces.Add(Transform(lower, first, tailScale));
            }

            if (last > first)
            {
                pieces.Add(Transform(first, last, tailScale));
            }

            if (double.IsPositiveInfinity(upper))
            {
                pieces.Add(Transform(last, upper, tailScale));
            }
        }
        else
        {
            pieces.Add(Transform(lower, upper, tailScale));
        }

        var initial = new List<(double A, double B, int Piece)>();
        for (int piece = 0; piece < pieces.Count; piece++)
        {
            var pc = pieces[piece];
            var cuts = new List<double> { pc.TLower };
            cuts.AddRange(inside.Where(b => b > pc.XLower && b < pc.XUpper).Select(pc.Inverse).Where(t => t > pc.TLower && t < pc.TUpper).Order());
            cuts.Add(pc.TUpper);
            for (int i = 0; i + 1 < cuts.Count; i++)
            {
                if (cuts[i + 1] > cuts[i])
                {
                    initial.Add((cuts[i], cuts[i + 1], piece));
                }
            }
        }

        var evaluator = new SegmentEvaluator(f, components, pieces, primitive0);
        var heap = new PriorityQueue<Segment, double>();
        var frozen = new List<Segment>();
        var total = new double[components];
        var error = new double[components];
        var roundoff = new double[components];

        // Below the rounding floor (the error of nodes rounded to doubles), refining cannot help: stop there, and report it.
        double Allowed(int c) => Math.Max(Math.Max(absoluteTolerances[c], relativeTolerance * Math.Abs(total[c])), roundoff[c]);

        // A panel's priority: its largest error relative to what its component is allowed (as of when it was made).
        double Priority(Segment s)
        {
            double p = 0;
            for (int c = 0; c < components; c++)
            {
                p = Math.Max(p, s.Errors[c] / Allowed(c));
            }

            return double.IsNaN(p) ? double.PositiveInfinity : p;
        }

        void Add(Segment s, int sign)
        {
            for (int c = 0; c < components; c++)
            {
                total[c] += sign * s.Values[c];
                error[c] += sign * s.Errors[c];
                roundoff[c] += sign * s.Roundoff[c];
            }
        }

        var panels = evaluator.Evaluate(initial);
        foreach (var s in panels)
        {
            Add(s, 1);
        }

        foreach (var s in panels)
        {
            heap.Enqueue(s, -Priority(s));
        }

        bool Met()
        {
            for (int c = 0; c < components; c++)
            {
                if (!double.IsFinite(total[c]))
                {
                    return true;
                }

                if (error[c] > Allowed(c))
                {
                    return false;
                }
            }

            return true;
        }

        bool converged = true;
        string? failure = null;
        while (!Met())
        {
            if (heap.Count + frozen.Count >= maxSubintervals)
            {
                converged = false;
                failure = $"the subdivision limit ({maxSubintervals} intervals) was reached before the tolerance was met";
                break;
            }

            if (heap.Count == 0)
            {
                converged = false;
                failure = "no interval can be refined further";
                break;
            }

            var worst = heap.Dequeue();
            double mid = 0.5 * (worst.A + worst.B);
            if (mid <= worst.A || mid >= worst.B)
            {
                // The interval cannot be split in floating point: its error stays in the total; give up at once when
                // that error alone is more than the tolerance allows (QUADPACK's roundoff/singularity exit, ier = 3).
                frozen.Add(worst);
                bool hopeless = false;
                for (int c = 0; c < components; c++)
                {
                    hopeless |= worst.Errors[c] > Allowed(c);
                }

                if (hopeless)
                {
                    converged = false;
                    failure = $"the integrand cannot be resolved near x = {pieces[worst.Piece].Map(mid).ToString("G6", CultureInfo.InvariantCulture)} (an interval too short to split still has a large error)";
                    break;
                }

                continue;
            }

            for (int c = 0; c < components; c++)
            {
                total[c] -= worst.Values[c];
                error[c] -= worst.Errors[c];
                roundoff[c] -= worst.Roundoff[c];
            }

            var halves = evaluator.Evaluate([(worst.A, mid, worst.Piece), (mid, worst.B, worst.Piece)], worst.FA, worst.FB);
            Add(halves[0], 1);
            Add(halves[1], 1);
            heap.Enqueue(halves[0], -Priority(halves[0]));
            heap.Enqueue(halves[1], -Priority(halves[1]));
        }

        // Recompute the sums from the final partition, which removes the drift of the running updates.
        var segments = heap.UnorderedItems.Select(e => e.Element).Concat(frozen).OrderBy(s => s.Piece).ThenBy(s => s.A).ToList();
        Array.Clear(total);
        Array.Clear(error);
        foreach (var s in segments)
        {
            for (int c = 0; c < components; c++)
            {
                total[c] += s.Values[c];
                error[c] += s.Errors[c] + s.Roundoff[c];
            }
        }

        var nodes = new double[segments.Count * 15];
        var weights = new double[segments.Count * 15];
        int k = 0;
        var parts = new List<QuadratureSegment>(segments.Count);
        foreach (var s in segments)
        {
            var (map, jacobian) = (pieces[s.Piece].Map, pieces[s.Piece].Jacobian);
            double c = 0.5 * (s.A + s.B), h = 0.5 * (s.B - s.A);
            for (int i = 0; i < 15; i++)
            {
                double t = c + (h * NodeOffsets[i]);
                nodes[k] = map(t);
                weights[k] = double.IsInfinity(nodes[k]) ? 0 : h * NodeWeights[i] * jacobian(t);
                k++;
            }

            parts.Add(new QuadratureSegment(Math.Min(map(s.A), map(s.B)), Math.Max(map(s.A), map(s.B)), s.Values, s.Errors));
        }

        return new VectorQuadratureResult(total, error, converged, failure, evaluator.Evaluations, parts, nodes, weights);
    }

    /// <summary>The unit roundoff of double precision, 2⁻⁵³.</summary>
    private const double Epsilon = 1.1102230246251565e-16;

    /// <summary>The positions in <see cref="NodeOffsets"/> ordered by abscissa.</summary>
    private static readonly int[] SortedNodes = [.. Enumerable.Range(0, 15).OrderBy(i => NodeOffsets[i])];

    private static double[] BuildOffsets()
    {
        var o = new double[15];
        for (int i = 0; i < 7; i++)
        {
            o[2 * i] = -KronrodNodes[i];
            o[(2 * i) + 1] = KronrodNodes[i];
        }

        return o;
    }

    /// <summary>
    /// The map x(t) of a range onto a finite t-interval, with dx/dt and the inverse: the identity on a finite range,
    /// x = a + s·t/(1 - t) on [a, ∞), x = b - s·(1 - t)/t on (-∞, b] and x = s·t/(1 - t²) on (-∞, ∞), s the scale.
    /// </summary>
    private static Piece Transform(double a, double b, double s)
    {
        if (double.IsFinite(a) && double.IsFinite(b))
        {
            return new Piece(t => t, _ => 1.0, x => x, a, b, a, b);
        }

        if (double.IsFinite(a))
        {
            return new Piece(t => a + (s * t / (1 - t)), t => s / ((1 - t) * (1 - t)), x => (x - a) / (s + (x - a)), 0, 1, a, b);
        }

        if (double.IsFinite(b))
        {
            // Integrated with t from 0 up to 1 (x from -∞ up to b), so the Jacobian keeps its sign.
            return new Piece(t => b - (s * (1 - t) / t), t => s / (t * t), x => s / (s + (b - x)), 0, 1, a, b);
        }

        return new Piece(
            t => s * t / (1 - (t * t)),
            t => s * (1 + (t * t)) / ((1 - (t * t)) * (1 - (t * t))),
            x => x == 0 ? 0 : (-1 + Math.Sqrt(1 + (4 * (x / s) * (x / s)))) / (2 * (x / s)),
            -1,
            1,
            a,
            b);
    }

    /// <summary>One range of x and its map from t.</summary>
    private sealed record Piece(Func<double, double> Map, Func<double, double> Jacobian, Func<double, double> Inverse, double TLower, double TUpper, double XLower, double XUpper);

    /// <summary>One panel: its t-interval and piece, each component's value, Gauss–Kronrod error and rounding floor, and the primitive at its ends.</summary>
    private sealed record Segment(double A, double B, int Piece, double[] Values, double[] Errors, double[] Roundoff, double FA, double FB);

    /// <summary>Evaluates Kronrod panels, all the nodes of a group of intervals in one call of the integrand.</summary>
    private sealed class SegmentEvaluator(VectorIntegrand f, int components, List<Piece> pieces, Func<double, double>? primitive)
    {
        public int Evaluations { get; private set; }

        /// <summary>
        /// The panels over contiguous t-intervals; <paramref name="fLeft"/> and <paramref name="fRight"/> are the known
        /// primitive values at the outer ends of the group (NaN: compute them).
        /// </summary>
        public Segment[] Evaluate(List<(double A, double B, int Piece)> intervals, double fLeft = double.NaN, double fRight = double.NaN)
        {
            int n = intervals.Count * 15;
            var x = new double[n];
            var j = new double[n];
            var live = new List<int>(n);
            for (int s = 0; s < intervals.Count; s++)
            {
                var (a, b, piece) = intervals[s];
                double c = 0.5 * (a + b), h = 0.5 * (b - a);
                for (int i = 0; i < 15; i++)
                {
                    int k = (s * 15) + i;
                    double t = c + (h * NodeOffsets[i]);
                    x[k] = pieces[piece].Map(t);
                    j[k] = pieces[piece].Jacobian(t);
                    if (j[k] != 0 && double.IsFinite(j[k]) && double.IsFinite(x[k]))
                    {
                        live.Add(k);
                    }
                }
            }

            var xs = new double[live.Count];
            for (int i = 0; i < xs.Length; i++)
            {
                xs[i] = x[live[i]];
            }

            var fx = new double[components * xs.Length];
            if (xs.Length > 0)
            {
                f(xs, fx);
            }

            Evaluations += xs.Length;
            var g = new double[components * n];
            for (int i = 0; i < live.Count; i++)
            {
                for (int c = 0; c < components; c++)
                {
                    g[(c * n) + live[i]] = fx[(c * xs.Length) + i] * j[live[i]];
                }
            }

            // The primitive at every interval end, shared ends once.
            var ends = new double[intervals.Count + 1];
            if (primitive is not null)
            {
                for (int s = 0; s <= intervals.Count; s++)
                {
                    ends[s] = s == 0 && !double.IsNaN(fLeft) ? fLeft
                        : s == intervals.Count && !double.IsNaN(fRight) ? fRight
                        : s == intervals.Count ? primitive(pieces[intervals[s - 1].Piece].Map(intervals[s - 1].B))
                        : primitive(pieces[intervals[s].Piece].Map(intervals[s].A));
                }
            }

            var result = new Segment[intervals.Count];
            for (int s = 0; s < intervals.Count; s++)
            {
                var (a, b, piece) = intervals[s];
                double h = 0.5 * (b - a);
                var values = new double[components];
                var errors = new double[components];
                var floor = new double[components];
                double scale = Math.Max(Math.Abs(a), Math.Abs(b));
                for (int c = 0; c < components; c++)
                {
                    double kronrod = 0, gauss = 0, absolute = 0, variation = 0;
                    int row = (c * n) + (s * 15);
                    for (int i = 0; i < 15; i++)
                    {
                        double v = g[row + i];
                        kronrod += NodeWeights[i] * v;
                        gauss += NodeGaussWeights[i] * v;
                        absolute += NodeWeights[i] * Math.Abs(v);
                    }

                    for (int i = 0; i + 1 < 15; i++)
                    {
                        variation += Math.Abs(g[row + SortedNodes[i + 1]] - g[row + SortedNodes[i]]);
                    }

                    values[c] = kronrod * h;
                    double err = Math.Abs((kronrod - gauss) * h);
                    errors[c] = double.IsNaN(err) ? double.PositiveInfinity : err;

                    // Nodes are rounded to doubles, by up to ε·|t| each: the rule then errs by up to about ε·|t|·(total
                    // variation of the integrand over the panel), taken 4× for the integrand's own rounding; plus the
                    // rounding of the sum itself (QUADPACK's 50ε·∫|f|).
                    double rounding = (4 * Epsilon * scale * variation) + (50 * Epsilon * absolute * h);
                    floor[c] = double.IsFinite(rounding) ? rounding : 0;
                }

                double fa = primitive is null ? double.NaN : ends[s], fb = primitive is null ? double.NaN : ends[s + 1];
                if (double.IsFinite(fa) && double.IsFinite(fb))
                {
                    // The integral over the interval is known: a panel whose nodes missed a peak disagrees with it by
                    // more than the rounding of the rule and of the primitive explain.
                    double discrepancy = Math.Abs(values[0] - (fb - fa));
                    if (discrepancy > 2 * (floor[0] + (4 * Epsilon * (Math.Abs(fa) + Math.Abs(fb)))))
                    {
                        errors[0] = Math.Max(errors[0], discrepancy);
                    }
                }

                result[s] = new Segment(a, b, piece, values, errors, floor, fa, fb);
            }

            return result;
        }
    }
}
