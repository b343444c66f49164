using System.Text.Json;
using KlDivergence.Distributions;
using KlDivergence.Tensors;

namespace KlDivergence.Benchmarks.PosteriorDb;

/// <summary>
/// eight_schools_noncentered: x = (theta_trans[1..8], mu, log tau); theta_trans ~ N(0, 1), y ~ N(theta_trans·tau + mu, sigma),
/// mu ~ N(0, 5), tau ~ Cauchy(0, 5) on tau &gt; 0, plus the Jacobian log tau. Reported: theta[1..8] = theta_trans·tau + mu, mu, tau.
/// </summary>
internal sealed class EightSchoolsNoncentered(JsonElement data) : PosteriorDbModel
{
    private readonly Tensor y = Tensor.Vector(Vector(data, "y"));
    private readonly Tensor sigma = Tensor.Vector(Vector(data, "sigma"));

    public override string Folder => "eight_schools-eight_schools_noncentered";

    public override int Dimension => 10;

    public override Tensor LogDensity(Tensor x)
    {
        var thetaTrans = x.Narrow(1, 0, 8);
        var mu = Column(x, 8);
        var logTau = Column(x, 9);
        var tau = logTau.Exp();
        var lp = new Normal(0.0, 1.0).LogProb(thetaTrans).Sum(1)
            + new Normal((thetaTrans * tau) + mu, sigma).LogProb(y).Sum(1);
        var scalars = new Normal(0.0, 5.0).LogProb(mu) + LogCauchy(tau, 5) + logTau;
        return lp + scalars.Squeeze(1);
    }

    public override double[] Constrain(ReadOnlySpan<double> x)
    {
        double mu = x[8], tau = Math.Exp(x[9]);
        var result = new double[10];
        for (int j = 0; j < 8; j++)
        {
            result[j] = (x[j] * tau) + mu;
        }

        result[8] = mu;
        result[9] = tau;
        return result;
    }
}
