namespace KlDivergence.Samples.SampleKit;

/// <summary>The parsed command line: <c>[--quick] [--out DIR]</c>.</summary>
public sealed record SampleArguments(bool Quick, string OutputDirectory)
{
    public static SampleArguments? Parse(string[] args, string defaultDirectory, TextWriter error)
    {
        bool quick = false;
        string dir = defaultDirectory;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--quick":
                    quick = true;
                    break;
                case "--out" when i + 1 < args.Length:
                    dir = args[++i];
                    break;
                default:
                    error.WriteLine($"Unknown or incomplete argument '{args[i]}'. Usage: [--quick] [--out DIR]");
                    return null;
            }
        }

        return new SampleArguments(quick, dir);
    }
}
