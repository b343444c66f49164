using KlDivergence.Tensors;

namespace KlDivergence.Divergences;

/// <summary>
/// What a <see cref="KlResult"/> says about trusting its value: the flag, the reason, and for Monte Carlo the Pareto
/// k-hat of the per-draw terms. Kept together so a result can compute all three only when one is first read.
/// </summary>
/// <param name="IsReliable">Whether the value can be vouched for.</param>
/// <param name="Reason">Why the value is +∞ by a rule or not reliable; null otherwise.</param>
/// <param name="ParetoK">For Monte Carlo, the k-hat per batch element; null otherwise.</param>
internal readonly record struct KlReliability(bool IsReliable, string? Reason, Tensor? ParetoK);
