// Understanding KL divergence (seed notebook 000, samples/UnderstandingKl in full): closed forms, Monte Carlo with its
// standard error, a pair with no closed form, and a reverse-KL fit. Run: dotnet run examples/understanding-kl.cs
#:project ../src/KlDivergence/KlDivergence.csproj
using KlDivergence.Bijectors;
using KlDivergence.Distributions;
using KlDivergence.Divergences;
using KlDivergence.Inference;
using KlDivergence.Optimization;
using KlDivergence.Random;
using KlDivergence.Tensors;

// KL(N(0, 1) ‖ N(loc, scale)) on a row of the notebook's loc × scale grid, one batched closed-form call.
var p = new Normal(0, 1);
var row = Kl.Exact(p, new Normal(Tensor.Vector(-2, -1, 0, 1, 2), 1.5));
Console.WriteLine($"KL(N(0,1) || N(loc, 1.5)), loc = -2..2: {row}");

// KL is not symmetric; Monte Carlo agrees with the closed form within its standard error.
var q = new Normal(1, 2);
Console.WriteLine($"KL(p || q) = {Kl.Exact(p, q).ToScalar():F4}, KL(q || p) = {Kl.Exact(q, p).ToScalar():F4}");
Console.WriteLine(Kl.MonteCarlo(p, q, 100_000, new RandomStream(1UL)));

// A Normal against a two-component mixture: no closed form, so quadrature, with its error estimate.
var mixture = new MixtureSameFamily(new Categorical(Tensor.Vector(0.3, 0.7)), new Normal(Tensor.Vector(-2, 2), Tensor.Vector(0.5, 1)));
Console.WriteLine(Kl.Divergence(p, mixture));

// Fit N(loc, scale) to the mixture by reverse KL (Monte Carlo, reparameterised): it settles on the heavier mode.
var loc = new Parameter(0.0, name: "loc");
var scale = new Parameter(1.0, new ExpBijector(), "scale");
var fit = KlFitting.Reverse(mixture, () => new Normal(loc.Value, scale.Value), [loc, scale],
    new MinimizeOptions(Optimizers.Adam(0.05)) { MaxSteps = 600 }, sampleCount: 500, seed: 2);
Console.WriteLine($"{fit.Trace}: q = N({loc.ToScalar():F3}, {scale.ToScalar():F3})");
