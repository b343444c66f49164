namespace KlDivergence.Optimization;

/// <summary>The state of <see cref="ScaleByAdam"/>: step count t and the moment estimates m, v (and v̂ for AMSGrad).</summary>
public sealed class ScaleByAdamState : ICheckpointableState
{
    internal ScaleByAdamState(double[][] firstMoment, double[][] secondMoment, double[][]? maxSecondMoment)
    {
        FirstMomentBuffers = firstMoment;
        SecondMomentBuffers = secondMoment;
        MaxSecondMomentBuffers = maxSecondMoment;
    }

    /// <summary>t, the number of completed updates.</summary>
    public long Count { get; internal set; }

    /// <summary>m, the biased first-moment estimates (live buffers; read, do not write).</summary>
    public IReadOnlyList<double[]> FirstMoment => FirstMomentBuffers;

    /// <summary>v, the biased second-moment estimates (live buffers; read, do not write).</summary>
    public IReadOnlyList<double[]> SecondMoment => SecondMomentBuffers;

    /// <summary>v_max, the running maximum of v used by AMSGrad; empty when AMSGrad is off.</summary>
    public IReadOnlyList<double[]> MaxSecondMoment => MaxSecondMomentBuffers ?? [];

    internal double[][] FirstMomentBuffers { get; }

    internal double[][] SecondMomentBuffers { get; }

    internal double[][]? MaxSecondMomentBuffers { get; }

    /// <summary>
    /// Whether every moment estimate is known to be finite: set by the update, which writes and checks them all, and
    /// by <see cref="Reset"/>; copied with the values; null when not known (then a check reads them).
    /// </summary>
    internal bool? KnownFinite { get; set; }

    bool ICheckpointableState.CanCheckpoint => true;

    /// <inheritdoc/>
    public void Reset()
    {
        Count = 0;
        KnownFinite = true;
        Buffers.Clear(FirstMomentBuffers);
        Buffers.Clear(SecondMomentBuffers);
        if (MaxSecondMomentBuffers is not null)
        {
            Buffers.Clear(MaxSecondMomentBuffers);
        }
    }

    IOptimizerState ICheckpointableState.Copy() =>
        new ScaleByAdamState(Buffers.Copy(FirstMomentBuffers)!, Buffers.Copy(SecondMomentBuffers)!, Buffers.Copy(MaxSecondMomentBuffers)) { Count = Count, KnownFinite = KnownFinite };

    void ICheckpointableState.CopyFrom(IOptimizerState source)
    {
        var s = (ScaleByAdamState)source;
        Count = s.Count;
        KnownFinite = s.KnownFinite;
        Buffers.CopyInto(s.FirstMomentBuffers, FirstMomentBuffers);
        Buffers.CopyInto(s.SecondMomentBuffers, SecondMomentBuffers);
        Buffers.CopyInto(s.MaxSecondMomentBuffers, MaxSecondMomentBuffers);
    }

    bool ICheckpointableState.IsFinite() =>
        KnownFinite ?? (Buffers.IsFinite(FirstMomentBuffers) && Buffers.IsFinite(SecondMomentBuffers) && Buffers.IsFinite(MaxSecondMomentBuffers));
}
