namespace KlDivergence.Samples.Plotting;

/// <summary>
/// Iso-lines of a sampled 2-D field by marching squares, with saddle cells resolved by the
/// cell-centre average and segments joined into polylines.
/// </summary>
public static class MarchingSquares
{
    /// <summary>Traces the iso-lines of <paramref name="z"/> at <paramref name="level"/>.</summary>
    /// <param name="x">Grid x coordinates, length nx (ascending or descending).</param>
    /// <param name="y">Grid y coordinates, length ny.</param>
    /// <param name="z">Field values, indexed <c>z[iy, ix]</c> like numpy's meshgrid output.</param>
    /// <param name="level">The iso-value.</param>
    /// <returns>The joined polylines, open ones first.</returns>
    public static IReadOnlyList<ContourLine> Trace(IReadOnlyList<double> x, IReadOnlyList<double> y, double[,] z, double level)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        ArgumentNullException.ThrowIfNull(z);
        int ny = z.GetLength(0), nx = z.GetLength(1);
        if (x.Count != nx || y.Count != ny)
        {
            throw new ArgumentException($"z is {ny}x{nx} but x has {x.Count} and y has {y.Count} entries.", nameof(z));
        }

        if (nx < 2 || ny < 2 || !double.IsFinite(level))
        {
            return [];
        }

        var grid = new Grid(x, y, z, level);
        var segments = new List<(int A, int B)>();
        Span<int> crossed = stackalloc int[4];
        for (int i = 0; i < ny - 1; i++)
        {
            for (int j = 0; j < nx - 1; j++)
            {
                double z0 = z[i, j], z1 = z[i, j + 1], z2 = z[i + 1, j + 1], z3 = z[i + 1, j];
                if (!double.IsFinite(z0) || !double.IsFinite(z1) || !double.IsFinite(z2) || !double.IsFinite(z3))
                {
                    continue;
                }

                // Corner bits: 0 bottom-left, 1 bottom-right, 2 top-right, 3 top-left.
                int index = (z0 >= level ? 1 : 0) | (z1 >= level ? 2 : 0) | (z2 >= level ? 4 : 0) | (z3 >= level ? 8 : 0);
                if (index is 0 or 15)
                {
                    continue;
                }

                int bottom = grid.HorizontalEdge(i, j), top = grid.HorizontalEdge(i + 1, j);
                int left = grid.VerticalEdge(i, j), right = grid.VerticalEdge(i, j + 1);
                if (index is 5 or 10)
                {
                    // Saddle: the centre average decides whether the two "high" corners are connected.
                    bool centreHigh = (z0 + z1 + z2 + z3) / 4 >= level;
                    bool cutBottomLeftAndTopRight = (index == 5) != centreHigh;
                    if (cutBottomLeftAndTopRight)
                    {
                        segments.Add((bottom, left));
                        segments.Add((right, top));
                    }
                    else
                    {
                        segments.Add((bottom, right));
                        segments.Add((left, top));
                    }

                    continue;
                }

                // Any other case crosses exactly two edges: where the corner classification changes.
                int n = 0;
                if (((index & 1) != 0) != ((index & 2) != 0))
                {
                    crossed[n++] = bottom;
                }

                if (((index & 2) != 0) != ((index & 4) != 0))
                {
                    crossed[n++] = right;
                }

                if (((index & 8) != 0) != ((index & 4) != 0))
                {
                    crossed[n++] = top;
                }

                if (((index & 1) != 0) != ((index & 8) != 0))
                {
                    crossed[n++] = left;
                }

                segments.Add((crossed[0], crossed[1]));
            }
        }

        return Join(segments, grid, level);
    }

    private static List<ContourLine> Join(List<(int A, int B)> segments, Grid grid, double level)
    {
        // Each grid edge is shared by at most two cells, so every crossing has at most two neighbours.
        var adjacency = new Dictionary<int, List<int>>();
        foreach ((int a, int b) in segments)
        {
            Add(adjacency, a, b);
            Add(adjacency, b, a);
        }

        var visited = new HashSet<int>();
        var lines = new List<ContourLine>();

        // Open lines start at crossings with one neighbour (on the grid boundary or next to a NaN cell).
        foreach (KeyValuePair<int, List<int>> pair in adjacency)
        {
            if (pair.Value.Count == 1 && !visited.Contains(pair.Key))
            {
                lines.Add(Walk(pair.Key, adjacency, visited, grid, level, closed: false));
            }
        }

        foreach (int start in adjacency.Keys)
        {
            if (!visited.Contains(start))
            {
                lines.Add(Walk(start, adjacency, visited, grid, level, closed: true));
            }
        }

        return lines;
    }

    private static ContourLine Walk(int start, Dictionary<int, List<int>> adjacency, HashSet<int> visited, Grid grid, double level, bool closed)
    {
        var points = new List<Point2>();
        int previous = -1, current = start;
        while (true)
        {
            visited.Add(current);
            points.Add(grid.Crossing(current));
            int next = -1;
            foreach (int candidate in adjacency[current])
            {
                if (candidate != previous && !visited.Contains(candidate))
                {
                    next = candidate;
                    break;
                }
            }

            if (next < 0)
            {
                break;
            }

            previous = current;
            current = next;
        }

        if (closed)
        {
            points.Add(points[0]);
        }

        return new ContourLine(level, points, closed);
    }

    private static void Add(Dictionary<int, List<int>> adjacency, int from, int to)
    {
        if (!adjacency.TryGetValue(from, out List<int>? list))
        {
            list = new List<int>(2);
            adjacency[from] = list;
        }

        list.Add(to);
    }

    /// <summary>Numbers grid edges and interpolates crossing points on them.</summary>
    private sealed class Grid(IReadOnlyList<double> x, IReadOnlyList<double> y, double[,] z, double level)
    {
        private readonly int _nx = z.GetLength(1);
        private readonly int _horizontalCount = z.GetLength(0) * (z.GetLength(1) - 1);

        /// <summary>Edge from node (i, j) to (i, j + 1).</summary>
        public int HorizontalEdge(int i, int j) => (i * (_nx - 1)) + j;

        /// <summary>Edge from node (i, j) to (i + 1, j).</summary>
        public int VerticalEdge(int i, int j) => _horizontalCount + (i * _nx) + j;

        public Point2 Crossing(int edge)
        {
            if (edge < _horizontalCount)
            {
                int i = edge / (_nx - 1), j = edge % (_nx - 1);
                double t = Fraction(z[i, j], z[i, j + 1]);
                return new Point2(x[j] + (t * (x[j + 1] - x[j])), y[i]);
            }
            else
            {
                int k = edge - _horizontalCount;
                int i = k / _nx, j = k % _nx;
                double t = Fraction(z[i, j], z[i + 1, j]);
                return new Point2(x[j], y[i] + (t * (y[i + 1] - y[i])));
            }
        }

        private double Fraction(double a, double b) => a == b ? 0.5 : Math.Clamp((level - a) / (b - a), 0, 1);
    }
}
