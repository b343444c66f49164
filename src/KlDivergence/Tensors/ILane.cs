using System.Numerics;

namespace KlDivergence.Tensors;

/// <summary>
/// A number or a vector of numbers with the four arithmetic operators, so a kernel's formula is written once and
/// compiles both to scalar code (<see cref="ScalarLane"/>) and to four-lane code (<see cref="VectorLane"/>) with
/// the same operations in the same order: the two forms give the same bits.
/// </summary>
internal interface ILane<TSelf> :
    IAdditionOperators<TSelf, TSelf, TSelf>,
    ISubtractionOperators<TSelf, TSelf, TSelf>,
    IMultiplyOperators<TSelf, TSelf, TSelf>,
    IDivisionOperators<TSelf, TSelf, TSelf>
    where TSelf : ILane<TSelf>
{
    /// <summary>The constant in every lane.</summary>
    static abstract TSelf Create(double value);
}
