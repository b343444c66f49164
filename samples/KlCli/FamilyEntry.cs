using KlDivergence.Distributions;

namespace KlDivergence.Cli;

/// <summary>
/// One family of the SPEC table: its name, every parameter name it accepts (camelCase, as in CLI.md), the groups of
/// which exactly one parameter must be given (for example probs or logits), and how to build it. Parameters outside
/// every group are required.
/// </summary>
internal sealed record FamilyEntry(string Name, string[] Parameters, Func<SpecArguments, Distribution> Build, string[][]? OneOf = null)
{
    public IReadOnlyList<string[]> Groups => OneOf ?? [];

    public IEnumerable<string> Required => Parameters.Where(p => !Groups.Any(g => g.Contains(p)));
}
