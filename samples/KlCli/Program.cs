namespace KlDivergence.Cli;

/// <summary>The process entry point of <c>kl</c>; all logic is in <see cref="KlProgram"/>.</summary>
internal static class Program
{
    private static int Main(string[] args) => KlProgram.Run(args, Console.In, Console.Out, Console.Error);
}
