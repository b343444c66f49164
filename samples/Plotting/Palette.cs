namespace KlDivergence.Samples.Plotting;

/// <summary>The default colour cycle (matplotlib's "tab10"), used when a plot call gives no colour.</summary>
public static class Palette
{
    private static readonly string[] Tab10Colors =
    [
        "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
        "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
    ];

    /// <summary>Gets the ten colours of the cycle.</summary>
    public static IReadOnlyList<string> Tab10 => Tab10Colors;

    /// <summary>Returns the colour at <paramref name="index"/>, wrapping around like matplotlib's <c>C0</c>..<c>C9</c>.</summary>
    /// <param name="index">Any non-negative index.</param>
    /// <returns>A CSS hex colour.</returns>
    public static string Get(int index) => Tab10Colors[((index % Tab10Colors.Length) + Tab10Colors.Length) % Tab10Colors.Length];
}
