namespace KlDivergence.Optimization;

/// <summary>
/// Ready-made optimizers, each a <see cref="Chain"/> of primitive transformations ending in
/// <see cref="ScaleByLearningRate"/>. Defaults and update rules match PyTorch's <c>torch.optim</c>.
/// </summary>
/// <remarks>
/// Use: <c>var state = opt.Init(θ);</c> then each step copy the gradients into a buffer list <c>u</c>,
/// check them for finiteness, call <c>opt.Update(u, state, θ)</c> and <c>Updates.Apply(θ, u)</c>.
/// </remarks>
public static class Optimizers
{
    /// <summary>
    /// Stochastic gradient descent with optional momentum and L2 weight decay (PyTorch <c>torch.optim.SGD</c>, dampening 0):
    /// <code>
    /// g ← g + λ θ
    /// b ← μ b + g
    /// d = b  (heavy ball)   or   d = g + μ b  (Nesterov)   or   d = g  (μ = 0)
    /// θ ← θ − η d
    /// </code>
    /// Chain: <see cref="AddDecayedWeights"/> (if λ &gt; 0), <see cref="Trace"/> (if μ &gt; 0), <see cref="ScaleByLearningRate"/>.
    /// </summary>
    /// <param name="learningRate">η; finite and non-negative.</param>
    /// <param name="momentum">μ ∈ [0, 1).</param>
    /// <param name="nesterov">Nesterov momentum (Sutskever et al. 2013, in PyTorch's form); needs μ &gt; 0.</param>
    /// <param name="weightDecay">λ ≥ 0, added to the gradient (L2 penalty).</param>
    /// <returns>The optimizer.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A hyperparameter is outside its range.</exception>
    /// <exception cref="ArgumentException"><paramref name="nesterov"/> is true with zero momentum.</exception>
    public static IGradientTransformation Sgd(double learningRate, double momentum = 0.0, bool nesterov = false, double weightDecay = 0.0)
    {
        Guard.NonNegativeFinite(learningRate, nameof(learningRate));
        return Sgd(new ConstantSchedule(learningRate), momentum, nesterov, weightDecay);
    }

    /// <summary>
    /// Stochastic gradient descent with a learning-rate schedule η(t); otherwise as
    /// <see cref="Sgd(double, double, bool, double)"/>: θ ← θ − η(t) d.
    /// </summary>
    /// <param name="schedule">η(t).</param>
    /// <param name="momentum">μ ∈ [0, 1).</param>
    /// <param name="nesterov">Nesterov momentum; needs μ &gt; 0.</param>
    /// <param name="weightDecay">λ ≥ 0, added to the gradient (L2 penalty).</param>
    /// <returns>The optimizer.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="schedule"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A hyperparameter is outside its range.</exception>
    /// <exception cref="ArgumentException"><paramref name="nesterov"/> is true with zero momentum.</exception>
    public static IGradientTransformation Sgd(ILearningRateSchedule schedule, double momentum = 0.0, bool nesterov = false, double weightDecay = 0.0)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        Guard.DecayRate(momentum, nameof(momentum));
        Guard.NonNegativeFinite(weightDecay, nameof(weightDecay));
        if (nesterov && momentum == 0.0)
        {
            // As PyTorch: Nesterov without momentum is plain SGD, almost certainly not what was meant.
            throw new ArgumentException("Nesterov momentum needs momentum > 0.", nameof(nesterov));
        }

        var parts = new List<IGradientTransformation>(3);
        if (weightDecay > 0.0)
        {
            parts.Add(new AddDecayedWeights(weightDecay));
        }

        if (momentum > 0.0)
        {
            parts.Add(new Trace(momentum, nesterov));
        }

        parts.Add(new ScaleByLearningRate(schedule));
        return new Chain([.. parts]);
    }

    /// <summary>
    /// Adam (Kingma &amp; Ba 2015, Algorithm 1; PyTorch <c>torch.optim.Adam</c>), optionally AMSGrad (Reddi et al. 2018):
    /// <code>
    /// m ← β₁ m + (1 − β₁) g,   v ← β₂ v + (1 − β₂) g²
    /// θ ← θ − η · (m / (1 − β₁^t)) / (√(v / (1 − β₂^t)) + ε)
    /// </code>
    /// Chain: <see cref="ScaleByAdam"/>, <see cref="ScaleByLearningRate"/>.
    /// </summary>
    /// <param name="learningRate">η; finite and non-negative.</param>
    /// <param name="beta1">β₁ ∈ [0, 1).</param>
    /// <param name="beta2">β₂ ∈ [0, 1).</param>
    /// <param name="epsilon">ε &gt; 0, outside the square root.</param>
    /// <param name="amsgrad">Use the running maximum of v (PyTorch's AMSGrad; see <see cref="ScaleByAdam"/>).</param>
    /// <returns>The optimizer.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A hyperparameter is outside its range.</exception>
    public static IGradientTransformation Adam(double learningRate, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8, bool amsgrad = false)
    {
        Guard.NonNegativeFinite(learningRate, nameof(learningRate));
        return Adam(new ConstantSchedule(learningRate), beta1, beta2, epsilon, amsgrad);
    }

    /// <summary>Adam with a learning-rate schedule η(t); otherwise as <see cref="Adam(double, double, double, double, bool)"/>.</summary>
    /// <param name="schedule">η(t).</param>
    /// <param name="beta1">β₁ ∈ [0, 1).</param>
    /// <param name="beta2">β₂ ∈ [0, 1).</param>
    /// <param name="epsilon">ε &gt; 0, outside the square root.</param>
    /// <param name="amsgrad">Use the running maximum of v.</param>
    /// <returns>The optimizer.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="schedule"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A hyperparameter is outside its range.</exception>
    public static IGradientTransformation Adam(ILearningRateSchedule schedule, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8, bool amsgrad = false)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        return new Chain(new ScaleByAdam(beta1, beta2, epsilon, amsgrad), new ScaleByLearningRate(schedule));
    }

    /// <summary>
    /// AdamW, Adam with decoupled weight decay (Loshchilov &amp; Hutter 2019; PyTorch <c>torch.optim.AdamW</c>):
    /// <code>
    /// θ ← θ − η · ( (m / (1 − β₁^t)) / (√(v / (1 − β₂^t)) + ε) + λ θ )
    /// </code>
    /// The decay is multiplied by η, as in PyTorch and optax (the paper scales it by a separate schedule
    /// multiplier). Chain: <see cref="ScaleByAdam"/>, <see cref="AddDecayedWeights"/>, <see cref="ScaleByLearningRate"/>.
    /// </summary>
    /// <param name="learningRate">η; finite and non-negative.</param>
    /// <param name="beta1">β₁ ∈ [0, 1).</param>
    /// <param name="beta2">β₂ ∈ [0, 1).</param>
    /// <param name="epsilon">ε &gt; 0, outside the square root.</param>
    /// <param name="weightDecay">λ ≥ 0 (PyTorch's default 0.01).</param>
    /// <param name="amsgrad">Use the running maximum of v.</param>
    /// <returns>The optimizer.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A hyperparameter is outside its range.</exception>
    public static IGradientTransformation AdamW(double learningRate, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8, double weightDecay = 0.01, bool amsgrad = false)
    {
        Guard.NonNegativeFinite(learningRate, nameof(learningRate));
        return AdamW(new ConstantSchedule(learningRate), beta1, beta2, epsilon, weightDecay, amsgrad);
    }

    /// <summary>AdamW with a learning-rate schedule η(t), which also scales the decay; otherwise as <see cref="AdamW(double, double, double, double, double, bool)"/>.</summary>
    /// <param name="schedule">η(t).</param>
    /// <param name="beta1">β₁ ∈ [0, 1).</param>
    /// <param name="beta2">β₂ ∈ [0, 1).</param>
    /// <param name="epsilon">ε &gt; 0, outside the square root.</param>
    /// <param name="weightDecay">λ ≥ 0.</param>
    /// <param name="amsgrad">Use the running maximum of v.</param>
    /// <returns>The optimizer.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="schedule"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A hyperparameter is outside its range.</exception>
    public static IGradientTransformation AdamW(ILearningRateSchedule schedule, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8, double weightDecay = 0.01, bool amsgrad = false)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        return new Chain(new ScaleByAdam(beta1, beta2, epsilon, amsgrad), new AddDecayedWeights(weightDecay), new ScaleByLearningRate(schedule));
    }

    /// <summary>
    /// RMSprop (Hinton, lecture 6e) with PyTorch's <c>torch.optim.RMSprop</c> semantics: averages start at
    /// zero, no bias correction, ε outside the square root (optax puts it inside), momentum applied to the
    /// rescaled gradient:
    /// <code>
    /// g ← g + λ θ
    /// s ← ρ s + (1 − ρ) g²,   ḡ ← ρ ḡ + (1 − ρ) g                (ḡ only when centered)
    /// d = g / (√s + ε)   or, centered,   d = g / (√(s − ḡ²) + ε)
    /// b ← μ b + d,  θ ← θ − η b     (μ &gt; 0)      θ ← θ − η d     (μ = 0)
    /// </code>
    /// Chain: <see cref="AddDecayedWeights"/> (if λ &gt; 0), <see cref="ScaleByRms"/>, <see cref="Trace"/> (if μ &gt; 0), <see cref="ScaleByLearningRate"/>.
    /// </summary>
    /// <param name="learningRate">η; finite and non-negative.</param>
    /// <param name="decay">ρ ∈ [0, 1) (PyTorch <c>alpha</c>, default 0.99).</param>
    /// <param name="epsilon">ε &gt; 0, outside the square root.</param>
    /// <param name="momentum">μ ∈ [0, 1).</param>
    /// <param name="centered">Divide by the estimated standard deviation instead of the root mean square.</param>
    /// <param name="weightDecay">λ ≥ 0, added to the gradient (L2 penalty).</param>
    /// <returns>The optimizer.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A hyperparameter is outside its range.</exception>
    public static IGradientTransformation RmsProp(double learningRate, double decay = 0.99, double epsilon = 1e-8, double momentum = 0.0, bool centered = false, double weightDecay = 0.0)
    {
        Guard.NonNegativeFinite(learningRate, nameof(learningRate));
        return RmsProp(new ConstantSchedule(learningRate), decay, epsilon, momentum, centered, weightDecay);
    }

    /// <summary>RMSprop with a learning-rate schedule η(t); otherwise as <see cref="RmsProp(double, double, double, double, bool, double)"/>.</summary>
    /// <param name="schedule">η(t).</param>
    /// <param name="decay">ρ ∈ [0, 1).</param>
    /// <param name="epsilon">ε &gt; 0, outside the square root.</param>
    /// <param name="momentum">μ ∈ [0, 1).</param>
    /// <param name="centered">Divide by the estimated standard deviation instead of the root mean square.</param>
    /// <param name="weightDecay">λ ≥ 0, added to the gradient (L2 penalty).</param>
    /// <returns>The optimizer.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="schedule"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A hyperparameter is outside its range.</exception>
    public static IGradientTransformation RmsProp(ILearningRateSchedule schedule, double decay = 0.99, double epsilon = 1e-8, double momentum = 0.0, bool centered = false, double weightDecay = 0.0)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        Guard.DecayRate(momentum, nameof(momentum));
        Guard.NonNegativeFinite(weightDecay, nameof(weightDecay));
        var parts = new List<IGradientTransformation>(4);
        if (weightDecay > 0.0)
        {
            parts.Add(new AddDecayedWeights(weightDecay));
        }

        parts.Add(new ScaleByRms(decay, epsilon, centered));
        if (momentum > 0.0)
        {
            parts.Add(new Trace(momentum));
        }

        parts.Add(new ScaleByLearningRate(schedule));
        return new Chain([.. parts]);
    }
}
