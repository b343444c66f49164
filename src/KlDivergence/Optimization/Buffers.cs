namespace KlDivergence.Optimization;

/// <summary>Small helpers over lists of buffers.</summary>
internal static class Buffers
{
    public static void Clear(double[][] buffers)
    {
        foreach (double[] b in buffers)
        {
            Array.Clear(b);
        }
    }
}
