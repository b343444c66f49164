using System.Text.Json;
using KlDivergence.Distributions;
using KlDivergence.Tensors;

namespace KlDivergence.Benchmarks.PosteriorDb;

/// <summary>
/// logmesquite: x = (beta[1..7], log sigma); log weight ~ N(beta[1] + beta[2]·log diam1 + beta[3]·log diam2 +
/// beta[4]·log canopy_height + beta[5]·log total_height + beta[6]·log density + beta[7]·group, sigma), flat priors,
/// plus the Jacobian log sigma. Reported: beta[1..7], sigma.
/// </summary>
internal sealed class LogMesquite : PosteriorDbModel
{
    private readonly Tensor logWeight;
    private readonly Tensor designTransposed;

    public LogMesquite(JsonElement data)
    {
        logWeight = Tensor.Vector([.. Vector(data, "weight").Select(v => Math.Log(v))]);
        double[][] columns =
        [
            [.. Vector(data, "weight").Select(_ => 1.0)],
            [.. Vector(data, "diam1").Select(v => Math.Log(v))],
            [.. Vector(data, "diam2").Select(v => Math.Log(v))],
            [.. Vector(data, "canopy_height").Select(v => Math.Log(v))],
            [.. Vector(data, "total_height").Select(v => Math.Log(v))],
            [.. Vector(data, "density").Select(v => Math.Log(v))],
            Vector(data, "group"),
        ];
        designTransposed = Tensor.FromArray([.. columns.SelectMany(c => c)], [7, columns[0].Length]);
    }

    public override string Folder => "mesquite-logmesquite";

    public override int Dimension => 8;

    public override Tensor LogDensity(Tensor x)
    {
        var logSigma = Column(x, 7);
        var mean = x.Narrow(1, 0, 7).MatMul(designTransposed);
        return new Normal(mean, logSigma.Exp()).LogProb(logWeight).Sum(1) + logSigma.Squeeze(1);
    }

    public override double[] Constrain(ReadOnlySpan<double> x) => [.. x[..7].ToArray(), Math.Exp(x[7])];
}
