namespace KlDivergence.Samples.UnderstandingKl;

/// <summary>The console entry point: runs the sample against standard output.</summary>
public static class Program
{
    /// <summary>Runs <see cref="UnderstandingKlSample"/> with the command-line arguments.</summary>
    /// <param name="args"><c>[--quick] [--out DIR]</c>.</param>
    /// <returns>0 on success, 2 on bad arguments.</returns>
    public static int Main(string[] args) => UnderstandingKlSample.Run(args, Console.Out);
}
