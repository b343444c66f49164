// BEGIN INTEROP USINGS
using KlDivergence.Distributions;
using KlDivergence.Divergences;
using MathNet.Numerics.Distributions;
using MathNet.Numerics.LinearAlgebra;
using System.Numerics.Tensors;
using Normal = KlDivergence.Distributions.Normal;           // the library's Normal, not MathNet's
using Tensor = KlDivergence.Tensors.Tensor;                // the library's Tensor, not System.Numerics.Tensors'
// END INTEROP USINGS

namespace KlDivergence.Docs.Tests;

/// <summary>The README's interop section, verbatim between the markers (ReadmeTests checks the README still says this).</summary>
internal static class Interop
{
    public static void Run(TextWriter Console)
    {
        // BEGIN INTEROP
        // MathNet vectors and matrices, double[,], double[][] and float[] become tensors (one copy) ...
        var mean = Vector<double>.Build.Dense([1.0, -1.0]);
        var covariance = Matrix<double>.Build.DenseOfArray(new[,] { { 2.0, 0.5 }, { 0.5, 1.0 } });
        var mvn = MultivariateNormal.FromCovariance(mean, covariance);
        var rows = Tensor.Matrix(new[] { new[] { 1.0, 2.0 }, new[] { 3.0, 4.0 } });
        var widened = new Normal(new[] { 0.5f, 1f }, new[] { 2f, 4f });   // float is widened to double once

        // ... and come back: ToVector(), ToMatrix(), ToArray2D(), ToJagged(), ToNumericsTensor() (a copy each).
        Matrix<double> sigma = mvn.CovarianceMatrix.ToMatrix();
        Tensor<double> numerics = rows.ToNumericsTensor();
        Tensor again = Tensor.FromNumericsTensor(numerics);

        // Both Normals side by side: the alias names the library's, MathNet's keeps its namespace.
        double libraryDensity = new Normal(0, 1).Prob(0.5).ToScalar();
        double mathNetDensity = MathNet.Numerics.Distributions.Normal.PDF(0, 1, 0.5);
        KlResult kl = Kl.Divergence(widened, new Normal(0, 1));
        Console.WriteLine($"{sigma[0, 1]} {again[1, 0]} {libraryDensity - mathNetDensity} {kl.Method}");
        // END INTEROP
    }
}
