using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Distributions;

/// <summary>The Poisson distribution: log P(k) = k log λ - λ - log k!, k = 0, 1, 2, ...</summary>
public sealed class Poisson : Distribution
{
    /// <summary>Creates Poisson(rate).</summary>
    /// <param name="rate">The rate λ (positive, finite).</param>
    /// <exception cref="ArgumentOutOfRangeException">The rate is out of range; the message names it and its value.</exception>
    public Poisson(Tensor rate)
        : base(FamilyHelpers.ShapeOf(rate, nameof(rate)), [])
    {
        Rate = ParameterChecks.Positive(rate, nameof(Poisson), nameof(rate));
    }

    /// <summary>The rate λ.</summary>
    public Tensor Rate { get; }

    /// <summary>{0, 1, 2, ...}.</summary>
    public override Support Support { get; } = new(true, 0.0, double.PositiveInfinity, "non-negative integers");

    /// <summary>Counting measure on {0, 1, ...} (λ &gt; 0 puts mass on every count); log P(k) ≤ C - k for large k (log k! grows like k log k).</summary>
    public override TailProfile? Tails => TailProfile.Univariate(Support, Tail.Bounded, Tail.Power(1));

    /// <summary>λ.</summary>
    public override Tensor Mean => Rate;

    /// <summary>λ.</summary>
    public override Tensor Variance => Rate;

    /// <summary>k log λ - λ - log Γ(k + 1) for whole k ≥ 0, else -∞.</summary>
    public override Tensor LogProb(Tensor value)
    {
        var inside = FamilyHelpers.WholeNumberMask(value, double.PositiveInfinity);
        var k = TensorOps.Where(inside, value, 0.0);
        return TensorOps.Where(inside, (k * Rate.Log()) - Rate - (k + 1.0).LogGamma(), double.NegativeInfinity);
    }

    /// <summary>
    /// Entropy -Σₖ P(k) log P(k) (no closed form exists), summed over k ≤ λ + 40√λ + 40, beyond which the
    /// Poisson tail mass is below e⁻⁴⁰⁰ (Chernoff bound), so the truncation is far below rounding.
    /// </summary>
    public override Tensor Entropy()
    {
        double max = Rate.Values.ToArray().Max();
        return FamilyHelpers.EntropyBySum(this, (int)Math.Ceiling(max + (40 * Math.Sqrt(max)) + 40));
    }

    /// <summary>
    /// No gradient. Knuth's multiplication method for λ &lt; 10; above, Hörmann's PTRS transformed rejection
    /// ("The transformed rejection method for generating Poisson random variables", 1993).
    /// </summary>
    protected override Tensor SampleCore(int count, RandomStream random)
    {
        int[] shape = SampleShape(count);
        var rate = Rate.Values.ToArray();
        var data = new double[Shapes.Size(shape)];
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = Draw(rate[i % rate.Length], random);
        }

        return new Tensor(data, shape);
    }

    private static double Draw(double lambda, RandomStream random)
    {
        if (lambda < 10)
        {
            double limit = Math.Exp(-lambda), product = random.NextDouble();
            int k = 0;
            while (product > limit)
            {
                k++;
                product *= random.NextDouble();
            }

            return k;
        }

        double slam = Math.Sqrt(lambda), logLam = Math.Log(lambda);
        double b = 0.931 + (2.53 * slam), a = -0.059 + (0.02483 * b);
        double invAlpha = 1.1239 + (1.1328 / (b - 3.4)), vr = 0.9277 - (3.6224 / (b - 2));
        while (true)
        {
            double u = random.NextDouble() - 0.5, v = random.NextDouble();
            double us = 0.5 - Math.Abs(u);
            double k = Math.Floor((((2 * a / us) + b) * u) + lambda + 0.43);
            if (us >= 0.07 && v <= vr)
            {
                return k;
            }

            if (k < 0 || (us < 0.013 && v > us))
            {
                continue;
            }

            if (Math.Log(v) + Math.Log(invAlpha) - Math.Log((a / (us * us)) + b) <= -lambda + (k * logLam) - MathNet.Numerics.SpecialFunctions.GammaLn(k + 1))
            {
                return k;
            }
        }
    }
}
