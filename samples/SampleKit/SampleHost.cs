namespace KlDivergence.Samples.SampleKit;

/// <summary>
/// What every notebook sample does around its own work: parse <c>[--quick] [--out DIR]</c>, create the figure folder,
/// announce the run, hand over a console, and say "done".
/// </summary>
public static class SampleHost
{
    /// <summary>Runs <paramref name="body"/> with the parsed arguments and a console over <paramref name="output"/>.</summary>
    /// <param name="args">The command line.</param>
    /// <param name="output">Where the report goes.</param>
    /// <param name="name">The default figure folder under <c>./figures</c>.</param>
    /// <param name="title">The sample's title, printed first.</param>
    /// <param name="body">The sample's work: (console, quick, figure folder).</param>
    /// <returns>0 on success, 2 on bad arguments.</returns>
    public static int Run(string[] args, TextWriter output, string name, string title, Action<SampleConsole, bool, string> body)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(body);
        var parsed = SampleArguments.Parse(args, Path.Combine("figures", name), output);
        if (parsed is null)
        {
            return 2;
        }

        var console = new SampleConsole(output);
        Directory.CreateDirectory(parsed.OutputDirectory);
        console.Line($"{title} ({(parsed.Quick ? "quick" : "full")} run), figures in {parsed.OutputDirectory}");
        body(console, parsed.Quick, parsed.OutputDirectory);
        console.Line("done");
        return 0;
    }
}
