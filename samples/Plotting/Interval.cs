namespace KlDivergence.Samples.Plotting;

/// <summary>A closed numeric interval, used for axis limits.</summary>
/// <param name="Min">Lower end.</param>
/// <param name="Max">Upper end.</param>
public readonly record struct Interval(double Min, double Max)
{
    /// <summary>Gets the signed length <c>Max - Min</c>.</summary>
    public double Length => Max - Min;

    /// <summary>Returns whether <paramref name="value"/> lies in the interval, allowing a relative slack.</summary>
    /// <param name="value">The value to test.</param>
    /// <param name="relativeTolerance">Slack as a fraction of the length.</param>
    /// <returns><see langword="true"/> when inside.</returns>
    public bool Contains(double value, double relativeTolerance = 1e-9)
    {
        double slack = Math.Abs(Length) * relativeTolerance;
        return value >= Min - slack && value <= Max + slack;
    }
}
