using System.Runtime.Intrinsics;
using KlDivergence.Distributions;
using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Divergences;

/// <summary>
/// Monte Carlo KL(p ‖ q) ≈ (1/n) Σ [log p(xᵢ) - log q(xᵢ)], xᵢ ~ p, with standard error s/√n from the sample
/// standard deviation s. Samples are reparameterised when p allows it, so gradients reach p's parameters.
/// </summary>
internal static class MonteCarloKl
{
    /// <summary>Samples per chunk when no gradient is needed: small enough to stay in cache.</summary>
    private const int ChunkSize = 4096;

    public static KlResult Estimate(Distribution p, Distribution q, int sampleCount, RandomStream random)
    {
        var estimate = Tensor.IsGradEnabled && NeedsGradient(p, q)
            ? EstimateWithGradient(p, q, sampleCount, random)
            : EstimateInChunks(p, q, sampleCount, random);
        return MarkUnnestedSupports(p, q, estimate);
    }

    /// <summary>
    /// For univariate pairs, +∞ wherever p's support bounds reach outside q's: the divergence is infinite even
    /// when no sample happened to land where q has no mass.
    /// </summary>
    private static KlResult MarkUnnestedSupports(Distribution p, Distribution q, KlResult estimate)
    {
        if (p.EventShapeArray.Length != 0 || q.EventShapeArray.Length != 0)
        {
            return estimate;
        }

        Tensor outside;
        using (Tensor.NoGrad())
        {
            outside = TensorOps.Maximum(
                TensorOps.LessThan(p.Support.Lower, q.Support.Lower),
                TensorOps.GreaterThan(p.Support.Upper, q.Support.Upper));
        }

        if (!outside.Values.Contains(1.0))
        {
            return estimate;
        }

        var value = TensorOps.Where(outside, double.PositiveInfinity, estimate.Value);
        var error = TensorOps.Where(outside, 0.0, estimate.StandardError);
        return new KlResult(value, KlMethod.MonteCarlo, error, estimate.SampleCount);
    }

    private static KlResult EstimateWithGradient(Distribution p, Distribution q, int n, RandomStream random)
    {
        var x = p.HasReparameterizedSample ? p.ReparameterizedSample(n, random) : p.Sample(n, random);
        var diff = LogRatio(p, q, x);
        var mean = diff.Mean(0);
        Tensor se;
        using (Tensor.NoGrad())
        {
            se = StandardError(diff.Detach(), mean.Detach(), n);
        }

        return new KlResult(mean, KlMethod.MonteCarlo, se, n);
    }

    private static KlResult EstimateInChunks(Distribution p, Distribution q, int n, RandomStream random)
    {
        if (p is IFusedSampler { HasFusedSampler: true } sampler && p is IFusedLogDensity { HasFusedLogDensity: true } pDensity
            && q is IFusedLogDensity { HasFusedLogDensity: true } qDensity)
        {
            return EstimateFused(sampler, pDensity, qDensity, n, random);
        }

        using var scope = Tensor.NoGrad();
        double[]? sum = null, sumSquares = null;
        int[]? batchShape = null;
        for (int done = 0; done < n; done += ChunkSize)
        {
            int m = Math.Min(ChunkSize, n - done);
            var diff = LogRatio(p, q, p.Sample(m, random));
            batchShape ??= diff.ShapeArray[1..];
            int batch = diff.Length / m;
            sum ??= new double[batch];
            sumSquares ??= new double[batch];
            var d = diff.Data;
            for (int i = 0; i < m; i++)
            {
                for (int b = 0; b < batch; b++)
                {
                    double v = d[(i * batch) + b];
                    sum[b] += v;
                    sumSquares[b] += v * v;
                }
            }
        }

        var mean = new double[sum!.Length];
        var se = new double[sum.Length];
        for (int b = 0; b < mean.Length; b++)
        {
            (mean[b], se[b]) = MeanAndError(sum[b], sumSquares![b], n);
        }

        return new KlResult(new Tensor(mean, batchShape!), KlMethod.MonteCarlo, new Tensor(se, batchShape!), n);
    }

    /// <summary>
    /// Univariate, unbatched p and q with span kernels: the same chunks, draws and sums as the tensor path, with
    /// three reused buffers instead of a dozen tensors per chunk.
    /// </summary>
    private static KlResult EstimateFused(IFusedSampler sampler, IFusedLogDensity p, IFusedLogDensity q, int n, RandomStream random)
    {
        int size = Math.Min(ChunkSize, n);
        double[] x = GC.AllocateUninitializedArray<double>(size), logP = GC.AllocateUninitializedArray<double>(size), logQ = GC.AllocateUninitializedArray<double>(size);
        double sum = 0, sumSquares = 0;
        for (int done = 0; done < n; done += ChunkSize)
        {
            int m = Math.Min(ChunkSize, n - done);
            Span<double> xs = x.AsSpan(0, m), ps = logP.AsSpan(0, m), qs = logQ.AsSpan(0, m);
            sampler.FusedSample(random, xs);
            p.FusedLogDensity(xs, ps);
            q.FusedLogDensity(xs, qs);
            var (chunkSum, chunkSquares) = SumsOfDifferences(ps, qs);
            if (double.IsNaN(chunkSum))
            {
                // -∞ - -∞ only where p has no mass (as in LogRatio): such draws contribute 0, not NaN.
                for (int i = 0; i < m; i++)
                {
                    if (double.IsNegativeInfinity(ps[i]))
                    {
                        ps[i] = 0;
                        qs[i] = 0;
                    }
                }

                (chunkSum, chunkSquares) = SumsOfDifferences(ps, qs);
            }

            sum += chunkSum;
            sumSquares += chunkSquares;
        }

        var (mean, se) = MeanAndError(sum, sumSquares, n);
        return new KlResult(mean, KlMethod.MonteCarlo, se, n);
    }

    /// <summary>Σ (a - b) and Σ (a - b)² in one vectorised pass.</summary>
    private static (double Sum, double SumOfSquares) SumsOfDifferences(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double sum = 0, squares = 0;
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var s = Vector256<double>.Zero;
            var q = Vector256<double>.Zero;
            for (; i <= a.Length - 4; i += 4)
            {
                var d = Vector256.Create(a.Slice(i, 4)) - Vector256.Create(b.Slice(i, 4));
                s += d;
                q += d * d;
            }

            sum = Vector256.Sum(s);
            squares = Vector256.Sum(q);
        }

        for (; i < a.Length; i++)
        {
            double d = a[i] - b[i];
            sum += d;
            squares += d * d;
        }

        return (sum, squares);
    }

    /// <summary>The sample mean and its standard error s/√n from running sums (0 error for an infinite mean).</summary>
    private static (double Mean, double StandardError) MeanAndError(double sum, double sumSquares, int n)
    {
        double mean = sum / n;
        if (double.IsPositiveInfinity(mean))
        {
            return (mean, 0);
        }

        double variance = Math.Max(sumSquares - (n * mean * mean), 0) / (n - 1);
        return (mean, Math.Sqrt(variance / n));
    }

    /// <summary>log p(x) - log q(x), with +∞ (not NaN) where p(x) &gt; 0 = q(x).</summary>
    private static Tensor LogRatio(Distribution p, Distribution q, Tensor x)
    {
        var logP = p.LogProb(x);
        var logQ = q.LogProb(x);
        var diff = logP - logQ;
        if (System.Numerics.Tensors.TensorPrimitives.IsNaNAny(diff.Values))
        {
            // -∞ - -∞ happens only where p has no mass; such samples cannot occur, but guard anyway.
            return TensorOps.Where(TensorOps.EqualTo(logP, double.NegativeInfinity), 0.0, diff);
        }

        return diff;
    }

    /// <summary>s/√n per batch element from the draws [n, ...batch] and their mean, in one pass (0 for an infinite mean).</summary>
    private static Tensor StandardError(Tensor diff, Tensor mean, int n)
    {
        int batch = mean.Length;
        var squares = new double[batch];
        double[] d = diff.Data, m = mean.Data;
        for (int i = 0; i < n; i++)
        {
            for (int b = 0; b < batch; b++)
            {
                double e = d[(i * batch) + b] - m[b];
                squares[b] += e * e;
            }
        }

        for (int b = 0; b < batch; b++)
        {
            squares[b] = double.IsPositiveInfinity(m[b]) ? 0 : Math.Sqrt(squares[b] / ((n - 1.0) * n));
        }

        return new Tensor(squares, mean.ShapeArray);
    }

    /// <summary>
    /// True when the estimate depends on a tensor that requires gradients: found by evaluating one probe sample
    /// from a separate stream, so the caller's stream (and hence the estimate) does not depend on the answer.
    /// </summary>
    private static bool NeedsGradient(Distribution p, Distribution q)
    {
        var probeStream = new RandomStream(0UL);
        var x = p.HasReparameterizedSample ? p.ReparameterizedSample(1, probeStream) : p.Sample(1, probeStream);
        return x.RequiresGrad || p.LogProb(x).RequiresGrad || q.LogProb(x).RequiresGrad;
    }
}
