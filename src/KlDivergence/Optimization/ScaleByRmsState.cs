namespace KlDivergence.Optimization;

/// <summary>The state of <see cref="ScaleByRms"/>: the running averages of g² (and of g when centered).</summary>
public sealed class ScaleByRmsState : ICheckpointableState
{
    internal ScaleByRmsState(double[][] squareAverage, double[][]? gradientAverage, double[][] scratch)
    {
        SquareAverageBuffers = squareAverage;
        GradientAverageBuffers = gradientAverage;
        Scratch = scratch;
    }

    /// <summary>The number of completed updates.</summary>
    public long Count { get; internal set; }

    /// <summary>s, the running average of g² (live buffers; read, do not write).</summary>
    public IReadOnlyList<double[]> SquareAverage => SquareAverageBuffers;

    /// <summary>ḡ, the running average of g used when centered; empty otherwise.</summary>
    public IReadOnlyList<double[]> GradientAverage => GradientAverageBuffers ?? [];

    internal double[][] SquareAverageBuffers { get; }

    internal double[][]? GradientAverageBuffers { get; }

    /// <summary>Work space for the denominator, allocated once so that an update allocates nothing.</summary>
    internal double[][] Scratch { get; }

    /// <inheritdoc/>
    public void Reset()
    {
        Count = 0;
        Buffers.Clear(SquareAverageBuffers);
        if (GradientAverageBuffers is not null)
        {
            Buffers.Clear(GradientAverageBuffers);
        }
    }

    bool ICheckpointableState.CanCheckpoint => true;

    IOptimizerState ICheckpointableState.Copy() =>
        new ScaleByRmsState(Buffers.Copy(SquareAverageBuffers)!, Buffers.Copy(GradientAverageBuffers), Buffers.Copy(Scratch)!) { Count = Count };

    void ICheckpointableState.CopyFrom(IOptimizerState source)
    {
        var s = (ScaleByRmsState)source;
        Count = s.Count;
        Buffers.CopyInto(s.SquareAverageBuffers, SquareAverageBuffers);
        Buffers.CopyInto(s.GradientAverageBuffers, GradientAverageBuffers);
    }

    bool ICheckpointableState.IsFinite() => Buffers.IsFinite(SquareAverageBuffers) && Buffers.IsFinite(GradientAverageBuffers);
}
