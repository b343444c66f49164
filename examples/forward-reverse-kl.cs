// Forward against reverse KL (seed notebook 001, samples/ForwardReverseKl in full): fitting one Normal to a bimodal
// mixture. Forward KL(p ‖ q) covers both modes (mean-seeking); reverse KL(q ‖ p) picks one (mode-seeking).
// Run: dotnet run examples/forward-reverse-kl.cs
#:project ../src/KlDivergence/KlDivergence.csproj
using KlDivergence.Bijectors;
using KlDivergence.Distributions;
using KlDivergence.Inference;
using KlDivergence.Optimization;
using KlDivergence.Tensors;

var p = new MixtureSameFamily(new Categorical(Tensor.Vector(0.5, 0.5)), new Normal(Tensor.Vector(-3, 3), Tensor.Vector(1, 1)));
Console.WriteLine($"target p = {p}");

foreach (bool forward in new[] { true, false })
{
    var loc = new Parameter(2.0, name: "loc");   // started nearer the right-hand mode
    var scale = new Parameter(1.0, new ExpBijector(), "scale");
    var options = new MinimizeOptions(Optimizers.Adam(0.05)) { MaxSteps = 1500 };
    KlFit fit = forward
        ? KlFitting.Forward(p, () => new Normal(loc.Value, scale.Value), [loc, scale], options, sampleCount: 2000, seed: 1)
        : KlFitting.Reverse(p, () => new Normal(loc.Value, scale.Value), [loc, scale], options, sampleCount: 500, seed: 1);

    // Forward: q matches p's mean 0 and standard deviation √(1 + 9) ≈ 3.16. Reverse: q sits on the near mode, N(3, ≈1).
    Console.WriteLine($"{(forward ? "forward" : "reverse")} KL: q = N({loc.ToScalar():F2}, {scale.ToScalar():F2}), {fit.Trace}");
}
