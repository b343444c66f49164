namespace KlDivergence.Tensors;

/// <summary>
/// How the library reuses the memory of large tensors. An array of 85 000 bytes or more (the .NET large object
/// heap) is reused for a later result once the garbage collector finds it unreachable, because fresh large memory
/// pays its first-touch page faults again on every step of a fit. Large objects are only found dead by full
/// collections, so when a fit hands out many large results the library induces a blocking full collection, at
/// most once per budget of large bytes sized from the measured cost of a collection and of fresh memory.
/// </summary>
public static class TensorMemory
{
    private static volatile bool induceCollections = true;

    /// <summary>
    /// Whether the library may induce full garbage collections to reclaim large tensors' arrays (default true).
    /// Off, arrays are still reused, but only after the application's own full collections. Changing it changes
    /// speed and memory use, never a result.
    /// </summary>
    public static bool InduceCollections
    {
        get => induceCollections;
        set => induceCollections = value;
    }
}
