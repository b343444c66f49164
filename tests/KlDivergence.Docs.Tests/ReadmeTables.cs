using System.Globalization;
using System.Reflection;
using System.Text;
using KlDivergence.Distributions;
using KlDivergence.Divergences;

namespace KlDivergence.Docs.Tests;

/// <summary>Renders the README's generated tables from the library itself (reflection and the KL registry).</summary>
internal static class ReadmeTables
{
    /// <summary>Every concrete public distribution type with the parameters of its public constructors and factories.</summary>
    internal static string Families()
    {
        var sb = new StringBuilder("| family | parameters |\n| --- | --- |\n");
        var types = typeof(Distribution).Assembly.GetExportedTypes()
            .Where(t => typeof(Distribution).IsAssignableFrom(t) && !t.IsAbstract)
            .OrderBy(t => t.Name, StringComparer.Ordinal);
        foreach (var t in types)
        {
            var signatures = t.GetConstructors().Select(c => Parameters(c.GetParameters()))
                .Concat(t.GetMethods(BindingFlags.Public | BindingFlags.Static).Where(m => m.ReturnType == t).Select(m => $"{m.Name}: {Parameters(m.GetParameters())}")).Distinct();
            sb.Append(CultureInfo.InvariantCulture, $"| {t.Name} | {string.Join("; ", signatures)} |\n");
        }

        return sb.ToString();
    }

    /// <summary>Every closed-form pair, registered or reached through an equivalence, sorted.</summary>
    internal static string Pairs()
    {
        var pairs = KlRegistry.Default.ReachablePairs.OrderBy(p => p.P.Name, StringComparer.Ordinal).ThenBy(p => p.Q.Name, StringComparer.Ordinal).ToList();
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"{pairs.Count} closed-form pairs (KL(p ‖ q); registered, or reached through an equivalence such as Chi2(k) = Gamma(k/2, ½); subclasses dispatch to the most specific pair).\n\n| p | q |\n| --- | --- |\n");
        foreach (var (p, q) in pairs)
        {
            sb.Append(CultureInfo.InvariantCulture, $"| {p.Name} | {q.Name} |\n");
        }

        return sb.ToString();
    }

    private static string Parameters(ParameterInfo[] parameters) => string.Join(", ", parameters.Select(p => p.Name));
}
