namespace KlDivergence.Optimization;

/// <summary>The state of <see cref="Trace"/>: the momentum buffers b.</summary>
public sealed class TraceState : ICheckpointableState
{
    internal TraceState(double[][] momentum) => MomentumBuffers = momentum;

    /// <summary>The number of completed updates.</summary>
    public long Count { get; internal set; }

    /// <summary>b, the momentum (velocity) buffers (live buffers; read, do not write).</summary>
    public IReadOnlyList<double[]> Momentum => MomentumBuffers;

    internal double[][] MomentumBuffers { get; }

    /// <inheritdoc/>
    public void Reset()
    {
        Count = 0;
        Buffers.Clear(MomentumBuffers);
    }

    bool ICheckpointableState.CanCheckpoint => true;

    IOptimizerState ICheckpointableState.Copy() => new TraceState(Buffers.Copy(MomentumBuffers)!) { Count = Count };

    void ICheckpointableState.CopyFrom(IOptimizerState source)
    {
        var s = (TraceState)source;
        Count = s.Count;
        Buffers.CopyInto(s.MomentumBuffers, MomentumBuffers);
    }

    bool ICheckpointableState.IsFinite() => Buffers.IsFinite(MomentumBuffers);
}
