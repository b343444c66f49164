using KlDivergence.Distributions;
using KlDivergence.Divergences.Quadrature;
using KlDivergence.Tensors;

namespace KlDivergence.Divergences;

/// <summary>
/// KL(p ‖ q) = ∫ p(x) (log p(x) - log q(x)) dx by adaptive Gauss–Kronrod quadrature over p's support,
/// one integral per batch element. Where q's support does not contain p's, the answer is +∞ without
/// integrating. The returned value is the final quadrature sum re-evaluated over tensors at the nodes the
/// adaptive pass chose, so it carries gradients to both distributions' parameters.
/// </summary>
internal static class QuadratureKl
{
    public static bool Applies(Distribution p, Distribution q) =>
        p.EventShapeArray.Length == 0 && q.EventShapeArray.Length == 0 && !p.Support.IsDiscrete && !q.Support.IsDiscrete;

    public static KlResult Integrate(Distribution p, Distribution q, double absoluteTolerance)
    {
        int[] batchShape = Shapes.Broadcast(p.BatchShapeArray, q.BatchShapeArray);
        int batch = Shapes.Size(batchShape);
        double[] pLower, pUpper, qLower, qUpper, centre, spread;
        using (Tensor.NoGrad())
        {
            pLower = TensorOps.Expand(p.Support.Lower, batchShape);
            pUpper = TensorOps.Expand(p.Support.Upper, batchShape);
            qLower = TensorOps.Expand(q.Support.Lower, batchShape);
            qUpper = TensorOps.Expand(q.Support.Upper, batchShape);
            centre = TryMoment(() => p.Mean, batchShape);
            spread = TryMoment(() => p.StandardDeviation, batchShape);
        }

        var values = new Tensor[batch];
        var errors = new double[batch];
        for (int b = 0; b < batch; b++)
        {
            if (pLower[b] < qLower[b] || pUpper[b] > qUpper[b])
            {
                // p puts mass where q has none.
                values[b] = double.PositiveInfinity;
                errors[b] = 0;
                continue;
            }

            int index = b;
            double Integrand(double x)
            {
                using var scope = Tensor.NoGrad();
                var point = Tensor.Scalar(x);
                double logP = Pick(p.LogProb(point), index);
                double density = Math.Exp(logP);
                if (density == 0)
                {
                    // p(x) = 0 (or underflows): the term is 0 even where log q(x) = -∞ (0 · ∞ would be NaN).
                    return 0;
                }

                return density * (logP - Pick(q.LogProb(point), index));
            }

            var breaks = BreakPoints(centre[b], spread[b], pLower[b], pUpper[b]);
            var result = AdaptiveQuadrature.IntegrateWithNodes(Integrand, pLower[b], pUpper[b], breaks, absoluteTolerance, 1e-12, out var nodes, out var weights);
            errors[b] = result.ErrorEstimate;
            values[b] = double.IsPositiveInfinity(result.Value) ? double.PositiveInfinity : DifferentiableSum(p, q, nodes, weights, index, batch, result.Value);
        }

        var value = batch == 1 && batchShape.Length == 0 ? values[0] : ShapeOps.Stack(0, values).Reshape(batchShape);
        return new KlResult(value, KlMethod.Quadrature, new Tensor(errors, batchShape), 0);
    }

    /// <summary>Σ wᵢ p(xᵢ)(log p(xᵢ) - log q(xᵢ)) over tensors, recorded only when a parameter needs gradients.</summary>
    private static Tensor DifferentiableSum(Distribution p, Distribution q, double[] nodes, double[] weights, int index, int batch, double value)
    {
        if (!Tensor.IsGradEnabled || nodes.Length == 0)
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

    /// <summary>Below this log-density, e^x underflows to 0 in double precision.</summary>
    private const double MinLogDensity = -745.2;

    private static double Pick(Tensor t, int index) => t.Length == 1 ? t.Data[0] : t.Data[index];

    private static double[] TryMoment(Func<Tensor> moment, int[] batchShape)
    {
        try
        {
            return TensorOps.Expand(moment(), batchShape);
        }
        catch (NotSupportedException)
        {
            return new double[Shapes.Size(batchShape)].Select(_ => double.NaN).ToArray();
        }
    }

    /// <summary>Break points at p's mean and a few standard deviations either side, inside the support.</summary>
    private static double[] BreakPoints(double mean, double sd, double lower, double upper)
    {
        if (!double.IsFinite(mean) || !double.IsFinite(sd) || sd <= 0)
        {
            return [];
        }

        return [.. new[] { -8.0, -3, -1, 0, 1, 3, 8 }.Select(k => mean + (k * sd)).Where(x => x > lower && x < upper)];
    }
}
