namespace KlDivergence.Divergences;

/// <summary>
/// A k-d tree over n points in d dimensions (row-major copy) for exact k-nearest-neighbour distances in the Euclidean
/// norm (Friedman, Bentley &amp; Finkel 1977, "An algorithm for finding best matches in logarithmic expected time").
/// Nodes split the widest coordinate of their bounding box at the median; leaves hold at most 16 points.
/// Only positive distances count as neighbours (see <see cref="KthPositiveSquaredDistance"/>).
/// </summary>
internal sealed class KdTree
{
    private const int LeafSize = 16;
    private readonly double[] points;
    private readonly int dimension;
    private readonly List<Node> nodes = [];

    public KdTree(double[] points, int count, int dimension)
    {
        this.dimension = dimension;
        var order = new int[count];
        for (int i = 0; i < count; i++)
        {
            order[i] = i;
        }

        var keys = new double[count];
        Build(points, order, keys, 0, count);

        // Store the points in tree order so leaves are contiguous in memory.
        this.points = new double[count * dimension];
        for (int i = 0; i < count; i++)
        {
            Array.Copy(points, order[i] * dimension, this.points, i * dimension, dimension);
        }
    }

    /// <summary>
    /// The k-th smallest positive squared distance from <paramref name="query"/> to the tree's points (points at distance
    /// exactly 0, i.e. copies of the query, are skipped), or +∞ when fewer than k points are at a positive distance.
    /// </summary>
    public double KthPositiveSquaredDistance(ReadOnlySpan<double> query, int k, Span<double> best)
    {
        // best[0..k) is kept sorted ascending; best[k-1] is the current pruning radius.
        best.Slice(0, k).Fill(double.PositiveInfinity);
        Search(0, query, k, best);
        return best[k - 1];
    }

    private int Build(double[] source, int[] order, double[] keys, int start, int end)
    {
        int id = nodes.Count;
        nodes.Add(default);
        if (end - start <= LeafSize)
        {
            nodes[id] = new Node(start, end, -1, 0, -1, -1);
            return id;
        }

        int axis = WidestAxis(source, order, start, end);
        for (int i = start; i < end; i++)
        {
            keys[i] = source[(order[i] * dimension) + axis];
        }

        Array.Sort(keys, order, start, end - start);
        int mid = (start + end) / 2;
        double split = keys[mid];
        int left = Build(source, order, keys, start, mid);
        int right = Build(source, order, keys, mid, end);
        nodes[id] = new Node(start, end, axis, split, left, right);
        return id;
    }

    private int WidestAxis(double[] source, int[] order, int start, int end)
    {
        int best = 0;
        double widest = -1;
        for (int j = 0; j < dimension; j++)
        {
            double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
            for (int i = start; i < end; i++)
            {
                double v = source[(order[i] * dimension) + j];
                lo = Math.Min(lo, v);
                hi = Math.Max(hi, v);
            }

            if (hi - lo > widest)
            {
                widest = hi - lo;
                best = j;
            }
        }

        return best;
    }

    private void Search(int id, ReadOnlySpan<double> query, int k, Span<double> best)
    {
        var node = nodes[id];
        if (node.Axis < 0)
        {
            for (int i = node.Start; i < node.End; i++)
            {
                var point = points.AsSpan(i * dimension, dimension);
                double s = 0;
                for (int j = 0; j < dimension; j++)
                {
                    double t = point[j] - query[j];
                    s += t * t;
                }

                if (s > 0 && s < best[k - 1])
                {
                    int pos = k - 1;
                    while (pos > 0 && best[pos - 1] > s)
                    {
                        best[pos] = best[pos - 1];
                        pos--;
                    }

                    best[pos] = s;
                }
            }

            return;
        }

        // Points left of the median have coordinate ≤ split, points right of it ≥ split.
        double gap = query[node.Axis] - node.Split;
        int near = gap < 0 ? node.Left : node.Right;
        int far = gap < 0 ? node.Right : node.Left;
        Search(near, query, k, best);
        if (gap * gap <= best[k - 1])
        {
            Search(far, query, k, best);
        }
    }

    private readonly record struct Node(int Start, int End, int Axis, double Split, int Left, int Right);
}
