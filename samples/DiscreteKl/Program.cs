namespace KlDivergence.Samples.DiscreteKl;

/// <summary>The console entry point: runs the sample against standard output.</summary>
public static class Program
{
    /// <summary>Runs <see cref="DiscreteKlSample"/> with the command-line arguments.</summary>
    /// <param name="args"><c>[--quick] [--out DIR]</c>.</param>
    /// <returns>0 on success, 2 on bad arguments.</returns>
    public static int Main(string[] args) => DiscreteKlSample.Run(args, Console.Out);
}
