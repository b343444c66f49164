using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;
using System.Text;
using KlDivergence.Tensors;

namespace KlDivergence.Distributions;

/// <summary>
/// <see cref="Distribution.ToString"/>'s one mechanism: a family's parameters are the public properties named like the
/// parameters of its first public constructor (or factory), found once per type, so no family writes its own.
/// </summary>
internal static class DistributionDisplay
{
    private static readonly ConcurrentDictionary<Type, PropertyInfo[]> Shown = new();

    public static IEnumerable<KeyValuePair<string, object?>> ConstructorParameters(Distribution distribution) =>
        Shown.GetOrAdd(distribution.GetType(), Find).Select(p => new KeyValuePair<string, object?>(CamelCase(p.Name), ValueOf(p, distribution)));

    /// <summary>The property's value; a getter that throws prints as its exception's type, so ToString never throws.</summary>
    private static object? ValueOf(PropertyInfo property, Distribution distribution)
    {
        try
        {
            return property.GetValue(distribution);
        }
        catch (TargetInvocationException e)
        {
            return $"<{e.InnerException?.GetType().Name}>";
        }
    }

    /// <summary><c>Family(name: value, ...)</c>.</summary>
    public static string Format(string family, IEnumerable<KeyValuePair<string, object?>> parameters)
    {
        var sb = new StringBuilder(family).Append('(');
        bool first = true;
        foreach (var (name, value) in parameters)
        {
            sb.Append(first ? string.Empty : ", ").Append(name).Append(": ").Append(FormatValue(value));
            first = false;
        }

        return sb.Append(')').ToString();
    }

    private static string FormatValue(object? value) => value switch
    {
        null => "null",
        Tensor { Length: 1, Rank: 0 } t => t.ToScalar().ToString("G6", CultureInfo.InvariantCulture),
        IEnumerable<Distribution> list => "[" + string.Join(", ", list) + "]",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };

    private static PropertyInfo[] Find(Type type)
    {
        var properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetIndexParameters().Length == 0)
            .ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);
        MethodBase? source = (MethodBase?)type.GetConstructors().FirstOrDefault()
            ?? type.GetMethods(BindingFlags.Public | BindingFlags.Static).FirstOrDefault(m => m.ReturnType == type);
        return source is null ? []
            : [.. source.GetParameters().Select(p => properties.GetValueOrDefault(p.Name ?? string.Empty)).OfType<PropertyInfo>()];
    }

    private static string CamelCase(string name) => char.ToLowerInvariant(name[0]) + name[1..];
}
