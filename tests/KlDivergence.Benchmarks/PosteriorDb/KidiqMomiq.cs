using System.Text.Json;
using KlDivergence.Distributions;
using KlDivergence.Tensors;

namespace KlDivergence.Benchmarks.PosteriorDb;

/// <summary>
/// kidiq kidscore_momiq: x = (beta[1], beta[2], log sigma); kid_score ~ N(beta[1] + beta[2]·mom_iq, sigma), flat priors
/// on beta, sigma ~ Cauchy(0, 2.5) on sigma &gt; 0, plus the Jacobian log sigma. Reported: beta[1], beta[2], sigma.
/// </summary>
internal sealed class KidiqMomiq(JsonElement data) : PosteriorDbModel
{
    private readonly Tensor kidScore = Tensor.Vector(Vector(data, "kid_score"));
    private readonly Tensor momIq = Tensor.Vector(Vector(data, "mom_iq"));

    public override string Folder => "kidiq-kidscore_momiq";

    public override int Dimension => 3;

    public override Tensor LogDensity(Tensor x)
    {
        var logSigma = Column(x, 2);
        var sigma = logSigma.Exp();
        var likelihood = new Normal(Column(x, 0) + (Column(x, 1) * momIq), sigma).LogProb(kidScore).Sum(1);
        return likelihood + (LogCauchy(sigma, 2.5) + logSigma).Squeeze(1);
    }

    public override double[] Constrain(ReadOnlySpan<double> x) => [x[0], x[1], Math.Exp(x[2])];
}
