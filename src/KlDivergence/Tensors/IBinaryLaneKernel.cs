namespace KlDivergence.Tensors;

/// <summary>
/// A function of two doubles written once over <see cref="IWideLane{TSelf}"/>, with scalar code for the pairs its
/// lanes do not vouch for; <see cref="LaneMap"/> runs it.
/// </summary>
internal interface IBinaryLaneKernel
{
    /// <summary>The function in every lane, and one bit per lane (lane k at bit k) set where the lane's value stands.</summary>
    static abstract T Lanes<T>(T a, T b, out uint good)
        where T : struct, IWideLane<T>;

    /// <summary>The function at a pair whose lane value does not stand.</summary>
    static abstract double Outside(double a, double b);
}
