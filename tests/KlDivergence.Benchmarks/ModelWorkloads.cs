using KlDivergence.Distributions;
using KlDivergence.Inference;
using KlDivergence.Models;
using KlDivergence.Optimization;
using KlDivergence.Samples.PosteriorDb;
using KlDivergence.Tensors;

namespace KlDivergence.Benchmarks;

/// <summary>
/// M1-M4: a full-rank fit of each posteriordb model through the model API (library column) against the same fit
/// over a flat log-density written by hand with the same families and tensor operations (hand column): the ratio is the cost of
/// the model layer (packing, bijectors, Jacobians, running the body). 200 steps x 10 samples, Adam 0.01, seed 1.
/// </summary>
internal static class ModelWorkloads
{
    private const int Steps = 200;
    private const int Samples = 10;

    public static IEnumerable<Workload> All()
    {
        string dir = PosteriorDbModels.DefaultDataDirectory;
        var folders = PosteriorDbModels.Folders;
        yield return Pair("M1", PosteriorDbModels.ByFolderName(folders[0], dir), EightSchools(PosteriorDbData.Load(folders[0], dir)));
        yield return Pair("M2", PosteriorDbModels.ByFolderName(folders[1], dir), Kidiq(PosteriorDbData.Load(folders[1], dir)));
        yield return Pair("M3", PosteriorDbModels.ByFolderName(folders[2], dir), GaussMix(PosteriorDbData.Load(folders[2], dir)));
        yield return Pair("M4", PosteriorDbModels.ByFolderName(folders[3], dir), Mesquite(PosteriorDbData.Load(folders[3], dir)));
    }

    private static Workload Pair(string id, Model model, Func<Tensor, Tensor> flat) => new(
        id,
        () => model.Fit(new ModelFitOptions { Surrogate = SurrogateFamily.FullRank, Steps = Steps, SampleCount = Samples, Seed = 1, InitialScale = 0.1 }).VariationalFit!.Trace.FinalLoss,
        () =>
        {
            var surrogate = new FullRankNormal(model.Dimension, 0, 0.1);
            var options = new MinimizeOptions(Optimizers.Adam(0.01)) { MaxSteps = Steps, TraceEvery = 0 };
            return VariationalInference.Fit(flat, surrogate, options, Samples, 1).Trace.FinalLoss;
        },
        1,
        double.NaN,
        OnStandardOutput: false);

    private static Tensor Column(Tensor z, int start, int length = 1) => z.Narrow(1, start, length);

    private static Func<Tensor, Tensor> EightSchools(PosteriorDbData data)
    {
        var y = Tensor.Vector(data.Vector("y"));
        var sigma = Tensor.Vector(data.Vector("sigma"));
        var tauPrior = new HalfCauchy(5);
        var thetaPrior = new Normal(0, 1);
        var muPrior = new Normal(0, 5);
        return z =>
        {
            var thetaTrans = Column(z, 0, 8);
            var mu = Column(z, 8);
            var logTau = Column(z, 9);
            var tau = logTau.Exp();
            return thetaPrior.LogProb(thetaTrans).Sum(1) + muPrior.LogProb(mu).Sum(1)
                + tauPrior.LogProb(tau).Sum(1) + logTau.Sum(1) + new Normal((thetaTrans * tau) + mu, sigma).LogProb(y).Sum(1);
        };
    }

    private static Func<Tensor, Tensor> Kidiq(PosteriorDbData data)
    {
        var score = Tensor.Vector(data.Vector("kid_score"));
        var iq = Tensor.Vector(data.Vector("mom_iq"));
        var sigmaPrior = new HalfCauchy(2.5);
        return z =>
        {
            var logSigma = Column(z, 2);
            var sigma = logSigma.Exp();
            return sigmaPrior.LogProb(sigma).Sum(1) + logSigma.Sum(1) + new Normal(Column(z, 0) + (Column(z, 1) * iq), sigma).LogProb(score).Sum(1);
        };
    }

    private static Func<Tensor, Tensor> GaussMix(PosteriorDbData data)
    {
        var y = Tensor.Vector(data.Vector("y"));
        var sigmaPrior = new HalfNormal(2);
        var muPrior = new Normal(0, 2);
        var thetaPrior = new Beta(5, 5);
        return z =>
        {
            var mu1 = Column(z, 0);
            var mu2 = mu1 + Column(z, 1).Exp();
            var logSigma = Column(z, 2, 2);
            var sigma = logSigma.Exp();
            var t = Column(z, 4);
            var theta = t.Sigmoid();
            var jacobian = Column(z, 1).Sum(1) + logSigma.Sum(1) + (theta.Log() + (-theta).Log1p()).Sum(1);
            var prior = muPrior.LogProb(ShapeOps.Concat(1, mu1, mu2)).Sum(1)
                + sigmaPrior.LogProb(sigma).Sum(1) + thetaPrior.LogProb(theta).Sum(1);
            var first = theta.Log() + new Normal(mu1, sigma.Narrow(1, 0, 1)).LogProb(y);
            var second = (-theta).Log1p() + new Normal(mu2, sigma.Narrow(1, 1, 1)).LogProb(y);
            return jacobian + prior + ShapeOps.Stack(-1, first, second).LogSumExp(-1).Sum(1);
        };
    }

    private static Func<Tensor, Tensor> Mesquite(PosteriorDbData data)
    {
        var logWeight = Tensor.Vector(data.Vector("weight")).Log();
        var design = PosteriorDbModels.MesquiteDesign(data);
        return z =>
        {
            var logSigma = Column(z, 7);
            return logSigma.Sum(1) + new Normal(Column(z, 0, 7).MatMul(design), logSigma.Exp()).LogProb(logWeight).Sum(1);
        };
    }
}
