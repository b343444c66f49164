using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace KlDivergence.Tensors;

/// <summary>Four doubles as an <see cref="ILane{TSelf}"/> (IEEE operations lane by lane, no fused multiply-add).</summary>
internal readonly struct VectorLane(Vector256<double> value) : ILane<VectorLane>
{
    /// <summary>The four numbers.</summary>
    public Vector256<double> Value { get; } = value;

    public static VectorLane Create(double value) => new(Vector256.Create(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static VectorLane operator +(VectorLane left, VectorLane right) => new(left.Value + right.Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static VectorLane operator -(VectorLane left, VectorLane right) => new(left.Value - right.Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static VectorLane operator *(VectorLane left, VectorLane right) => new(left.Value * right.Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static VectorLane operator /(VectorLane left, VectorLane right) => new(left.Value / right.Value);
}
