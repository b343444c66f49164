using KlDivergence.Tensors;

namespace KlDivergence.Tests.Tensors;

/// <summary>The entries of <see cref="ElementwiseRules"/>, read by reflection, for tests that must cover every op of the table.</summary>
internal static class ElementwiseTable
{
    public static IEnumerable<UnaryOp> Unary() => Entries<UnaryOp>();

    public static IEnumerable<BinaryOp> Binary() => Entries<BinaryOp>();

    /// <summary>The names of <paramref name="ops"/> as theory data.</summary>
    public static TheoryData<string> Names(IEnumerable<string> ops)
    {
        var data = new TheoryData<string>();
        foreach (var name in ops)
        {
            data.Add(name);
        }

        return data;
    }

    private static IEnumerable<T> Entries<T>() =>
        typeof(ElementwiseRules).GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
            .Where(f => f.FieldType == typeof(T)).Select(f => (T)f.GetValue(null)!);
}
