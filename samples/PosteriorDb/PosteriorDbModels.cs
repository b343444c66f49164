using KlDivergence.Constraints;
using KlDivergence.Distributions;
using KlDivergence.Models;
using KlDivergence.Tensors;

namespace KlDivergence.Samples.PosteriorDb;

/// <summary>
/// The four posteriordb posteriors of <c>data/</c> written with the model API, each as its <c>model.stan</c> reads.
/// Stan's unnormalised densities leave out constants; these models use the library's normalised families, so
/// their log-densities differ from Stan's <c>lp__</c> by a constant (the posterior is the same).
/// </summary>
public static class PosteriorDbModels
{
    /// <summary>The folders of the four posteriors.</summary>
    public static IReadOnlyList<string> Folders { get; } =
    [
        "eight_schools-eight_schools_noncentered",
        "kidiq-kidscore_momiq",
        "low_dim_gauss_mix-low_dim_gauss_mix",
        "mesquite-logmesquite",
    ];

    /// <summary>The <c>data</c> directory copied next to the executable.</summary>
    public static string DefaultDataDirectory => Path.Combine(AppContext.BaseDirectory, "data");

    /// <summary>The model of the posterior in <paramref name="folder"/>, with its data read from <paramref name="dataDirectory"/>.</summary>
    /// <exception cref="ArgumentException">The folder is not one of <see cref="Folders"/>.</exception>
    public static Model ByFolderName(string folder, string dataDirectory)
    {
        var data = PosteriorDbData.Load(folder, dataDirectory);
        return folder switch
        {
            "eight_schools-eight_schools_noncentered" => EightSchoolsNoncentered(data.Vector("y"), data.Vector("sigma")),
            "kidiq-kidscore_momiq" => KidiqMomiq(data.Vector("kid_score"), data.Vector("mom_iq")),
            "low_dim_gauss_mix-low_dim_gauss_mix" => LowDimGaussMix(data.Vector("y")),
            "mesquite-logmesquite" => LogMesquite(data),
            _ => throw new ArgumentException($"Unknown posterior '{folder}'; known: {string.Join(", ", Folders)}.", nameof(folder)),
        };
    }

    /// <summary>
    /// Eight schools, non-centred: theta_trans ~ N(0, 1)^J, mu ~ N(0, 5), tau ~ half-Cauchy(0, 5) (Stan's cauchy on
    /// tau &gt; 0), y ~ N(theta_trans tau + mu, sigma).
    /// </summary>
    public static Model EightSchoolsNoncentered(double[] y, double[] sigma)
    {
        var yT = Tensor.Vector(y);
        var sigmaT = Tensor.Vector(sigma);
        return Model.Define(m =>
        {
            var thetaTrans = m.Latent("theta_trans", new Normal(0, 1), shape: [y.Length]);
            var mu = m.Latent("mu", new Normal(0, 5));
            var tau = m.Latent("tau", new HalfCauchy(5));
            m.Observe("y", new Normal((thetaTrans * tau) + mu, sigmaT), yT);
        });
    }

    /// <summary>kid_score ~ N(beta[1] + beta[2] mom_iq, sigma), beta flat, sigma ~ half-Cauchy(0, 2.5).</summary>
    public static Model KidiqMomiq(double[] kidScore, double[] momIq)
    {
        var score = Tensor.Vector(kidScore);
        var iq = Tensor.Vector(momIq);
        return Model.Define(m =>
        {
            var beta = m.Flat("beta", Constraint.Real, shape: [2]);
            var sigma = m.Latent("sigma", new HalfCauchy(2.5));
            m.Observe("kid_score", new Normal(beta.Narrow(1, 0, 1) + (beta.Narrow(1, 1, 1) * iq), sigma), score);
        });
    }

    /// <summary>
    /// A two-component normal mixture: mu ordered[2] ~ N(0, 2), sigma[2] ~ half-normal(0, 2), theta ~ Beta(5, 5), and
    /// for each y: target += log_mix(theta, N(y | mu[1], sigma[1]), N(y | mu[2], sigma[2])).
    /// </summary>
    public static Model LowDimGaussMix(double[] y)
    {
        var yT = Tensor.Vector(y);
        return Model.Define(m =>
        {
            var mu = m.Latent("mu", new Normal(0, 2), shape: [2], support: Constraint.Ordered);
            var sigma = m.Latent("sigma", new HalfNormal(2), shape: [2]);
            var theta = m.Latent("theta", new Beta(5, 5));
            var first = theta.Log() + new Normal(mu.Narrow(1, 0, 1), sigma.Narrow(1, 0, 1)).LogProb(yT);
            var second = (-theta).Log1p() + new Normal(mu.Narrow(1, 1, 1), sigma.Narrow(1, 1, 1)).LogProb(yT);
            m.Factor("log_mix", ShapeOps.Stack(-1, first, second).LogSumExp(-1));
        });
    }

    /// <summary>
    /// log weight ~ N(beta[1] + beta[2] log diam1 + beta[3] log diam2 + beta[4] log canopy_height
    /// + beta[5] log total_height + beta[6] log density + beta[7] group, sigma), beta and sigma &gt; 0 flat.
    /// </summary>
    public static Model LogMesquite(PosteriorDbData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var logWeight = Tensor.Vector(data.Vector("weight")).Log();
        var design = MesquiteDesign(data);
        return Model.Define(m =>
        {
            var beta = m.Flat("beta", Constraint.Real, shape: [7]);
            var sigma = m.Flat("sigma", Constraint.Positive);
            m.Observe("log_weight", new Normal(beta.MatMul(design), sigma), logWeight);
        });
    }

    /// <summary>The transposed design matrix [7, N] of log mesquite: a row of ones, the five log predictors, group.</summary>
    public static Tensor MesquiteDesign(PosteriorDbData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var rows = new[] { "diam1", "diam2", "canopy_height", "total_height", "density" }.Select(c => Tensor.Vector(data.Vector(c)).Log()).ToList();
        var group = Tensor.Vector(data.Vector("group"));
        return ShapeOps.Stack(0, [Tensor.Ones(group.Length), .. rows, group]);
    }

}
