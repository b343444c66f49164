using KlDivergence.Distributions;
using KlDivergence.Divergences;
using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Docs.Tests;

/// <summary>The README's quick start, verbatim between the markers (ReadmeTests checks the README still says this).</summary>
internal static class QuickStart
{
    public static void Run(TextWriter Console)
    {
        // BEGIN QUICKSTART
        // Exact: a closed form is registered for (Normal, Normal).
        var p = new Normal(0, 2);
        var q = new Normal(1, 4);
        KlResult exact = Kl.Divergence(p, q);
        Console.WriteLine($"{exact.ToScalar():F4} by {exact.Method}");          // 0.3494 by ClosedForm

        // No closed form (PyTorch and TFP raise "No KL registered" here): quadrature for a univariate pair.
        var mixture = new MixtureSameFamily(
            new Categorical(Tensor.Vector(0.5, 0.5)),
            new Normal(new[] { -0.2, 1.0 }, new[] { 0.1, 0.5 }));
        KlResult quad = Kl.Divergence(new Normal(3, 1), mixture);
        Console.WriteLine($"{quad.ToScalar():F6} by {quad.Method}, error estimate {quad.StandardError.ToScalar():G2}");

        // Monte Carlo, with its standard error; the same seed gives the same answer.
        KlResult mc = Kl.MonteCarlo(new Normal(3, 1), mixture, 100_000, new RandomStream(42UL));
        Console.WriteLine($"{mc.ToScalar():F4} ± {mc.StandardError.ToScalar():F4} ({mc.SampleCount} samples)");
        // END QUICKSTART
    }
}
