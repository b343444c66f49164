using System.Runtime.CompilerServices;
using KlDivergence.Tensors;

namespace KlDivergence.Divergences.ClosedForms;

/// <summary>
/// Reading and writing the parameter spans of the closed forms' vector kernels (<see cref="NormalKl"/>,
/// <see cref="LaplaceKl"/>): each input has the block's length or is a single value held in every lane, and a
/// gradient span is empty when its input needs none.
/// </summary>
internal static class ParameterLanes
{
    /// <summary>The lanes of an input at element <paramref name="at"/>: its values there, or its single value in every lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Read<T>(ReadOnlySpan<double> input, int at)
        where T : struct, IWideLane<T> => input.Length == 1 ? T.Create(input[0]) : T.Load(input[at..]);

    /// <summary>An input from element <paramref name="at"/> on (a single value stays itself); an empty span stays empty.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ReadOnlySpan<double> Rest(ReadOnlySpan<double> input, int at) => input.Length == 1 ? input : input[at..];

    /// <summary>An output from element <paramref name="at"/> on; an empty span stays empty.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Span<double> Rest(Span<double> output, int at) => output.IsEmpty ? output : output[at..];

    /// <summary>Writes the lanes from element <paramref name="at"/> of a gradient span, unless it is empty.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store<T>(T value, Span<double> target, int at)
        where T : struct, IWideLane<T>
    {
        if (!target.IsEmpty)
        {
            value.Store(target[at..]);
        }
    }

    /// <summary>An input's single value, or its value at element <paramref name="at"/>.</summary>
    public static double At(ReadOnlySpan<double> input, int at) => input.Length == 1 ? input[0] : input[at];
}
