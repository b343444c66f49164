using KlDivergence.Random;

namespace KlDivergence.Distributions;

/// <summary>
/// Points on the simplex from independent Gamma(αₖ, 1) draws, xₖ = Gₖ / Σⱼ Gⱼ (the Beta and Dirichlet
/// construction), normalised in log space so that draws underflowing double never give 0/0.
/// </summary>
internal static class GammaRatios
{
    /// <summary>
    /// Overwrites <paramref name="point"/> with one draw from Dirichlet(<paramref name="concentrations"/>): each
    /// coordinate in [ε, 1] (ε = <see cref="double.Epsilon"/>), summing to 1 within rounding.
    /// </summary>
    /// <remarks>
    /// xₖ = exp(log Gₖ − m) / Σⱼ exp(log Gⱼ − m) with m the largest log Gⱼ (log-sum-exp), so the largest coordinate is
    /// never below 1/K. A coordinate below the smallest double is written as ε rather than 0: at small concentrations
    /// draws crowd the vertices, where (αₖ − 1) log 0 makes the log-density +∞ (αₖ &lt; 1) or −∞ (αₖ &gt; 1); at ε it is
    /// finite. Only when every log Gₖ is −∞ (all concentrations below about 2e-307) is the draw taken from the
    /// limit law as α₀ → 0, vertex k with probability αₖ/α₀: the Dirichlet tends to that mixture of vertices, the
    /// exact law being within O(α₀) of it.
    /// </remarks>
    public static void Draw(ReadOnlySpan<double> concentrations, Span<double> point, RandomStream random)
    {
        int k = concentrations.Length;
        double sum = 0;
        if (System.Numerics.Tensors.TensorPrimitives.Min(concentrations) >= 1)
        {
            // Every αₖ ≥ 1: a Gamma(α ≥ 1) draw is d·v with d ≥ 2/3 and v accepted only well above 0 (Marsaglia &
            // Tsang's test rejects as d log v → −∞), so no draw underflows and the plain ratio needs no logarithms. The
            // same draws as the log-space path (NextLogGamma is the logarithm of NextGamma there), to rounding.
            for (int j = 0; j < k; j++)
            {
                point[j] = random.NextGamma(concentrations[j]);
                sum += point[j];
            }
        }
        else
        {
            double max = double.NegativeInfinity;
            for (int j = 0; j < k; j++)
            {
                point[j] = random.NextLogGamma(concentrations[j]);
                max = Math.Max(max, point[j]);
            }

            if (double.IsNegativeInfinity(max))
            {
                int vertex = Vertex(concentrations, random);
                for (int j = 0; j < k; j++)
                {
                    point[j] = j == vertex ? 1.0 : double.Epsilon;
                }

                return;
            }

            for (int j = 0; j < k; j++)
            {
                point[j] = Math.Exp(point[j] - max);
                sum += point[j];
            }
        }

        for (int j = 0; j < k; j++)
        {
            point[j] = Math.Max(point[j] / sum, double.Epsilon);
        }
    }

    /// <summary>Index j with probability αⱼ / Σαₖ.</summary>
    private static int Vertex(ReadOnlySpan<double> concentrations, RandomStream random)
    {
        double total = 0;
        foreach (double a in concentrations)
        {
            total += a;
        }

        double target = random.NextDouble() * total;
        for (int j = 0; j < concentrations.Length - 1; j++)
        {
            target -= concentrations[j];
            if (target < 0)
            {
                return j;
            }
        }

        return concentrations.Length - 1;
    }
}
