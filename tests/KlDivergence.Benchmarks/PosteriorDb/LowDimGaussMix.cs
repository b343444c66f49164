using System.Text.Json;
using KlDivergence.Distributions;
using KlDivergence.Tensors;

namespace KlDivergence.Benchmarks.PosteriorDb;

/// <summary>
/// low_dim_gauss_mix: x = (mu[1], log(mu[2] - mu[1]), log sigma[1], log sigma[2], logit theta) (Stan's ordered, lower-bound
/// and (0, 1) transforms); sigma ~ N(0, 2), mu ~ N(0, 2), theta ~ Beta(5, 5), y[n] ~ theta·N(mu[1], sigma[1]) +
/// (1 - theta)·N(mu[2], sigma[2]), plus the Jacobian x₂ + x₃ + x₄ + log theta + log(1 - theta).
/// Reported: mu[1], mu[2], sigma[1], sigma[2], theta.
/// </summary>
internal sealed class LowDimGaussMix(JsonElement data) : PosteriorDbModel
{
    private readonly Tensor y = Tensor.Vector(Vector(data, "y"));

    public override string Folder => "low_dim_gauss_mix-low_dim_gauss_mix";

    public override int Dimension => 5;

    public override Tensor LogDensity(Tensor x)
    {
        var mu1 = Column(x, 0);
        var gap = Column(x, 1);
        var mu2 = mu1 + gap.Exp();
        var logSigma1 = Column(x, 2);
        var logSigma2 = Column(x, 3);
        var sigma1 = logSigma1.Exp();
        var sigma2 = logSigma2.Exp();
        var logit = Column(x, 4);
        var logTheta = -(-logit).Softplus();
        var logOneMinusTheta = -logit.Softplus();
        var first = logTheta + new Normal(mu1, sigma1).LogProb(y);
        var second = logOneMinusTheta + new Normal(mu2, sigma2).LogProb(y);
        var likelihood = ShapeOps.Stack(2, first, second).LogSumExp(2).Sum(1);
        var priors = new Normal(0.0, 2.0).LogProb(sigma1) + new Normal(0.0, 2.0).LogProb(sigma2)
            + new Normal(0.0, 2.0).LogProb(mu1) + new Normal(0.0, 2.0).LogProb(mu2)
            + (4 * (logTheta + logOneMinusTheta));
        var jacobian = gap + logSigma1 + logSigma2 + logTheta + logOneMinusTheta;
        return likelihood + (priors + jacobian).Squeeze(1);
    }

    public override double[] Constrain(ReadOnlySpan<double> x) =>
        [x[0], x[0] + Math.Exp(x[1]), Math.Exp(x[2]), Math.Exp(x[3]), 1 / (1 + Math.Exp(-x[4]))];
}
