using KlDivergence.Tensors;

namespace KlDivergence.Divergences;

/// <summary>
/// The alternating minimisation of Hershey &amp; Olsen's (2007) variational upper bound
/// D_φψ = Σₐ_b φₐ_b (log φₐ_b - log ψₐ_b + Dₐ_b) over couplings with Σ_b φₐ_b = πₐ and Σₐ ψₐ_b = ω_b,
/// in the log domain (so e^{-D} never underflows to a 0/0).
/// </summary>
internal static class MatchedBound
{
    /// <summary>
    /// Returns the final conditionals log(φₐ_b / πₐ) and log(ψₐ_b / ω_b), row-major [A, B].
    /// </summary>
    /// <param name="logPi">log πₐ, length A, finite.</param>
    /// <param name="logOmega">log ω_b, length B, finite.</param>
    /// <param name="divergences">Dₐ_b = KL(fₐ ‖ g_b), row-major [A, B], finite.</param>
    /// <param name="maxIterations">The largest number of (φ, ψ) update pairs.</param>
    /// <param name="tolerance">Relative decrease below which the iteration stops.</param>
    public static (double[] LogPhiGivenA, double[] LogPsiGivenB) Minimise(
        double[] logPi, double[] logOmega, double[] divergences, int maxIterations, double tolerance)
    {
        int rows = logPi.Length, columns = logOmega.Length;
        var logPhi = new double[rows * columns];
        var logPsi = new double[rows * columns];
        for (int a = 0; a < rows; a++)
        {
            for (int b = 0; b < columns; b++)
            {
                logPhi[(a * columns) + b] = logPi[a] + logOmega[b];
                logPsi[(a * columns) + b] = logPi[a] + logOmega[b];
            }
        }

        double bound = Bound(logPhi, logPsi, divergences);
        var nextPhi = new double[logPhi.Length];
        var nextPsi = new double[logPsi.Length];
        var buffer = new double[Math.Max(rows, columns)];
        for (int iteration = 0; iteration < maxIterations; iteration++)
        {
            // φₐ_b ∝ ψₐ_b e^{-Dₐ_b} within row a, scaled to sum to πₐ.
            for (int a = 0; a < rows; a++)
            {
                var t = buffer.AsSpan(0, columns);
                for (int b = 0; b < columns; b++)
                {
                    t[b] = logPsi[(a * columns) + b] - divergences[(a * columns) + b];
                }

                double norm = TensorOps.LogSumExpKernel(t);
                for (int b = 0; b < columns; b++)
                {
                    nextPhi[(a * columns) + b] = logPi[a] + t[b] - norm;
                }
            }

            // ψₐ_b ∝ φₐ_b within column b, scaled to sum to ω_b.
            for (int b = 0; b < columns; b++)
            {
                var t = buffer.AsSpan(0, rows);
                for (int a = 0; a < rows; a++)
                {
                    t[a] = nextPhi[(a * columns) + b];
                }

                double norm = TensorOps.LogSumExpKernel(t);
                for (int a = 0; a < rows; a++)
                {
                    nextPsi[(a * columns) + b] = logOmega[b] + t[a] - norm;
                }
            }

            double next = Bound(nextPhi, nextPsi, divergences);
            if (!(next <= bound))
            {
                // Only rounding can raise the bound: keep the previous (valid, lower) couplings.
                break;
            }

            double decrease = bound - next;
            (logPhi, nextPhi) = (nextPhi, logPhi);
            (logPsi, nextPsi) = (nextPsi, logPsi);
            bound = next;
            if (decrease <= tolerance * Math.Max(1.0, Math.Abs(next)))
            {
                break;
            }
        }

        for (int a = 0; a < rows; a++)
        {
            for (int b = 0; b < columns; b++)
            {
                logPhi[(a * columns) + b] -= logPi[a];
                logPsi[(a * columns) + b] -= logOmega[b];
            }
        }

        return (logPhi, logPsi);
    }

    /// <summary>D_φψ = Σₐ_b φₐ_b (log φₐ_b - log ψₐ_b + Dₐ_b), with 0 · (anything) = 0.</summary>
    private static double Bound(double[] logPhi, double[] logPsi, double[] divergences)
    {
        double sum = 0;
        for (int i = 0; i < logPhi.Length; i++)
        {
            double phi = Math.Exp(logPhi[i]);
            if (phi > 0)
            {
                sum += phi * (logPhi[i] - logPsi[i] + divergences[i]);
            }
        }

        return sum;
    }
}
