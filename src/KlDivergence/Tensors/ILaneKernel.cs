namespace KlDivergence.Tensors;

/// <summary>
/// A function of one double written once over <see cref="IWideLane{TSelf}"/> (so every vector width and the scalar
/// entry give the same bits), with scalar code for the arguments its lanes do not cover; <see cref="LaneMap"/> runs it.
/// </summary>
internal interface ILaneKernel
{
    /// <summary>
    /// The lanes' arguments times this must be normal and positive (with a finite argument and result) for the lane
    /// code's value to stand: a power of two, so the test is exact.
    /// </summary>
    static abstract double DomainScale { get; }

    /// <summary>The function in every lane; lanes outside the domain may hold anything.</summary>
    static abstract T Lanes<T>(T x)
        where T : struct, IWideLane<T>;

    /// <summary>The function at an argument outside the lanes' domain.</summary>
    static abstract double Outside(double x);
}
