// Minimising KL between densities tabulated on a grid (seed notebook 003, samples/DiscreteKl in full): p = N(0, 7)
// on x = -10, -9.9, ..., 9.9; q = N(mu, var) normalised on the grid, fitted by gradient descent.
// Run: dotnet run examples/discrete-kl.cs
#:project ../src/KlDivergence/KlDivergence.csproj
using KlDivergence.Divergences;
using KlDivergence.Optimization;
using KlDivergence.Tensors;

var x = Enumerable.Range(0, 200).Select(k => -10 + (0.1 * k)).ToArray();
var p = Tensor.Vector([.. x.Select(v => Math.Exp(-v * v / 14) / Math.Sqrt(14 * Math.PI))]);
var grid = Tensor.Vector(x);

var mu = new Parameter(5.0, name: "mu");
var variance = new Parameter(1.0, name: "var");
Tensor Q()
{
    var unnormalised = (-(grid - mu.Value).Square() / (variance.Value * 2.0)).Exp();
    return unnormalised / unnormalised.Sum();
}

// 0 log 0 = 0 and +∞ where p > 0 = q; the notebook's sum over the grid with unit spacing.
Console.WriteLine($"initial KL(p || q) = {DiscreteKl.Tabulated(p, Q(), 1.0).ToScalar():F4}");
var trace = Minimizer.Minimize(
    () => DiscreteKl.Tabulated(p, Q(), 1.0).Sum(),
    [mu, variance],
    new MinimizeOptions(Optimizers.Sgd(0.01)) { MaxSteps = 1000, Callback = s => { if (s.Step % 200 == 0) { Console.WriteLine($"  step {s.Step}: KL {s.Loss:F4}, |gradient| {s.GradientNorm:G3}"); } } });
Console.WriteLine($"{trace}: mu = {mu.ToScalar():F4}, var = {variance.ToScalar():F4} (p's variance is 7)");
