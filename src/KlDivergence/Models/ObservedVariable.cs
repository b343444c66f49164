using System.Collections.Immutable;

namespace KlDivergence.Models;

/// <summary>An observed variable of a <see cref="Model"/>: its name and the shape of its data.</summary>
/// <param name="Name">The name given to <see cref="ModelContext.Observe"/>.</param>
/// <param name="Shape">The shape of the data bound to it (of the full data set when it is subsampled).</param>
/// <param name="Family">The likelihood's family name.</param>
public sealed record ObservedVariable(string Name, ImmutableArray<int> Shape, string Family);
