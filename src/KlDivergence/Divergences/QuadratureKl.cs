using System.Globalization;
using KlDivergence.Distributions;
using KlDivergence.Divergences.Quadrature;
using KlDivergence.Tensors;

namespace KlDivergence.Divergences;

/// <summary>
/// KL(p ‖ q) = ∫ p(x) (log p(x) - log q(x)) dx by adaptive Gauss–Kronrod quadrature over p's support, one integral
/// per batch element. Where q's support does not contain p's, the answer is +∞ without integrating. The returned
/// value is the final quadrature sum re-evaluated over tensors at the nodes the adaptive pass chose, so it carries
/// gradients to both distributions' parameters.
/// </summary>
/// <remarks>
/// Finding all of p's mass: the initial partition has break points around every place where p or q puts mass
/// (<see cref="Distribution.GetMassLocations"/>: each mixture component, on the scale of its width); p's density is
/// integrated on the same partition as the KL integrand and must come out 1 (with p's CDF, every interval's mass is
/// checked against F(b) - F(a), so an interval whose nodes missed a peak is refined); on an infinite support the
/// tail beyond the outermost place is integrated again from expanding starting points and must shrink and agree.
/// A result that fails any check is returned with <see cref="KlResult.IsReliable"/> false, the reason, and an
/// infinite error estimate.
/// </remarks>
internal static class QuadratureKl
{
    /// <summary>Break points at a place's centre and these multiples of its width either side.</summary>
    private static readonly double[] WidthMultiples = [-8.0, -3, -1, 0, 1, 3, 8];

    /// <summary>The tail is integrated from R₀ + S·(8ʲ - 1), j = 0..TailSteps-1.</summary>
    private const int TailSteps = 4;

    /// <summary>Growing the range 8×, a convergent tail must shrink at least this much (a tail decaying like R^-0.14 or faster).</summary>
    private const double TailShrink = 0.75;

    /// <summary>The relative tolerance of every integral.</summary>
    private const double RelativeTolerance = 1e-12;

    /// <summary>Below this log-density, e^x underflows to 0 in double precision.</summary>
    private const double MinLogDensity = -745.2;

    public static bool Applies(Distribution p, Distribution q) =>
        p.EventShapeArray.Length == 0 && q.EventShapeArray.Length == 0 && !p.Support.IsDiscrete && !q.Support.IsDiscrete;

    /// <summary>
    /// Integrates each batch element; the elements marked in <paramref name="skip"/> (already +∞ by a rule) are set to
    /// +∞ without integrating, so no quadrature graph with infinite terms reaches parameters they share with finite
    /// elements (a NaN gradient otherwise: 0 · ∞ in the backward pass).
    /// </summary>
    public static KlResult Integrate(Distribution p, Distribution q, double absoluteTolerance, bool[]? skip = null)
    {
        if (!(absoluteTolerance > 0) || !double.IsFinite(absoluteTolerance))
        {
            throw new ArgumentOutOfRangeException(nameof(absoluteTolerance), absoluteTolerance, $"The quadrature tolerance must be positive and finite, got {absoluteTolerance}.");
        }

        int[] batchShape = Shapes.Broadcast(p.BatchShapeArray, q.BatchShapeArray);
        int batch = Shapes.Size(batchShape);
        double[] pLower, pUpper, qLower, qUpper;
        List<(double Centre, double Width)>[] pPlaces, qPlaces;
        bool pHasCdf;
        using (Tensor.NoGrad())
        {
            pLower = TensorOps.Expand(p.Support.Lower, batchShape);
            pUpper = TensorOps.Expand(p.Support.Upper, batchShape);
            qLower = TensorOps.Expand(q.Support.Lower, batchShape);
            qUpper = TensorOps.Expand(q.Support.Upper, batchShape);
            pPlaces = Places(p, batchShape);
            qPlaces = Places(q, batchShape);
            pHasCdf = MassLocationSearch.HasCdf(p);
        }

        var values = new Tensor[batch];
        var errors = new double[batch];
        var reasons = new List<string>();
        bool reliable = true;
        for (int b = 0; b < batch; b++)
        {
            if ((skip is not null && skip[b]) || pLower[b] < qLower[b] || pUpper[b] > qUpper[b])
            {
                // +∞ by a rule, or p puts mass where q has none.
                values[b] = double.PositiveInfinity;
                errors[b] = 0;
                continue;
            }

            var element = new Element(p, q, b, batchShape, pHasCdf);
            var outcome = element.Run(pLower[b], pUpper[b], pPlaces[b], qPlaces[b], absoluteTolerance);
            errors[b] = outcome.Reason is null ? outcome.Error : double.PositiveInfinity;
            if (outcome.Reason is not null)
            {
                reliable = false;
                reasons.Add(batch == 1 && batchShape.Length == 0 ? outcome.Reason : $"batch element {b}: {outcome.Reason}");
            }

            values[b] = double.IsPositiveInfinity(outcome.Value) ? double.PositiveInfinity : DifferentiableSum(p, q, outcome.Nodes, outcome.Weights, b, batch, outcome.Value);
        }

        var value = batch == 1 && batchShape.Length == 0 ? values[0] : ShapeOps.Stack(0, values).Reshape(batchShape);
        return new KlResult(
            value,
            KlMethod.Quadrature,
            new Tensor(errors, batchShape),
            0,
            isReliable: reliable,
            reason: reliable ? null : string.Join("; ", reasons),
            gradientEstimator: value.RequiresGrad ? KlGradientEstimator.Exact : KlGradientEstimator.None);
    }

    /// <summary>Σ wᵢ p(xᵢ)(log p(xᵢ) - log q(xᵢ)) over tensors, recorded only when a parameter needs gradients.</summary>
    private static Tensor DifferentiableSum(Distribution p, Distribution q, double[] nodes, double[] weights, int index, int batch, double value)
    {
        if (!Tensor.IsGradEnabled || nodes.Length == 0 || !double.IsFinite(value))
        {
            return value;
        }

        // Nodes along a new leading axis, broadcast against the batch: [n, 1, ..., 1].
        int[] shape = [nodes.Length, .. Enumerable.Repeat(1, Math.Max(p.BatchShapeArray.Length, q.BatchShapeArray.Length))];
        var x = Tensor.FromArray(nodes, shape);
        var logP = p.LogProb(x);
        var logQ = q.LogProb(x);
        if (!logP.RequiresGrad && !logQ.RequiresGrad)
        {
            return value;
        }

        var flatP = logP.BroadcastTo(Shapes.Broadcast(logP.ShapeArray, logQ.ShapeArray)).Reshape(nodes.Length, batch).Select(1, index);
        var flatQ = logQ.BroadcastTo(Shapes.Broadcast(logP.ShapeArray, logQ.ShapeArray)).Reshape(nodes.Length, batch).Select(1, index);

        // Where p is or underflows to 0 the term is 0 (0 log 0 = 0), whatever log q is.
        var dead = TensorOps.LessThan(flatP, MinLogDensity);
        var safeP = TensorOps.Where(dead, 0.0, flatP);
        var safeQ = TensorOps.Where(dead, 0.0, flatQ);
        var terms = safeP.Exp() * (safeP - safeQ) * Tensor.FromArray(weights, [weights.Length]);
        return TensorOps.Where(dead, 0.0, terms).Sum();
    }

    /// <summary>Each batch element's places (centre, width) from the distribution's mass locations; none if it cannot say.</summary>
    private static List<(double Centre, double Width)>[] Places(Distribution d, int[] batchShape)
    {
        int batch = Shapes.Size(batchShape);
        var places = Enumerable.Range(0, batch).Select(_ => new List<(double, double)>()).ToArray();
        MassLocations locations;
        try
        {
            locations = d.GetMassLocations();
        }
        catch (NotSupportedException)
        {
            return places;
        }

        int m = locations.Count;
        int[] shape = [.. batchShape, m];
        double[] centre = TensorOps.Expand(locations.Centre, shape), width = TensorOps.Expand(locations.Width, shape);
        for (int b = 0; b < batch; b++)
        {
            for (int k = 0; k < m; k++)
            {
                places[b].Add((centre[(b * m) + k], width[(b * m) + k]));
            }
        }

        return places;
    }

    /// <summary>Break points at each place's centre and a few widths either side, sorted and distinct.</summary>
    private static List<double> BreakPoints(IEnumerable<(double Centre, double Width)> places)
    {
        var points = new SortedSet<double>();
        foreach (var (c, w) in places)
        {
            if (!double.IsFinite(c))
            {
                continue;
            }

            if (!(w > 0) || !double.IsFinite(w))
            {
                points.Add(c);
                continue;
            }

            foreach (double k in WidthMultiples)
            {
                double x = c + (k * w);
                if (double.IsFinite(x))
                {
                    points.Add(x);
                }
            }
        }

        return [.. points];
    }

    private static string Format(double x) => x.ToString("G6", CultureInfo.InvariantCulture);

    /// <summary>The certified value of one batch element, or the reason it could not be certified.</summary>
    private readonly record struct Outcome(double Value, double Error, string? Reason, double[] Nodes, double[] Weights);

    /// <summary>The integrals for one batch element: the KL integrand and p's density, evaluated together.</summary>
    private sealed class Element(Distribution p, Distribution q, int index, int[] batchShape, bool hasCdf)
    {
        private double firstNaN = double.NaN;

        public Outcome Run(double lower, double upper, List<(double Centre, double Width)> pPlaces, List<(double Centre, double Width)> qPlaces, double tolerance)
        {
            double[] tolerances = [tolerance, tolerance];
            Func<double, double>? primitive = hasCdf ? Cdf : null;
            var breaks = BreakPoints(pPlaces.Concat(qPlaces)).Where(x => x > lower && x < upper).ToList();

            // Where the places end and how wide they are, for the tail checks.
            double widest = pPlaces.Concat(qPlaces).Where(pl => double.IsFinite(pl.Width)).Select(pl => pl.Width).DefaultIfEmpty(0).Max();
            double first = breaks.Count > 0 ? breaks[0] : double.IsFinite(lower) ? lower : double.IsFinite(upper) ? upper : 0;
            double last = breaks.Count > 0 ? breaks[^1] : first;
            double span = Math.Max(last - first, widest);
            if (!(span > 0) || !double.IsFinite(span))
            {
                span = Math.Max(Math.Max(Math.Abs(first), Math.Abs(last)), 1);
            }

            var tails = new List<(double Start, int Direction)>();
            if (double.IsPositiveInfinity(upper))
            {
                tails.Add((last + span, 1));
            }

            if (double.IsNegativeInfinity(lower))
            {
                tails.Add((first - span, -1));
            }

            breaks.AddRange(tails.Select(t => t.Start).Where(x => x > lower && x < upper));
            int maxIntervals = 2000 + (4 * breaks.Count);
            var main = AdaptiveQuadrature.IntegrateVector(Integrand, 2, lower, upper, breaks, tolerances, RelativeTolerance, maxIntervals, primitive, span);
            double mass = main.Values[0], kl = main.Values[1];
            var outcome = new Outcome(kl, main.Errors[1], null, main.Nodes, main.Weights);
            if (double.IsPositiveInfinity(kl))
            {
                // q's density is 0 at a node where p's is positive.
                return outcome;
            }

            if (!double.IsNaN(firstNaN))
            {
                return outcome with { Reason = $"log p or log q is NaN at x = {Format(firstNaN)}" };
            }

            if (!double.IsFinite(kl))
            {
                return outcome with { Reason = $"the integral is {kl}" };
            }

            if (!main.Converged)
            {
                return outcome with { Reason = $"the quadrature did not converge: {main.Failure} (KL {Format(kl)}, error estimate {Format(main.Errors[1])})" };
            }

            double massAllowed = Math.Max(10 * tolerance, 1e-11);
            if (!(Math.Abs(mass - 1) <= massAllowed))
            {
                return outcome with
                {
                    Reason = $"p's density integrates to {mass.ToString("R", CultureInfo.InvariantCulture)} over the partition, not 1: part of p's mass was missed" +
                        (hasCdf ? string.Empty : " (p has no CDF to locate it; override Distribution.GetMassLocations to say where its mass is)"),
                };
            }

            foreach (var (start, direction) in tails)
            {
                string? tailReason = CheckTail(main, start, direction, span, tolerances, primitive);
                if (tailReason is not null)
                {
                    return outcome with { Reason = tailReason };
                }
            }

            return outcome;
        }

        /// <summary>
        /// The tail beyond <paramref name="start"/> (a break point of <paramref name="main"/>) integrated again from
        /// start + span·(8ʲ - 1) with the map of a half line: each must converge, shrink as the range grows, and the first
        /// must agree with the main integral's share beyond start. Null when all hold.
        /// </summary>
        private string? CheckTail(VectorQuadratureResult main, double start, int direction, double span, double[] tolerances, Func<double, double>? primitive)
        {
            double tolerance = tolerances[1];
            double previous = double.NaN;
            for (int j = 0; j < TailSteps; j++)
            {
                // Another map's scale than the main pass's (span), so that the first comparison is not of one rule with itself.
                double from = start + (direction * span * (Math.Pow(8, j) - 1)), scale = 4 * span * Math.Pow(8, j);
                var tail = direction > 0
                    ? AdaptiveQuadrature.IntegrateVector(Integrand, 2, from, double.PositiveInfinity, [], tolerances, RelativeTolerance, 500, primitive, scale)
                    : AdaptiveQuadrature.IntegrateVector(Integrand, 2, double.NegativeInfinity, from, [], tolerances, RelativeTolerance, 500, primitive, scale);
                double value = tail.Values[1];
                if (!tail.Converged || !double.IsFinite(value))
                {
                    return $"the tail beyond x = {Format(from)} cannot be integrated ({tail.Failure ?? $"its value is {value}"}): the KL integrand's tail may not converge";
                }

                if (j == 0)
                {
                    double share = 0, shareError = 0;
                    foreach (var s in main.Segments.Where(s => direction > 0 ? s.Lower >= start : s.Upper <= start))
                    {
                        share += s.Values[1];
                        shareError += s.Errors[1];
                    }

                    if (!(Math.Abs(share - value) <= shareError + tail.Errors[1] + (10 * tolerance) + (RelativeTolerance * Math.Abs(value))))
                    {
                        return $"the tail beyond x = {Format(from)} is {Format(share)} on the whole-line partition but {Format(value)} integrated on its own: the tail is not resolved";
                    }
                }
                else if (!(Math.Abs(value) <= (TailShrink * Math.Abs(previous)) + tolerance))
                {
                    return $"the KL integrand's tail does not shrink as the range grows ({Format(previous)} beyond x = {Format(start + (direction * span * (Math.Pow(8, j - 1) - 1)))}, {Format(value)} beyond x = {Format(from)}): it may diverge";
                }

                previous = value;
            }

            return null;
        }

        /// <summary>[p(x), p(x)(log p(x) - log q(x))] at every x, in one evaluation of each log-density.</summary>
        private void Integrand(ReadOnlySpan<double> x, Span<double> values)
        {
            using var scope = Tensor.NoGrad();
            int n = x.Length;
            var points = new Tensor(x.ToArray(), [n, .. Enumerable.Repeat(1, batchShape.Length)]);
            var logP = p.LogProb(points);
            var logQ = q.LogProb(points);
            int pAt = SourceIndex(logP.ShapeArray), qAt = SourceIndex(logQ.ShapeArray);
            int pStride = logP.Length / n, qStride = logQ.Length / n;
            var lp = logP.Values;
            var lq = logQ.Values;
            for (int i = 0; i < n; i++)
            {
                double a = lp[(i * pStride) + pAt], c = lq[(i * qStride) + qAt];
                double density = double.IsNaN(a) ? double.NaN : Math.Exp(a);
                double term;
                if (density == 0)
                {
                    // p(x) = 0 (or underflows): the term is 0 even where log q(x) = -∞ (0 · ∞ would be NaN).
                    term = 0;
                }
                else
                {
                    term = density * (a - c);
                }

                if (double.IsNaN(density) || double.IsNaN(term))
                {
                    if (double.IsNaN(firstNaN))
                    {
                        firstNaN = x[i];
                    }

                    density = 0;
                    term = 0;
                }

                values[i] = density;
                values[n + i] = term;
            }
        }

        /// <summary>P(X ≤ x) for this batch element.</summary>
        private double Cdf(double x)
        {
            if (double.IsNegativeInfinity(x))
            {
                return 0;
            }

            if (double.IsPositiveInfinity(x))
            {
                return 1;
            }

            using var scope = Tensor.NoGrad();
            var f = p.Cdf(new Tensor([x], [.. Enumerable.Repeat(1, batchShape.Length)]));
            return f.Values[SourceIndex([1, .. f.ShapeArray])];
        }

        /// <summary>The flat index of this batch element in a tensor of shape [n, ...source] broadcast against the batch.</summary>
        private int SourceIndex(int[] shape)
        {
            int rank = shape.Length - 1;
            int flat = 0, rest = index, stride = 1;
            for (int d = batchShape.Length - 1, s = rank; d >= 0 && s >= 1; d--, s--)
            {
                int coordinate = rest % batchShape[d];
                rest /= batchShape[d];
                if (shape[s] != 1)
                {
                    flat += coordinate * stride;
                }

                stride *= shape[s];
            }

            return flat;
        }
    }
}
