using KlDivergence.Tensors;
using MathNet.Numerics;

namespace KlDivergence.Distributions;

/// <summary>
/// Differentiable special functions the CDFs of several families need, recorded on the tape through
/// <see cref="Tensor.Record(Tensor, Tensor[], Func{Tensor, Tensor?[]})"/> (the generic custom-op hook, so the autodiff table itself is unchanged).
/// The regularised incomplete beta and gamma functions have exact derivatives in the integration limit (the
/// integrand); their derivatives in the shape parameters have no closed form and are taken by central differences
/// of MathNet.Numerics' evaluation (relative step 1e-5, error about 1e-9).
/// </summary>
internal static class SpecialFunctionOps
{
    private const double RelativeStep = 1e-5;

    /// <summary>arctan x, with d/dx = 1/(1 + x²).</summary>
    public static Tensor Atan(Tensor x)
    {
        var y = new double[x.Length];
        for (int i = 0; i < y.Length; i++)
        {
            y[i] = Math.Atan(x.Data[i]);
        }

        return Tensor.Record(new Tensor(y, x.ShapeArray), [x], g =>
        {
            var gx = new double[x.Length];
            for (int i = 0; i < gx.Length; i++)
            {
                double v = x.Data[i];
                gx[i] = g.Data[i] / (1 + (v * v));
            }

            return [new Tensor(gx, x.ShapeArray)];
        });
    }

    /// <summary>log I₀(κ) (I₀ the modified Bessel function of the first kind), with d/dκ = I₁(κ)/I₀(κ).</summary>
    public static Tensor LogBesselI0(Tensor kappa)
    {
        var y = new double[kappa.Length];
        BesselFunctions.LogI0(kappa.Data, y);
        return Tensor.Record(new Tensor(y, kappa.ShapeArray), [kappa], g =>
        {
            var gk = new double[kappa.Length];
            BesselFunctions.Ratio(kappa.Data, gk);
            System.Numerics.Tensors.TensorPrimitives.Multiply(gk, g.Data, gk);
            return [new Tensor(gk, kappa.ShapeArray)];
        });
    }

    /// <summary>
    /// A(κ) = I₁(κ)/I₀(κ), with A'(κ) = 1 - A/κ - A² (from I₀' = I₁ and I₁' = I₀ - I₁/κ; A'(0) = ½).
    /// </summary>
    public static Tensor BesselRatio(Tensor kappa)
    {
        var y = new double[kappa.Length];
        BesselFunctions.Ratio(kappa.Data, y);
        return Tensor.Record(new Tensor(y, kappa.ShapeArray), [kappa], g =>
        {
            var gk = new double[kappa.Length];
            for (int i = 0; i < gk.Length; i++)
            {
                double k = kappa.Data[i], a = y[i];
                gk[i] = g.Data[i] * (k == 0 ? 0.5 : 1 - (a / k) - (a * a));
            }

            return [new Tensor(gk, kappa.ShapeArray)];
        });
    }

    /// <summary>
    /// The regularised incomplete beta function I_x(a, b) = B(x; a, b)/B(a, b) for x in [0, 1] (broadcast), with
    /// ∂/∂x = x^{a-1}(1 - x)^{b-1}/B(a, b).
    /// </summary>
    public static Tensor BetaRegularized(Tensor a, Tensor b, Tensor x)
    {
        int[] shape = Shapes.Broadcast(Shapes.Broadcast(a.ShapeArray, b.ShapeArray), x.ShapeArray);
        a = a.BroadcastTo(shape);
        b = b.BroadcastTo(shape);
        x = x.BroadcastTo(shape);
        var y = new double[Shapes.Size(shape)];
        for (int i = 0; i < y.Length; i++)
        {
            y[i] = IncompleteBeta(a.Data[i], b.Data[i], x.Data[i]);
        }

        return Tensor.Record(new Tensor(y, shape), [a, b, x], g =>
        {
            var ga = new double[y.Length];
            var gb = new double[y.Length];
            var gx = new double[y.Length];
            for (int i = 0; i < y.Length; i++)
            {
                double ai = a.Data[i], bi = b.Data[i], xi = x.Data[i];
                double ha = RelativeStep * Math.Max(1, ai), hb = RelativeStep * Math.Max(1, bi);
                ga[i] = g.Data[i] * (IncompleteBeta(ai + ha, bi, xi) - IncompleteBeta(ai - ha, bi, xi)) / (2 * ha);
                gb[i] = g.Data[i] * (IncompleteBeta(ai, bi + hb, xi) - IncompleteBeta(ai, bi - hb, xi)) / (2 * hb);
                gx[i] = xi <= 0 || xi >= 1 ? 0
                    : g.Data[i] * Math.Exp(((ai - 1) * Math.Log(xi)) + ((bi - 1) * Math.Log(1 - xi)) - SpecialFunctions.BetaLn(ai, bi));
            }

            return [new Tensor(ga, shape), new Tensor(gb, shape), new Tensor(gx, shape)];
        });
    }

    /// <summary>
    /// The regularised lower incomplete gamma function P(a, x) = γ(a, x)/Γ(a) for x ≥ 0 (broadcast), with
    /// ∂/∂x = x^{a-1}e^{-x}/Γ(a).
    /// </summary>
    public static Tensor GammaLowerRegularized(Tensor a, Tensor x)
    {
        int[] shape = Shapes.Broadcast(a.ShapeArray, x.ShapeArray);
        a = a.BroadcastTo(shape);
        x = x.BroadcastTo(shape);
        var y = new double[Shapes.Size(shape)];
        for (int i = 0; i < y.Length; i++)
        {
            y[i] = IncompleteGamma(a.Data[i], x.Data[i]);
        }

        return Tensor.Record(new Tensor(y, shape), [a, x], g =>
        {
            var ga = new double[y.Length];
            var gx = new double[y.Length];
            for (int i = 0; i < y.Length; i++)
            {
                double ai = a.Data[i], xi = x.Data[i];
                double ha = RelativeStep * Math.Max(1, ai);
                ga[i] = g.Data[i] * (IncompleteGamma(ai + ha, xi) - IncompleteGamma(ai - ha, xi)) / (2 * ha);
                gx[i] = xi <= 0 || double.IsPositiveInfinity(xi) ? 0
                    : g.Data[i] * Math.Exp(((ai - 1) * Math.Log(xi)) - xi - GammaFunctions.LogGamma(ai));
            }

            return [new Tensor(ga, shape), new Tensor(gx, shape)];
        });
    }

    private static double IncompleteBeta(double a, double b, double x) =>
        x <= 0 ? 0 : x >= 1 ? 1 : SpecialFunctions.BetaRegularized(a, b, x);

    private static double IncompleteGamma(double a, double x) =>
        x <= 0 ? 0 : double.IsPositiveInfinity(x) ? 1 : SpecialFunctions.GammaLowerRegularized(a, x);
}
