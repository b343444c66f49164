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
        ArgumentNullException.ThrowIfNull(breakPoints);
        if (double.IsNaN(lower) || double.IsNaN(upper) || lower > upper)
        {
            throw new ArgumentException($"Integration bounds must satisfy lower <= upper, got [{lower}, {upper}].", nameof(lower));
        }

        if (!(absoluteTolerance >= 0) || !(relativeTolerance >= 0) || (absoluteTolerance == 0 && relativeTolerance == 0))
        {
            throw new ArgumentOutOfRangeException(nameof(absoluteTolerance), "Tolerances must be non-negative and not both zero.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(maxSubintervals, 1);
        if (lower == upper)
        {
            nodes = [];
            weights = [];
            return new QuadratureResult(0, 0, 0, 0, true);
        }

        // Work in t, where x = map(t) and dx = jacobian(t) dt.
        var (map, jacobian, tLower, tUpper, inverse) = Transform(lower, upper);
        int evaluations = 0;
        double G(double t)
        {
            double x = map(t);
            double j = jacobian(t);
            evaluations++;
            if (j == 0 || double.IsInfinity(x))
            {
                return 0;
            }

            double fx = f(x);
            if (double.IsNaN(fx))
            {
                throw new ArgumentException($"The integrand returned NaN at x = {x:R}.", nameof(f));
            }

            return fx * j;
        }

        var cuts = new List<double> { tLower };
        cuts.AddRange(breakPoints.Where(b => b > lower && b < upper).Select(inverse).Where(t => t > tLower && t < tUpper).Order());
        cuts.Add(tUpper);

        var heap = new PriorityQueue<Segment, double>();
        double total = 0, error = 0;
        for (int i = 0; i + 1 < cuts.Count; i++)
        {
            if (cuts[i + 1] <= cuts[i])
            {
                continue;
            }

            var s = Kronrod(G, cuts[i], cuts[i + 1]);
            heap.Enqueue(s, -s.Error);
            total += s.Value;
            error += s.Error;
        }

        bool converged = true;
        while (error > Math.Max(absoluteTolerance, relativeTolerance * Math.Abs(total)) && !double.IsInfinity(total))
        {
            if (heap.Count >= maxSubintervals)
            {
                converged = false;
                break;
            }

            var worst = heap.Dequeue();
            double mid = 0.5 * (worst.A + worst.B);
            if (mid <= worst.A || mid >= worst.B)
            {
                // The interval cannot be split further in floating point.
                heap.Enqueue(worst with { Error = 0 }, 0);
                error -= worst.Error;
                converged = false;
                continue;
            }

            var left = Kronrod(G, worst.A, mid);
            var right = Kronrod(G, mid, worst.B);
            total += left.Value + right.Value - worst.Value;
            error += left.Error + right.Error - worst.Error;
            heap.Enqueue(left, -left.Error);
            heap.Enqueue(right, -right.Error);
        }

        // Recompute the sums from the final partition, which removes the drift of the running updates.
        var segments = heap.UnorderedItems.Select(e => e.Element).OrderBy(s => s.A).ToList();
        total = segments.Sum(s => s.Value);
        error = segments.Sum(s => s.Error);
        nodes = new double[segments.Count * 15];
        weights = new double[segments.Count * 15];
        int k = 0;
        foreach (var s in segments)
        {
            double c = 0.5 * (s.A + s.B), h = 0.5 * (s.B - s.A);
            for (int i = 0; i < 8; i++)
            {
                foreach (double sign in i == 7 ? [1.0] : (double[])[-1.0, 1.0])
                {
                    double t = c + (sign * h * KronrodNodes[i]);
                    nodes[k] = map(t);
                    weights[k] = double.IsInfinity(nodes[k]) ? 0 : h * KronrodWeights[i] * jacobian(t);
                    k++;
                }
            }
        }

        Array.Resize(ref nodes, k);
        Array.Resize(ref weights, k);
        return new QuadratureResult(total, error, evaluations, segments.Count, converged);
    }

    private static Segment Kronrod(Func<double, double> g, double a, double b)
    {
        double c = 0.5 * (a + b), h = 0.5 * (b - a);
        double fc = g(c);
        double kronrod = fc * KronrodWeights[7];
        double gauss = fc * GaussWeights[3];
        for (int i = 0; i < 7; i++)
        {
            double dx = h * KronrodNodes[i];
            double sum = g(c - dx) + g(c + dx);
            kronrod += KronrodWeights[i] * sum;
            if (i % 2 == 1)
            {
                gauss += GaussWeights[i / 2] * sum;
            }
        }

        double value = kronrod * h;
        double err = Math.Abs((kronrod - gauss) * h);
        if (double.IsNaN(err))
        {
            err = double.PositiveInfinity;
        }

        return new Segment(a, b, value, err);
    }

    private static (Func<double, double> Map, Func<double, double> Jacobian, double TLower, double TUpper, Func<double, double> Inverse) Transform(double a, double b)
    {
        if (double.IsFinite(a) && double.IsFinite(b))
        {
            return (t => t, _ => 1.0, a, b, x => x);
        }

        if (double.IsFinite(a))
        {
            // [a, ∞): x = a + t/(1 - t), t ∈ [0, 1).
            return (t => a + (t / (1 - t)), t => 1 / ((1 - t) * (1 - t)), 0, 1, x => (x - a) / (1 + (x - a)));
        }

        if (double.IsFinite(b))
        {
            // (-∞, b]: x = b - t/(1 - t), integrated with t from 1 down to 0, so the Jacobian keeps its sign here.
            return (t => b - ((1 - t) / t), t => 1 / (t * t), 0, 1, x => 1 / (1 + (b - x)));
        }

        // (-∞, ∞): x = t/(1 - t²), t ∈ (-1, 1).
        return (
            t => t / (1 - (t * t)),
            t => (1 + (t * t)) / ((1 - (t * t)) * (1 - (t * t))),
            -1,
            1,
            x => x == 0 ? 0 : (-1 + Math.Sqrt(1 + (4 * x * x))) / (2 * x));
    }

    private readonly record struct Segment(double A, double B, double Value, double Error);
}
