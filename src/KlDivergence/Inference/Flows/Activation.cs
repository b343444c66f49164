namespace KlDivergence.Inference.Flows;

/// <summary>The non-linearity between the hidden layers of a flow's conditioner network.</summary>
public enum Activation
{
    /// <summary>tanh(x), smooth and bounded (the default).</summary>
    Tanh,

    /// <summary>max(x, 0).</summary>
    Relu,

    /// <summary>x for x &gt; 0, eˣ - 1 otherwise (Clevert et al. 2016).</summary>
    Elu,

    /// <summary>log(1 + eˣ).</summary>
    Softplus,
}
