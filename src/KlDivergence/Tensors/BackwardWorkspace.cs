namespace KlDivergence.Tensors;

/// <summary>
/// The collections one <see cref="Tensor.Backward(Tensor)"/> pass works with (the topological order, the visited set,
/// the search stack and the pending gradients, as arrays or single values), kept per thread and cleared after each pass, so a fit's steps do not
/// allocate and grow them afresh. A pass started while another runs on the same thread (a rule that differentiates)
/// gets its own.
/// </summary>
internal sealed class BackwardWorkspace
{
    [ThreadStatic]
    private static BackwardWorkspace? spare;

    public List<Tensor> Order { get; } = [];

    public HashSet<Tensor> Visited { get; } = new(IdentityComparer.Instance);

    public Stack<(Tensor Tensor, bool Expanded)> Stack { get; } = new();

    public Dictionary<Tensor, Tensor> Gradients { get; } = new(IdentityComparer.Instance);

    /// <summary>Pending gradients that are one value at every element (see <see cref="GradNode.UniformFactors"/>).</summary>
    public Dictionary<Tensor, double> UniformGradients { get; } = new(IdentityComparer.Instance);

    /// <summary>This thread's spare workspace (empty), or a new one when it is in use.</summary>
    public static BackwardWorkspace Take()
    {
        var workspace = spare ?? new BackwardWorkspace();
        spare = null;
        return workspace;
    }

    /// <summary>Graphs up to this many tensors leave their workspace for the next pass; a larger one's goes to the collector.</summary>
    private const int MaxKeptTensors = 1 << 16;

    /// <summary>Empties the collections (dropping every tensor they held) and keeps them for this thread's next pass.</summary>
    public void Return()
    {
        if (Order.Count > MaxKeptTensors)
        {
            return;
        }

        Order.Clear();
        Visited.Clear();
        Stack.Clear();
        Gradients.Clear();
        UniformGradients.Clear();
        spare = this;
    }
}
