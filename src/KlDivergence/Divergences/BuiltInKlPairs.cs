using KlDivergence.Distributions;
using KlDivergence.Divergences.ClosedForms;

namespace KlDivergence.Divergences;

/// <summary>Registers every closed-form pair this library ships.</summary>
internal static class BuiltInKlPairs
{
    public static void RegisterAll(KlRegistry registry)
    {
        registry.Register<Normal, Normal>(NormalKl.NormalNormal);
    }
}
