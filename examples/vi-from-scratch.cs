// Variational inference from scratch (seed notebook 002, samples/VariationalInferenceFromScratch in full): the KL
// by Monte Carlo and reparameterised, then q fitted to p by gradient descent on that estimate.
// Run: dotnet run examples/vi-from-scratch.cs
#:project ../src/KlDivergence/KlDivergence.csproj
using KlDivergence.Bijectors;
using KlDivergence.Distributions;
using KlDivergence.Divergences;
using KlDivergence.Optimization;
using KlDivergence.Random;

var p = new Normal(2, 0.5);
var q = new Normal(0, 1);
Console.WriteLine($"exact KL(q || p) = {Kl.Exact(q, p).ToScalar():F4}");
foreach (int n in new[] { 10, 1_000, 100_000 })
{
    Console.WriteLine($"  {n,7} samples: {Kl.MonteCarlo(q, p, n, new RandomStream(7UL))}");
}

// SGD on the reparameterised Monte Carlo KL: z = loc + scale·ε, so the gradient reaches loc and scale.
var loc = new Parameter(0.0, name: "loc");
var scale = new Parameter(1.0, new SoftplusBijector(), "scale");
var random = new RandomStream(8UL);
var trace = Minimizer.Minimize(
    () => Kl.MonteCarlo(new Normal(loc.Value, scale.Value), p, 100, random).Value,
    [loc, scale],
    new MinimizeOptions(Optimizers.Sgd(0.05)) { MaxSteps = 1000 });
Console.WriteLine($"{trace}: q = N({loc.ToScalar():F3}, {scale.ToScalar():F3}), p = N(2, 0.5)");
