using System.Text.Json;
using KlDivergence.Tensors;

namespace KlDivergence.Benchmarks.PosteriorDb;

/// <summary>
/// A posteriordb model written by hand as a flat unconstrained log-density (Stan's transforms with their Jacobian
/// terms, constants dropped), and the map from an unconstrained draw to the reference's constrained parameters.
/// </summary>
internal abstract class PosteriorDbModel
{
    /// <summary>The posteriordb folder name.</summary>
    public abstract string Folder { get; }

    /// <summary>The number of unconstrained coordinates.</summary>
    public abstract int Dimension { get; }

    /// <summary>log p(x) + log|J| for a batch [n, d], returning [n].</summary>
    public abstract Tensor LogDensity(Tensor x);

    /// <summary>The constrained parameters of one unconstrained draw, in the order of the reference's <c>params</c>.</summary>
    public abstract double[] Constrain(ReadOnlySpan<double> x);

    /// <summary>The models known by folder name, each reading its data.json.</summary>
    public static PosteriorDbModel? Load(string directory)
    {
        string folder = Path.GetFileName(Path.TrimEndingDirectorySeparator(directory));
        string dataPath = Path.Combine(directory, "data.json");
        if (!File.Exists(dataPath))
        {
            return null;
        }

        using var data = JsonDocument.Parse(File.ReadAllText(dataPath));
        return folder switch
        {
            "eight_schools-eight_schools_noncentered" => new EightSchoolsNoncentered(data.RootElement),
            "kidiq-kidscore_momiq" => new KidiqMomiq(data.RootElement),
            "low_dim_gauss_mix-low_dim_gauss_mix" => new LowDimGaussMix(data.RootElement),
            "mesquite-logmesquite" => new LogMesquite(data.RootElement),
            _ => null,
        };
    }

    /// <summary>A numeric array of data.json.</summary>
    protected static double[] Vector(JsonElement data, string name) => [.. data.GetProperty(name).EnumerateArray().Select(e => e.GetDouble())];

    /// <summary>Column j of a batch [n, d] as [n, 1].</summary>
    protected static Tensor Column(Tensor x, int j) => x.Narrow(1, j, 1);

    /// <summary>log Cauchy(x | 0, s) of a positive x (the half-Cauchy's constant log 2 dropped with the others).</summary>
    protected static Tensor LogCauchy(Tensor x, double scale) => -(x / scale).Square().Log1p() - Math.Log(Math.PI * scale);
}
