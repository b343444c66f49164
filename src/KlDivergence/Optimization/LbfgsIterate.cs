namespace KlDivergence.Optimization;

/// <summary>A point of an L-BFGS path: the iterate, its objective and gradient, and the evaluations spent to reach it.</summary>
/// <param name="Iteration">0 for the starting point, k after the k-th accepted step.</param>
/// <param name="Point">xₖ.</param>
/// <param name="Value">f(xₖ).</param>
/// <param name="Gradient">∇f(xₖ).</param>
/// <param name="Evaluations">Function-and-gradient evaluations spent up to and including this iterate (line searches included).</param>
public sealed record LbfgsIterate(int Iteration, IReadOnlyList<double> Point, double Value, IReadOnlyList<double> Gradient, int Evaluations);
