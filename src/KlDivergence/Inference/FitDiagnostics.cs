using KlDivergence.Diagnostics;

namespace KlDivergence.Inference;

/// <summary>
/// How far a fitted approximation q of a posterior p can be trusted, from S draws xᵢ of q with their log p(xᵢ)
/// (unnormalised) and log q(xᵢ): the Pareto k-hat of the importance ratios p/q (Vehtari, Simpson, Gelman, Yao &amp;
/// Gabry, JMLR 25(72), 2024; below 0.7 importance sampling from q, and q itself, is reliable), importance-weighted
/// estimates with the Pareto-smoothed weights, the ELBO with its Monte Carlo standard error, and the evaluations spent.
/// </summary>
public sealed class FitDiagnostics
{
    private readonly double[] weightedMeans;

    private FitDiagnostics(double paretoK, double[] weightedMeans, double logEvidence, double logEvidenceSe, double elbo, double elboSe, int drawCount, int gradientEvaluations, int densityEvaluations, double effectiveSampleSize)
    {
        ParetoK = paretoK;
        EffectiveSampleSize = effectiveSampleSize;
        this.weightedMeans = weightedMeans;
        LogEvidence = logEvidence;
        LogEvidenceStandardError = logEvidenceSe;
        Elbo = elbo;
        ElboStandardError = elboSe;
        DrawCount = drawCount;
        GradientEvaluations = gradientEvaluations;
        DensityEvaluations = densityEvaluations;
    }

    /// <summary>The k-hat threshold: 0.7 (<see cref="ParetoSmoothing.ReliabilityThreshold"/>).</summary>
    public static double ParetoKThreshold => ParetoSmoothing.ReliabilityThreshold;

    /// <summary>The Pareto k-hat of log p - log q over the draws (+∞ when it could not be fitted: fewer than 21 draws, or no finite ratio).</summary>
    public double ParetoK { get; }

    /// <summary>True when <see cref="ParetoK"/> is below <see cref="ParetoKThreshold"/>.</summary>
    public bool IsReliable => ParetoK < ParetoKThreshold;

    /// <summary>The self-normalised importance-weighted posterior means of the coordinates, with the smoothed weights (NaN when every ratio is zero).</summary>
    public IReadOnlyList<double> ImportanceWeightedMeans => weightedMeans;

    /// <summary>
    /// log Ẑ = log((1/S) Σ w̃ᵢ), the importance-sampling estimate of the log normalising constant of p with the smoothed
    /// weights w̃ (smoothing trades a little bias for a finite variance; trust it only when <see cref="IsReliable"/>).
    /// </summary>
    public double LogEvidence { get; }

    /// <summary>The standard error of <see cref="LogEvidence"/> by the delta method: sd(w̃)/(√S · mean(w̃)).</summary>
    public double LogEvidenceStandardError { get; }

    /// <summary>The ELBO, mean of log p - log q over the draws (a lower bound of log Z in expectation).</summary>
    public double Elbo { get; }

    /// <summary>The Monte Carlo standard error of <see cref="Elbo"/>: sd(log p - log q)/√S.</summary>
    public double ElboStandardError { get; }

    /// <summary>
    /// The importance-sampling effective sample size 1 / Σ w̃ᵢ² of the normalised smoothed weights (Kong 1992; between 1
    /// and S, 0 when every ratio is zero): how many independent draws of p the weighted draws are worth.
    /// </summary>
    public double EffectiveSampleSize { get; }

    /// <summary>The number S of draws of q the diagnostics used.</summary>
    public int DrawCount { get; }

    /// <summary>Gradient evaluations of log p spent by the whole fit (one per point, line searches included).</summary>
    public int GradientEvaluations { get; }

    /// <summary>Evaluations of log p without a gradient spent by the whole fit (ELBO estimates and these diagnostics' draws included).</summary>
    public int DensityEvaluations { get; }

    /// <summary>Computes the diagnostics from draws of q.</summary>
    /// <param name="draws">The draws, row-major [S, d].</param>
    /// <param name="dimension">d.</param>
    /// <param name="logP">log p(xᵢ), unnormalised; -∞ allowed (a point outside the support), NaN is read as -∞.</param>
    /// <param name="logQ">log q(xᵢ), finite.</param>
    /// <param name="gradientEvaluations">Gradient evaluations the fit spent.</param>
    /// <param name="densityEvaluations">Density-only evaluations the fit spent (including the S here).</param>
    /// <exception cref="ArgumentException">The lengths disagree or a log q is not finite.</exception>
    public static FitDiagnostics FromDraws(ReadOnlySpan<double> draws, int dimension, ReadOnlySpan<double> logP, ReadOnlySpan<double> logQ, int gradientEvaluations, int densityEvaluations)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        int s = logP.Length;
        if (logQ.Length != s || draws.Length != s * dimension || s < 2)
        {
            throw new ArgumentException($"Need S ≥ 2 draws with S·d values and S log densities each; got {draws.Length} values, d = {dimension}, {logP.Length} log p and {logQ.Length} log q.", nameof(draws));
        }

        var logRatio = new double[s];
        for (int i = 0; i < s; i++)
        {
            if (!double.IsFinite(logQ[i]))
            {
                throw new ArgumentException($"log q must be finite; draw {i} has {logQ[i]}.", nameof(logQ));
            }

            logRatio[i] = (double.IsNaN(logP[i]) || double.IsPositiveInfinity(logP[i]) ? double.NegativeInfinity : logP[i]) - logQ[i];
        }

        var elboMoments = default(RunningMoments);
        elboMoments.Add(logRatio);
        double elboMean = elboMoments.Mean;
        double elboSe = double.IsFinite(elboMean) ? elboMoments.StandardError : double.NaN;
        var means = new double[dimension];
        if (logRatio.All(double.IsNegativeInfinity))
        {
            Array.Fill(means, double.NaN);
            return new FitDiagnostics(double.PositiveInfinity, means, double.NegativeInfinity, double.NaN, elboMean, elboSe, s, gradientEvaluations, densityEvaluations, 0);
        }

        var smoothed = ParetoSmoothing.Smooth(logRatio);
        var weights = smoothed.NormalizedWeights();
        for (int i = 0; i < s; i++)
        {
            for (int j = 0; j < dimension; j++)
            {
                means[j] += weights[i] * draws[(i * dimension) + j];
            }
        }

        // log mean(w̃) = max + log mean(w̃/e^max); the delta-method SE of its log is the relative SE of the mean.
        double max = smoothed.LogWeights.Max();
        var weightMoments = default(RunningMoments);
        weightMoments.Add(smoothed.LogWeights.Select(v => Math.Exp(v - max)).ToArray());
        double mean = weightMoments.Mean;
        double k = double.IsNaN(smoothed.ParetoK) ? double.PositiveInfinity : smoothed.ParetoK;
        return new FitDiagnostics(k, means, max + Math.Log(mean), weightMoments.StandardError / mean, elboMean, elboSe, s, gradientEvaluations, densityEvaluations, 1 / weights.Sum(w => w * w));
    }
}
