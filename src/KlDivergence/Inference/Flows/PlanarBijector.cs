using KlDivergence.Optimization;
using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Inference.Flows;

/// <summary>
/// The planar flow (Rezende &amp; Mohamed 2015): y = x + û tanh(wᵀx + b), with log |det ∂y/∂x| =
/// log(1 + tanh'(wᵀx + b) wᵀû) by the matrix determinant lemma. The map is invertible when wᵀû ≥ -1, so u is
/// reparameterised (their appendix A): û = u + (-1 + softplus(wᵀu) - wᵀu) w / ‖w‖², which makes wᵀû =
/// -1 + softplus(wᵀu) &gt; -1 and the determinant positive.
/// </summary>
/// <remarks>
/// The inverse has no closed form. With a = wᵀx + b and c = wᵀû, the row's wᵀy + b = a + c tanh(a) is strictly
/// increasing in a, and |a - (wᵀy + b)| ≤ |c|, so a is found by bisection on that interval to the last bit; then
/// x = y - û tanh(a). One Newton step from the root is taken inside the graph, which leaves the value unchanged and
/// gives a the derivative of the implicit function theorem, so gradients through the inverse are exact.
/// </remarks>
public sealed class PlanarBijector : FlowBijector
{
    private readonly Parameter w;
    private readonly Parameter u;
    private readonly Parameter b;

    /// <summary>Creates the layer with w and u drawn from N(0, 0.1²) and b = 0 (close to the identity).</summary>
    /// <param name="dimension">d.</param>
    /// <param name="random">The stream w and u are drawn from.</param>
    public PlanarBijector(int dimension, RandomStream random)
        : this(Create(dimension, random))
    {
    }

    private PlanarBijector((Parameter W, Parameter U, Parameter B) p)
        : base(p.W.Unconstrained.Length, [p.W, p.U, p.B])
    {
        (w, u, b) = p;
    }

    /// <inheritdoc/>
    public override string Name => $"Planar({Dimension})";

    /// <inheritdoc/>
    protected override (Tensor Y, Tensor LogDet) ForwardRows(Tensor x, Func<Parameter, Tensor> valueOf)
    {
        var (wv, uHat, bv, c) = Values(valueOf);
        var h = (x.MatMul(wv.Unsqueeze(1)).Squeeze(1) + bv).Tanh();
        var y = x + (h.Unsqueeze(1) * uHat);

        // tanh'(a) = 1 - tanh²(a), so the determinant is 1 + (1 - h²) c, positive since c > -1.
        var logDet = (1.0 + ((1.0 - h.Square()) * c)).Log();
        return (y, logDet);
    }

    /// <inheritdoc/>
    protected override Tensor InverseRows(Tensor y, Func<Parameter, Tensor> valueOf)
    {
        var (wv, uHat, bv, c) = Values(valueOf);
        var target = y.MatMul(wv.Unsqueeze(1)).Squeeze(1) + bv;
        double cv = c.ToScalar();
        var root = new double[target.Length];
        for (int i = 0; i < root.Length; i++)
        {
            root[i] = SolveRow(target.Values[i], cv);
        }

        // One Newton step from the root inside the graph: a = a* - (a* + c tanh a* - t) / (1 + c (1 - tanh² a*)).
        var a0 = Tensor.FromArray(root, [root.Length]);
        var t0 = a0.Tanh();
        var a = a0 - (((a0 + (c * t0)) - target) / (1.0 + (c * (1.0 - t0.Square()))));
        return y - (a.Tanh().Unsqueeze(1) * uHat);
    }

    /// <summary>The root a of a + c tanh(a) = t by bisection on [t - |c|, t + |c|] until the interval stops shrinking.</summary>
    private static double SolveRow(double t, double c)
    {
        if (!double.IsFinite(t))
        {
            return t;
        }

        double lo = t - Math.Abs(c), hi = t + Math.Abs(c);
        while (true)
        {
            double mid = 0.5 * (lo + hi);
            if (mid <= lo || mid >= hi)
            {
                return mid;
            }

            if (mid + (c * Math.Tanh(mid)) < t)
            {
                lo = mid;
            }
            else
            {
                hi = mid;
            }
        }
    }

    private (Tensor W, Tensor UHat, Tensor B, Tensor C) Values(Func<Parameter, Tensor> valueOf)
    {
        var wv = valueOf(w);
        var uv = valueOf(u);
        var wu = (wv * uv).Sum();

        // û = u + (m(wᵀu) - wᵀu) w / ‖w‖² with m(s) = -1 + softplus(s); then c = wᵀû = m(wᵀu).
        var c = wu.Softplus() - 1.0;
        var uHat = uv + ((c - wu) / wv.Square().Sum() * wv);
        return (wv, uHat, valueOf(b), c);
    }

    private static (Parameter, Parameter, Parameter) Create(int dimension, RandomStream random)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dimension);
        ArgumentNullException.ThrowIfNull(random);
        var wv = new double[dimension];
        var uv = new double[dimension];
        random.FillStandardNormal(wv);
        random.FillStandardNormal(uv);
        for (int i = 0; i < dimension; i++)
        {
            wv[i] *= 0.1;
            uv[i] *= 0.1;
        }

        return (new Parameter(Tensor.Vector(wv), name: "planar.w"), new Parameter(Tensor.Vector(uv), name: "planar.u"), new Parameter(Tensor.Vector(0.0), name: "planar.b"));
    }
}
