using System.Numerics.Tensors;

namespace KlDivergence.Optimization;

/// <summary>
/// Adam's rescaling of the gradient, Kingma &amp; Ba 2015 (ICLR), Algorithm 1, with bias correction and
/// ε added outside the square root (as in the paper, PyTorch <c>torch.optim.Adam</c> and <c>optax.scale_by_adam</c>).
/// For step t = 1, 2, … and gradient g_t:
/// <code>
/// m_t = β₁ m_{t−1} + (1 − β₁) g_t
/// v_t = β₂ v_{t−1} + (1 − β₂) g_t²
/// m̂_t = m_t / (1 − β₁^t)
/// v̂_t = v_t / (1 − β₂^t)
/// u_t = m̂_t / (√v̂_t + ε)
/// </code>
/// with m_0 = v_0 = 0. Follow it with <see cref="ScaleByLearningRate"/> for the step −η u_t.
/// </summary>
/// <remarks>
/// <para>
/// AMSGrad (Reddi, Kale &amp; Kumar 2018, "On the Convergence of Adam and Beyond") replaces v_t in the
/// denominator by its running maximum. This follows PyTorch's <c>amsgrad=True</c>: the maximum is taken
/// over the uncorrected v and then bias-corrected,
/// <code>
/// v_max,t = max(v_max,t−1, v_t)
/// u_t = m̂_t / (√(v_max,t / (1 − β₂^t)) + ε)
/// </code>
/// (Reddi et al.'s Algorithm 2 has no bias correction; optax takes the maximum of the corrected v̂.)
/// </para>
/// <para>
/// Given finite gradients with |g| below about 1e154 (so that g² does not overflow) the state stays finite. Above,
/// v becomes +∞ and every later update 0 (which looks finite); <see cref="Minimizer"/> detects the non-finite
/// state, skips and counts the step, and restores the state saved before it.
/// </para>
/// </remarks>
public sealed class ScaleByAdam : IGradientTransformation
{
    /// <summary>Creates Adam's rescaling.</summary>
    /// <param name="beta1">β₁ ∈ [0, 1), the decay of the first-moment average.</param>
    /// <param name="beta2">β₂ ∈ [0, 1), the decay of the second-moment average.</param>
    /// <param name="epsilon">ε &gt; 0, added to √v̂ so the division is safe when v̂ = 0.</param>
    /// <param name="amsgrad">Whether to use the running maximum of v (AMSGrad).</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside the range given above.</exception>
    public ScaleByAdam(double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8, bool amsgrad = false)
    {
        Guard.DecayRate(beta1, nameof(beta1));
        Guard.DecayRate(beta2, nameof(beta2));
        Guard.PositiveFinite(epsilon, nameof(epsilon));
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
        AmsGrad = amsgrad;
    }

    /// <summary>β₁, the decay of the first-moment average.</summary>
    public double Beta1 { get; }

    /// <summary>β₂, the decay of the second-moment average.</summary>
    public double Beta2 { get; }

    /// <summary>ε, added outside the square root.</summary>
    public double Epsilon { get; }

    /// <summary>Whether AMSGrad's running maximum of v is used.</summary>
    public bool AmsGrad { get; }

    /// <inheritdoc/>
    public IOptimizerState Init(IReadOnlyList<double[]> parameters)
    {
        double[][] m = Guard.ZerosLike(parameters, nameof(parameters));
        return new ScaleByAdamState(m, Guard.ZerosLike(parameters, nameof(parameters)), AmsGrad ? Guard.ZerosLike(parameters, nameof(parameters)) : null);
    }

    /// <inheritdoc/>
    public void Update(IReadOnlyList<double[]> updates, IOptimizerState state, IReadOnlyList<double[]> parameters)
    {
        ScaleByAdamState s = Guard.State<ScaleByAdamState>(state, nameof(state));
        Guard.SameShape(updates, s.FirstMomentBuffers, nameof(updates));
        if (AmsGrad != s.MaxSecondMomentBuffers is not null)
        {
            throw new ArgumentException("The state was created by an Adam transformation with a different AMSGrad setting.", nameof(state));
        }

        long t = s.Count + 1;
        double correction1 = 1.0 - Math.Pow(Beta1, t);
        double correction2 = 1.0 - Math.Pow(Beta2, t);
        for (int i = 0; i < updates.Count; i++)
        {
            Span<double> g = updates[i];
            Span<double> m = s.FirstMomentBuffers[i];
            Span<double> v = s.SecondMomentBuffers[i];

            // m ← β₁ m + (1 − β₁) g
            TensorPrimitives.Multiply(m, Beta1, m);
            TensorPrimitives.MultiplyAdd(g, 1.0 - Beta1, m, m);

            // v ← β₂ v + (1 − β₂) g²; g is no longer needed, so it holds g² (no scratch buffer).
            TensorPrimitives.Multiply(v, Beta2, v);
            TensorPrimitives.Multiply(g, g, g);
            TensorPrimitives.MultiplyAdd(g, 1.0 - Beta2, v, v);

            Span<double> denominatorSource = v;
            if (s.MaxSecondMomentBuffers is not null)
            {
                Span<double> vMax = s.MaxSecondMomentBuffers[i];
                TensorPrimitives.Max(vMax, v, vMax);
                denominatorSource = vMax;
            }

            // u = (m / (1 − β₁^t)) / (√(v / (1 − β₂^t)) + ε), built in g.
            TensorPrimitives.Divide(denominatorSource, correction2, g);
            TensorPrimitives.Sqrt(g, g);
            TensorPrimitives.Add(g, Epsilon, g);
            TensorPrimitives.Divide(m, g, g);
            TensorPrimitives.Divide(g, correction1, g);
        }

        s.Count = t;
    }
}
