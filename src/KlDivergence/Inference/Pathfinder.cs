using KlDivergence.Distributions;
using KlDivergence.Optimization;
using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Inference;

/// <summary>
/// Pathfinder (Zhang, Carpenter, Gelman &amp; Vehtari, "Pathfinder: parallel quasi-Newton variational inference",
/// JMLR 23(306), 2022). Along an L-BFGS path maximising log p, each iterate xₗ gives a normal approximation
/// N(xₗ + Hₗ∇log p(xₗ), Hₗ), where Hₗ is the L-BFGS inverse Hessian built by the two-loop recursion from the last J
/// correction pairs on a diagonal initial matrix diag(α) updated at every accepted pair (the paper's algorithm 3, the
/// diagonal of the BFGS update of the rescaled diagonal Hessian, Gilbert &amp; Lemaréchal 1989). Each is scored by a
/// Monte Carlo ELBO with K draws and the best is returned with draws (algorithm 1). Multi-path Pathfinder runs I paths
/// from dispersed starts in parallel, pools their draws and resamples them by Pareto-smoothed importance weights
/// (algorithm 5). Hₗ is formed as a dense d × d matrix (d two-loop applications, O(d²J)) and factorised, O(d³) per
/// iterate: meant for models of up to a few hundred parameters (the paper's O(dJ²) low-rank factorisation is not used).
/// </summary>
public static class Pathfinder
{
    /// <summary>Runs one path from <paramref name="initial"/> and returns draws of its best normal approximation.</summary>
    /// <param name="logDensity">log p(x) for a batch of points [n, d], returning [n]; differentiable.</param>
    /// <param name="initial">The start (length d), where log p and its gradient are finite.</param>
    /// <param name="options">Options; the defaults when null (the path's stream comes from <see cref="PathfinderOptions.Seed"/> and index 0).</param>
    /// <exception cref="ArgumentException">log p or its gradient is not finite at the start.</exception>
    /// <exception cref="InvalidOperationException">No iterate gave a normal approximation with a finite ELBO.</exception>
    public static PathfinderResult SinglePath(Func<Tensor, Tensor> logDensity, IReadOnlyList<double> initial, PathfinderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(logDensity);
        ArgumentNullException.ThrowIfNull(initial);
        options ??= new PathfinderOptions();
        options.Validate();
        var target = new FlatTarget(logDensity, initial.Count, options.Lbfgs.ReuseIntermediates);
        var run = RunPath(target, 0, [.. initial], options, PathStream(options.Seed, 0))
            ?? throw new InvalidOperationException("Pathfinder found no normal approximation with a finite ELBO along the path (log p was -∞ or not finite at every draw).");
        var diagnostics = FitDiagnostics.FromDraws(run.Draws, initial.Count, run.LogP, run.LogQ, run.Path.GradientEvaluations, run.Path.DensityEvaluations);
        return new PathfinderResult(Tensor.FromArray(run.Draws, [options.DrawsPerPath, initial.Count]), run.Path.Approximation, [run.Path], diagnostics);
    }

    /// <summary>
    /// Runs <see cref="PathfinderOptions.PathCount"/> paths from random starts in parallel, pools their draws and
    /// resamples <see cref="PathfinderOptions.ResampleCount"/> of them by Pareto-smoothed importance weights. The draws
    /// are the same for any <see cref="PathfinderOptions.MaxDegreeOfParallelism"/>.
    /// </summary>
    /// <param name="logDensity">log p(x) for a batch of points [n, d], returning [n]; differentiable and safe to call from several threads at once.</param>
    /// <param name="dimension">d.</param>
    /// <param name="options">Options; the defaults when null.</param>
    /// <exception cref="InvalidOperationException">No path produced an approximation (every start was non-finite, or every ELBO was -∞).</exception>
    public static PathfinderResult MultiPath(Func<Tensor, Tensor> logDensity, int dimension, PathfinderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(logDensity);
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        options ??= new PathfinderOptions();
        options.Validate();
        var runs = new PathRun?[options.PathCount];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.MaxDegreeOfParallelism ?? Environment.ProcessorCount };
        Parallel.For(0, options.PathCount, parallel, i =>
        {
            var random = PathStream(options.Seed, i);
            var target = new FlatTarget(logDensity, dimension, options.Lbfgs.ReuseIntermediates);
            var start = RandomStart(target, random, options.InitialRadius);
            runs[i] = start is null ? null : RunPath(target, i, start, options, random);
        });

        var done = runs.Where(r => r is not null).Select(r => r!).ToArray();
        if (done.Length == 0)
        {
            throw new InvalidOperationException($"None of the {options.PathCount} Pathfinder paths produced an approximation: log p was not finite at their random starts or along their paths.");
        }

        int n = done.Length * options.DrawsPerPath;
        var draws = new double[n * dimension];
        var logP = new double[n];
        var logQ = new double[n];
        for (int r = 0; r < done.Length; r++)
        {
            done[r].Draws.CopyTo(draws, r * options.DrawsPerPath * dimension);
            done[r].LogP.CopyTo(logP, r * options.DrawsPerPath);
            done[r].LogQ.CopyTo(logQ, r * options.DrawsPerPath);
        }

        var diagnostics = FitDiagnostics.FromDraws(
            draws, dimension, logP, logQ, done.Sum(r => r.Path.GradientEvaluations), done.Sum(r => r.Path.DensityEvaluations));
        var resampled = Resample(draws, dimension, logP, logQ, options.ResampleCount, PathStream(options.Seed, options.PathCount));
        var best = done.MaxBy(r => r.Path.Elbos[r.Path.BestIteration - 1])!;
        return new PathfinderResult(
            Tensor.FromArray(resampled, [options.ResampleCount, dimension]), best.Path.Approximation, [.. done.Select(r => r.Path)], diagnostics);
    }

    /// <summary>The stream of path <paramref name="index"/>: seeded by SplitMix64 from the seed and the index, so it does not depend on which thread runs it.</summary>
    internal static RandomStream PathStream(ulong seed, int index)
    {
        ulong state = seed ^ (0xD1B54A32D192ED03UL * (ulong)(index + 1));
        return new RandomStream(RandomStream.SplitMix64(ref state));
    }

    /// <summary>A start uniform in (-r, r)ᵈ where log p and its gradient are finite (up to 100 tries, as Stan does); null if none.</summary>
    private static double[]? RandomStart(FlatTarget target, RandomStream random, double radius)
    {
        var x = new double[target.Dimension];
        var g = new double[target.Dimension];
        for (int attempt = 0; attempt < 100; attempt++)
        {
            for (int i = 0; i < x.Length; i++)
            {
                x[i] = radius * ((2 * random.NextDouble()) - 1);
            }

            if (double.IsFinite(target.NegativeLogDensity(x, g)) && Buffers.IsFinite([g]))
            {
                return x;
            }
        }

        return null;
    }

    /// <summary>Algorithm 1 on one path: L-BFGS, a normal approximation and its ELBO at every iterate, draws of the best.</summary>
    private static PathRun? RunPath(FlatTarget target, int index, double[] start, PathfinderOptions options, RandomStream random)
    {
        int d = target.Dimension;
        var lbfgs = options.Lbfgs with { HistorySize = options.HistorySize, MaxIterations = options.MaxIterations };
        var trace = Lbfgs.Minimize(target.NegativeLogDensity, start, lbfgs);
        var alpha = new double[d];
        Array.Fill(alpha, 1.0);
        var accepted = new List<LbfgsCorrection>();
        int next = 0;
        var elbos = new double[trace.Iterations];
        MultivariateNormal? best = null;
        int bestIteration = 0;
        for (int l = 1; l <= trace.Iterations; l++)
        {
            while (next < trace.Corrections.Count && trace.Corrections[next].Iteration <= l)
            {
                var pair = trace.Corrections[next++];
                UpdateDiagonal(alpha, pair);
                accepted.Add(pair);
            }

            elbos[l - 1] = double.NegativeInfinity;
            if (accepted.Count == 0)
            {
                continue;
            }

            var q = Approximation(trace.Iterates[l], Lbfgs.Window(accepted, 0, options.HistorySize), alpha);
            if (q is null)
            {
                continue;
            }

            using (Tensor.NoGrad())
            {
                var z = q.Sample(options.ElboDraws, random);
                var logP = target.LogDensities(z.ToArray(), options.ElboDraws);
                var logQ = q.LogProb(z).ToArray();
                elbos[l - 1] = logP.Zip(logQ, (p, r) => p - r).Average();
            }

            if (double.IsNaN(elbos[l - 1]))
            {
                elbos[l - 1] = double.NegativeInfinity;
            }

            if (best is null || elbos[l - 1] > elbos[bestIteration - 1])
            {
                best = q;
                bestIteration = l;
            }
        }

        if (best is null || double.IsNegativeInfinity(elbos[bestIteration - 1]))
        {
            return null;
        }

        using var scope = Tensor.NoGrad();
        var draws = best.Sample(options.DrawsPerPath, random);
        var rows = draws.ToArray();
        var finalLogP = target.LogDensities(rows, options.DrawsPerPath);
        var finalLogQ = best.LogProb(draws).ToArray();
        var path = new PathfinderPath(index, start, trace, elbos, bestIteration, best, target.GradientEvaluations, target.DensityEvaluations);
        return new PathRun(path, rows, finalLogP, finalLogQ);
    }

    /// <summary>
    /// N(x + H∇log p(x), H) with H the two-loop inverse Hessian on diag(α) (its columns H eⱼ), symmetrised against
    /// rounding; null when H is not numerically positive definite.
    /// </summary>
    private static MultivariateNormal? Approximation(LbfgsIterate iterate, IReadOnlyList<LbfgsCorrection> pairs, double[] alpha)
    {
        int d = alpha.Length;
        var h = new double[d * d];
        var unit = new double[d];
        var column = new double[d];
        for (int j = 0; j < d; j++)
        {
            unit[j] = 1;
            Lbfgs.ApplyInverseHessian(unit, pairs, alpha, column);
            unit[j] = 0;
            for (int i = 0; i < d; i++)
            {
                h[(i * d) + j] = column[i];
            }
        }

        for (int i = 0; i < d; i++)
        {
            for (int j = 0; j < i; j++)
            {
                double mean = 0.5 * (h[(i * d) + j] + h[(j * d) + i]);
                h[(i * d) + j] = mean;
                h[(j * d) + i] = mean;
            }
        }

        // The trace holds ∇f = -∇log p, so x + H∇log p = x - H∇f.
        var mu = new double[d];
        for (int i = 0; i < d; i++)
        {
            double step = 0;
            for (int j = 0; j < d; j++)
            {
                step += h[(i * d) + j] * iterate.Gradient[j];
            }

            mu[i] = iterate.Point[i] - step;
        }

        if (!h.All(double.IsFinite) || !mu.All(double.IsFinite))
        {
            return null;
        }

        try
        {
            using var scope = Tensor.NoGrad();
            return MultivariateNormal.FromCovariance(Tensor.Vector(mu), Tensor.FromArray(h, [d, d]));
        }
        catch (NotPositiveDefiniteException)
        {
            return null;
        }
    }

    /// <summary>
    /// The paper's algorithm 3: α ← 1 / (a/(bα) + y²/b - a s²/(b c α²)) elementwise, with a = yᵀdiag(α)y, b = yᵀs and
    /// c = sᵀdiag(α)⁻¹s, the diagonal of the BFGS update of diag(a/(bα)). Kept unchanged if the result is not positive.
    /// </summary>
    private static void UpdateDiagonal(double[] alpha, LbfgsCorrection pair)
    {
        double a = 0, b = 0, c = 0;
        for (int i = 0; i < alpha.Length; i++)
        {
            a += pair.Y[i] * alpha[i] * pair.Y[i];
            b += pair.Y[i] * pair.S[i];
            c += pair.S[i] * pair.S[i] / alpha[i];
        }

        var updated = new double[alpha.Length];
        for (int i = 0; i < alpha.Length; i++)
        {
            updated[i] = 1 / ((a / (b * alpha[i])) + (pair.Y[i] * pair.Y[i] / b) - (a * pair.S[i] * pair.S[i] / (b * c * alpha[i] * alpha[i])));
            if (!(updated[i] > 0 && double.IsFinite(updated[i])))
            {
                return;
            }
        }

        updated.CopyTo(alpha, 0);
    }

    /// <summary>Multinomial resampling with replacement by the Pareto-smoothed weights of log p - log q.</summary>
    private static double[] Resample(double[] draws, int d, double[] logP, double[] logQ, int count, RandomStream random)
    {
        var logRatios = logP.Zip(logQ, (p, q) => p - q).ToArray();
        var weights = Diagnostics.ParetoSmoothing.Smooth(logRatios).NormalizedWeights();
        var cumulative = new double[weights.Length];
        double sum = 0;
        for (int i = 0; i < weights.Length; i++)
        {
            sum += weights[i];
            cumulative[i] = sum;
        }

        var result = new double[count * d];
        for (int r = 0; r < count; r++)
        {
            int i = random.NextCategorical(cumulative);
            Array.Copy(draws, i * d, result, r * d, d);
        }

        return result;
    }

    /// <summary>A finished path with the draws of its best approximation and their log densities.</summary>
    private sealed record PathRun(PathfinderPath Path, double[] Draws, double[] LogP, double[] LogQ);
}
