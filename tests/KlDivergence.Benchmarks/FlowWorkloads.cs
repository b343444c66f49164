using KlDivergence.Inference;
using KlDivergence.Inference.Flows;
using KlDivergence.Optimization;
using KlDivergence.Tensors;

namespace KlDivergence.Benchmarks;

/// <summary>
/// WF: a RealNVP surrogate (4 affine couplings, conditioners with 2 hidden tanh layers of 32) fitted by reverse KL
/// to the banana x₁ ~ N(0, 1), x₂ | x₁ ~ N(x₁² - 1, 0.5²): 2000 Adam steps (lr 1e-3) of 256 samples.
/// The PyTorch twin is <c>wf</c> in reference/pytorch_workloads.py.
/// </summary>
internal static class FlowWorkloads
{
    public const int Steps = 2000;
    public const int Samples = 256;

    /// <summary>The workload; there is no hand-written version (manual backpropagation through four coupling networks).</summary>
    public static Workload WF() => new("WF", LibraryFit, null, 1, double.NaN);

    /// <summary>The banana's log-density (normalised).</summary>
    public static Tensor Banana(Tensor z)
    {
        var x1 = z.Narrow(1, 0, 1).Squeeze(1);
        var x2 = z.Narrow(1, 1, 1).Squeeze(1);
        var r = (x2 - (x1.Square() - 1.0)) / 0.5;
        return (x1.Square() * -0.5) - (r.Square() * 0.5) - (Math.Log(0.5) + Math.Log(2 * Math.PI));
    }

    private static double LibraryFit()
    {
        var surrogate = FlowSurrogate.RealNvp(2, 4, [32, 32], seed: 1);
        var fit = VariationalInference.Fit(Banana, surrogate, new MinimizeOptions(Optimizers.Adam(1e-3)) { MaxSteps = Steps, TraceEvery = 0 }, Samples, seed: 1);
        return fit.Trace.FinalLoss;
    }
}
