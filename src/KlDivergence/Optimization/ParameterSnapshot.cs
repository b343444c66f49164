namespace KlDivergence.Optimization;

/// <summary>The constrained values of every parameter after a step.</summary>
/// <param name="Step">The zero-based step after which the values were taken (-1: before the first step).</param>
/// <param name="Values">One array per parameter, in the order the parameters were given.</param>
public sealed record ParameterSnapshot(int Step, IReadOnlyList<double[]> Values);
