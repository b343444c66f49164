using System.Buffers;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace KlDivergence.Tensors;

/// <summary>
/// Element-wise operations, broadcasting arithmetic and reductions on <see cref="Tensor"/>, each
/// differentiable (its rule is in <see cref="ElementwiseRules"/> or beside its kernel here).
/// Broadcasting follows NumPy: shapes align from the right and dimensions of length 1 stretch.
/// </summary>
public static class TensorOps
{
    /// <summary>Element-wise a + b with broadcasting.</summary>
    public static Tensor Add(Tensor a, Tensor b) => Binary(ElementwiseRules.Add, a, b);

    /// <summary>Element-wise a - b with broadcasting.</summary>
    public static Tensor Subtract(Tensor a, Tensor b) => Binary(ElementwiseRules.Subtract, a, b);

    /// <summary>Element-wise a * b with broadcasting.</summary>
    public static Tensor Multiply(Tensor a, Tensor b) => Binary(ElementwiseRules.Multiply, a, b);

    /// <summary>Element-wise a / b with broadcasting.</summary>
    public static Tensor Divide(Tensor a, Tensor b) => Binary(ElementwiseRules.Divide, a, b);

    /// <summary>Element-wise minimum with broadcasting (a tie sends half the gradient to each side).</summary>
    public static Tensor Minimum(Tensor a, Tensor b) => Binary(ElementwiseRules.Minimum, a, b);

    /// <summary>Element-wise maximum with broadcasting (a tie sends half the gradient to each side).</summary>
    public static Tensor Maximum(Tensor a, Tensor b) => Binary(ElementwiseRules.Maximum, a, b);

    /// <summary>Element-wise -x.</summary>
    public static Tensor Negate(this Tensor x) => Unary(ElementwiseRules.Negate, x);

    /// <summary>Element-wise x².</summary>
    public static Tensor Square(this Tensor x) => Unary(ElementwiseRules.Square, x);

    /// <summary>Element-wise √x.</summary>
    public static Tensor Sqrt(this Tensor x) => Unary(ElementwiseRules.Sqrt, x);

    /// <summary>Element-wise eˣ.</summary>
    public static Tensor Exp(this Tensor x) => Unary(ElementwiseRules.Exp, x);

    /// <summary>Element-wise natural logarithm.</summary>
    public static Tensor Log(this Tensor x) => Unary(ElementwiseRules.Log, x);

    /// <summary>Element-wise log(1 + x), accurate for small x.</summary>
    public static Tensor Log1p(this Tensor x) => Unary(ElementwiseRules.Log1p, x);

    /// <summary>Element-wise eˣ - 1, accurate for small x.</summary>
    public static Tensor Expm1(this Tensor x) => Unary(ElementwiseRules.Expm1, x);

    /// <summary>Element-wise eˣ - 1 - x, accurate for small x (where both eˣ - 1 and x cancel).</summary>
    public static Tensor Expm1MinusX(this Tensor x) => Unary(ElementwiseRules.Expm1MinusX, x);

    /// <summary>Element-wise softplus(x) = log(1 + eˣ), computed without overflow.</summary>
    public static Tensor Softplus(this Tensor x) => Unary(ElementwiseRules.Softplus, x);

    /// <summary>Element-wise logistic sigmoid 1 / (1 + e⁻ˣ).</summary>
    public static Tensor Sigmoid(this Tensor x) => Unary(ElementwiseRules.Sigmoid, x);

    /// <summary>Element-wise hyperbolic tangent.</summary>
    public static Tensor Tanh(this Tensor x) => Unary(ElementwiseRules.Tanh, x);

    /// <summary>Element-wise sine (x in radians), within 2 ulp of <see cref="Math.Sin(double)"/> and the same bits on every machine width.</summary>
    public static Tensor Sin(this Tensor x) => Unary(ElementwiseRules.Sin, x);

    /// <summary>Element-wise cosine (x in radians), within 2 ulp of <see cref="Math.Cos(double)"/> and the same bits on every machine width.</summary>
    public static Tensor Cos(this Tensor x) => Unary(ElementwiseRules.Cos, x);

    /// <summary>Element-wise |x| (gradient 0 at 0).</summary>
    public static Tensor Abs(this Tensor x) => Unary(ElementwiseRules.Abs, x);

    /// <summary>Element-wise 1 / x.</summary>
    public static Tensor Reciprocal(this Tensor x) => Unary(ElementwiseRules.Reciprocal, x);

    /// <summary>Element-wise log Γ(x).</summary>
    public static Tensor LogGamma(this Tensor x) => Unary(ElementwiseRules.LogGamma, x);

    /// <summary>Element-wise digamma ψ(x) = d/dx log Γ(x); its derivative is trigamma.</summary>
    public static Tensor Digamma(this Tensor x) => Unary(ElementwiseRules.Digamma, x);

    /// <summary>Element-wise standard normal CDF Φ(x).</summary>
    public static Tensor NormalCdf(this Tensor x) => Unary(ElementwiseRules.NormalCdf, x);

    /// <summary>Element-wise log Φ(x), accurate far into both tails.</summary>
    public static Tensor LogNormalCdf(this Tensor x) => Unary(ElementwiseRules.LogNormalCdf, x);

    /// <summary>Element-wise xᶜ for a constant exponent c; d/dx = c xᶜ⁻¹.</summary>
    public static Tensor Pow(this Tensor x, double exponent)
    {
        ArgumentNullException.ThrowIfNull(x);

        // The common whole exponents by multiplication and division, as PyTorch does: x² and 1/x are correctly rounded
        // (as pow is), x³ within an ulp; a general pow per element cost five times as much.
        if (exponent == 2)
        {
            return x.Square();
        }

        if (exponent == -1)
        {
            return x.Reciprocal();
        }

        if (exponent == 3)
        {
            return Unary(ElementwiseRules.Cube, x);
        }

        // A general power costs several nanoseconds an element: split from the costly kernels' threshold.
        var y = TensorPool.Rent(x.Length);
        ElementwiseSplit.RunFrom(ElementwiseSplit.CostlyThreshold, y.Length, (s, m) => TensorPrimitives.Pow(x.Data.AsSpan(s, m), exponent, y.AsSpan(s, m)));
        var result = new Tensor(y, x.ShapeArray);
        if (!Tensor.Tracks(x))
        {
            return result;
        }

        return Tensor.Record(result, [x], g =>
        {
            var gx = GradientPass.RentZeroed(x.Length);
            if (exponent != 0)
            {
                // d/dx xᵖ = p xᵖ⁻¹
                ElementwiseSplit.RunFrom(ElementwiseSplit.CostlyThreshold, gx.Length, (s, m) =>
                {
                    var gs = gx.AsSpan(s, m);
                    TensorPrimitives.Pow(x.Data.AsSpan(s, m), exponent - 1, gs);
                    TensorPrimitives.Multiply(gs, exponent, gs);
                    TensorPrimitives.Multiply(gs, g.Data.AsSpan(s, m), gs);
                });
            }

            return [new Tensor(gx, x.ShapeArray)];
        });
    }

    /// <summary>Element-wise clamp of x into [min, max]; the gradient passes where min ≤ x ≤ max.</summary>
    public static Tensor Clamp(this Tensor x, double min, double max)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (!(min <= max))
        {
            throw new ArgumentException($"Clamp needs min <= max, got min = {min}, max = {max}.", nameof(min));
        }

        var y = TensorPool.Rent(x.Length);
        TensorPrimitives.Clamp(x.Data, min, max, y);
        var result = new Tensor(y, x.ShapeArray);
        if (!Tensor.Tracks(x))
        {
            return result;
        }

        return Tensor.Record(result, [x], g =>
        {
            var gx = TensorPool.Rent(x.Length);
            Selection.PassWithin(x.Data, min, max, g.Data, gx);
            return [new Tensor(gx, x.ShapeArray)];
        });
    }

    /// <summary>
    /// Element-wise selection: a where <paramref name="condition"/> is non-zero, else b (all broadcast).
    /// The gradient goes only to the selected side, so an infinite value on the other side does no harm.
    /// </summary>
    public static Tensor Where(Tensor condition, Tensor a, Tensor b)
    {
        ArgumentNullException.ThrowIfNull(condition);
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        int[] shape = Shapes.Broadcast(Shapes.Broadcast(condition.ShapeArray, a.ShapeArray), b.ShapeArray);
        double[] c = Operand(condition, shape), av = Operand(a, shape), bv = Operand(b, shape);
        var y = TensorPool.Rent(Shapes.Size(shape));
        Selection.Select(c, av, bv, y);
        var result = new Tensor(y, shape);
        bool tracksA = Tensor.Tracks(a), tracksB = Tensor.Tracks(b);
        if (!tracksA && !tracksB)
        {
            return result;
        }

        // Only a side that needs a gradient gets one (the other is often a constant such as -∞ of the result's shape).
        return Tensor.Record(result, [a, b], g =>
        [
            tracksA ? Routed(c, g, true, shape, a) : null,
            tracksB ? Routed(c, g, false, shape, b) : null,
        ]);
    }

    /// <summary>An operand of <see cref="Where(Tensor, Tensor, Tensor)"/>: its own array when it has the result's shape or one value, else broadcast to the shape.</summary>
    private static double[] Operand(Tensor x, int[] shape) => x.Length == 1 ? x.Data : Expand(x, shape);

    /// <summary>The gradient <paramref name="g"/> where the condition picked <paramref name="side"/>, summed to its shape.</summary>
    private static Tensor Routed(double[] c, Tensor g, bool whereNonZero, int[] shape, Tensor side)
    {
        var routed = TensorPool.Rent(g.Length);
        Selection.Route(c, g.Data, whereNonZero, routed);
        return SumTo(new Tensor(routed, shape), side.ShapeArray);
    }

    /// <summary>1 where a &gt; b, else 0 (broadcast; no gradient).</summary>
    public static Tensor GreaterThan(Tensor a, Tensor b) => Compare<Comparisons.Greater>(a, b);

    /// <summary>1 where a &lt; b, else 0 (broadcast; no gradient).</summary>
    public static Tensor LessThan(Tensor a, Tensor b) => Compare<Comparisons.Less>(a, b);

    /// <summary>1 where a ≥ b, else 0 (broadcast; no gradient).</summary>
    public static Tensor GreaterOrEqual(Tensor a, Tensor b) => Compare<Comparisons.GreaterOrEqual>(a, b);

    /// <summary>1 where a = b, else 0 (broadcast; no gradient).</summary>
    public static Tensor EqualTo(Tensor a, Tensor b) => Compare<Comparisons.Equal>(a, b);

    /// <summary>The sum of all elements, as a scalar.</summary>
    public static Tensor Sum(this Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        var result = new Tensor([SumKernel.Run(x.Data, 0, x.Length)], []);
        if (!Tensor.Tracks(x))
        {
            return result;
        }

        // The backward pass hands g, one value, to every element as that value (GradNode.UniformFactors); the rule
        // writes it out only when called directly.
        return Tensor.Record(result, [x], g => [UniformGradient.Spread(x, g.Data[0])], GradNode.PassesOn, null);
    }

    /// <summary>The sum over one axis (negative counts from the end), dropping it unless <paramref name="keepDims"/>.</summary>
    public static Tensor Sum(this Tensor x, int axis, bool keepDims = false)
    {
        ArgumentNullException.ThrowIfNull(x);
        int ax = Shapes.Axis(axis, x.Rank);
        var (outer, n, inner) = Shapes.AroundAxis(x.ShapeArray, ax);
        var y = n == 0 ? TensorPool.RentZeroed(outer * inner) : TensorPool.Rent(outer * inner);
        if (n > 0)
        {
            SumKernel.Axis(x.Data, outer, n, inner, y);
        }

        int[] keptShape = (int[])x.ShapeArray.Clone();
        keptShape[ax] = 1;
        var result = new Tensor(y, keepDims ? keptShape : RemoveAxis(x.ShapeArray, ax));
        if (!Tensor.Tracks(x))
        {
            return result;
        }

        return Tensor.Record(result, [x], g =>
        {
            // The output gradient stretched back along the summed axis, into an array the gradient pass recycles.
            var gx = GradientPass.Rent(x.Length);
            if (inner == 1)
            {
                // The last axis summed: each row of n is its one gradient value, without walking one run per row.
                for (int o = 0; o < outer; o++)
                {
                    gx.AsSpan(o * n, n).Fill(g.Data[o]);
                }
            }
            else
            {
                new BroadcastIterator(g.Data, keptShape, x.ShapeArray).Gather(0, gx);
            }

            return [new Tensor(gx, x.ShapeArray)];
        },
        GradNode.PassesOn,
        null);
    }

    /// <summary>The sum over several axes, dropping them unless <paramref name="keepDims"/>.</summary>
    public static Tensor Sum(this Tensor x, int[] axes, bool keepDims = false)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(axes);
        var resolved = axes.Select(a => Shapes.Axis(a, x.Rank, nameof(axes))).Distinct().OrderDescending().ToArray();
        var result = x;
        foreach (int a in resolved)
        {
            result = result.Sum(a, keepDims);
        }

        return result;
    }

    /// <summary>The mean of all elements, as a scalar.</summary>
    public static Tensor Mean(this Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        return x.Sum() * (1.0 / x.Length);
    }

    /// <summary>The mean over one axis, dropping it unless <paramref name="keepDims"/>.</summary>
    public static Tensor Mean(this Tensor x, int axis, bool keepDims = false)
    {
        ArgumentNullException.ThrowIfNull(x);
        int n = x.ShapeArray[Shapes.Axis(axis, x.Rank)];
        return x.Sum(axis, keepDims) * (1.0 / n);
    }

    /// <summary>
    /// log softmax along <paramref name="axis"/>: xₖ - log Σⱼ e^{xⱼ} (the log-probabilities of a classifier's logits).
    /// Along the last axis it is one op: the row's log-sum-exp by <see cref="LogSumExp"/>'s kernel, subtracted in place,
    /// and the backward pass gₖ - e^{yₖ} Σⱼ gⱼ in one sweep, the values and gradient of x - x.LogSumExp(axis, true)
    /// without its [.., 1] intermediate, broadcast subtraction and their backward passes. Other axes take that composite.
    /// A slice that is all -∞ gives NaN, as the composite does.
    /// </summary>
    public static Tensor LogSoftmax(this Tensor x, int axis = -1)
    {
        ArgumentNullException.ThrowIfNull(x);
        int ax = Shapes.Axis(axis, x.Rank);
        var (outer, n, inner) = Shapes.AroundAxis(x.ShapeArray, ax);
        if (inner != 1 || n == 0)
        {
            return x - x.LogSumExp(ax, keepDims: true);
        }

        var lse = TensorPool.Rent(outer);
        LogSumExpRows(x.Data, lse, outer, n);
        var y = TensorPool.Rent(x.Length);
        double[] xd = x.Data;
        ElementwiseSplit.ForRowGroups(outer, n, (first, end) =>
        {
            // Element loops: rows are often a handful of classes, where a library call per row costs more than the row.
            for (int o = first; o < end; o++)
            {
                double shift = lse[o];
                for (int k = o * n; k < (o + 1) * n; k++)
                {
                    y[k] = xd[k] - shift;
                }
            }
        });

        var result = new Tensor(y, x.ShapeArray);
        if (!Tensor.Tracks(x))
        {
            TensorPool.Return(lse);
            return result;
        }

        return Tensor.Record(result, [x], g => [new Tensor(LogSoftmaxGradient(xd, lse, g.Data, outer, n), x.ShapeArray)]);
    }

    /// <summary>
    /// gx = e^{x - lse}·(sign · scale) row by row for rows first .. end - 1 of n values (0 where a row is all -∞, its
    /// log-sum-exp -∞): the softmax times each row's gradient, the one statement of <see cref="LogSumExp"/>'s backward
    /// rule, which <see cref="LogSoftmax"/>'s adds to. The group's differences, one vector exponential over all of them,
    /// then the scales (one call per group, not per row: mixtures and classifiers have many short rows).
    /// </summary>
    private static void SoftmaxTimesRows(double[] x, double[] lse, double[] scale, double sign, int n, int first, int end, double[] gx)
    {
        for (int o = first; o < end; o++)
        {
            double shift = double.IsNegativeInfinity(lse[o]) ? 0 : lse[o];
            for (int k = o * n; k < (o + 1) * n; k++)
            {
                gx[k] = x[k] - shift;
            }
        }

        var block = gx.AsSpan(first * n, (end - first) * n);
        TensorPrimitives.Exp(block, block);
        for (int o = first; o < end; o++)
        {
            double factor = double.IsNegativeInfinity(lse[o]) ? 0 : sign * scale[o];
            for (int k = o * n; k < (o + 1) * n; k++)
            {
                gx[k] *= factor;
            }
        }
    }

    /// <summary>
    /// gₖ + e^{xₖ - lse}·(-Σⱼ gⱼ) per row (0 in place of the exponential term where the row is all -∞): the composite's two
    /// contributions, the broadcast subtraction's g and the log-sum-exp's softmax times its gradient, in the order and
    /// grouping its backward passes used (row sums by the sum kernel, exponentials over groups of rows).
    /// </summary>
    private static double[] LogSoftmaxGradient(double[] x, double[] lse, double[] g, int outer, int n)
    {
        var sums = TensorPool.Rent(outer);
        SumKernel.Axis(g, outer, n, 1, sums);
        var gx = GradientPass.Rent(x.Length);
        ElementwiseSplit.ForRowGroups(outer, n, (first, end) =>
        {
            SoftmaxTimesRows(x, lse, sums, -1.0, n, first, end, gx);
            for (int k = first * n; k < end * n; k++)
            {
                gx[k] = g[k] + gx[k];
            }
        });

        TensorPool.Return(sums);
        return gx;
    }

    /// <summary>
    /// log Σ exp(x) over one axis, computed as m + log Σ exp(x - m) with m the maximum, so it neither
    /// overflows nor underflows; entries of -∞ contribute nothing, and a slice that is all -∞ gives -∞
    /// with a zero (not NaN) gradient.
    /// </summary>
    public static Tensor LogSumExp(this Tensor x, int axis, bool keepDims = false)
    {
        ArgumentNullException.ThrowIfNull(x);
        int ax = Shapes.Axis(axis, x.Rank);
        var (outer, n, inner) = Shapes.AroundAxis(x.ShapeArray, ax);
        var y = TensorPool.RentZeroed(outer * inner);
        if (inner == 1)
        {
            LogSumExpRows(x.Data, y, outer, n);
        }
        else
        {
            // Another axis than the last: the slices laid out as rows by a tiled transpose ([outer, inner, n]), then the
            // same row kernels, so the result is the bits of the reduction over the last axis of the transposed tensor.
            var rows = ShapeOps.TransposeData(x.Data, [outer, n, inner], out _);
            LogSumExpRows(rows, y, outer * inner, n);
            TensorPool.Return(rows);
        }

        int[] keptShape = (int[])x.ShapeArray.Clone();
        keptShape[ax] = 1;
        var result = new Tensor(y, keepDims ? keptShape : RemoveAxis(x.ShapeArray, ax));
        if (!Tensor.Tracks(x))
        {
            return result;
        }

        return Tensor.Record(result, [x], g =>
        {
            // d/dx_k LSE = exp(x_k - LSE), the softmax; defined as 0 when the whole slice is -∞.
            var gx = TensorPool.Rent(x.Length);
            if (inner == 1)
            {
                // Contiguous rows in groups on the workers: the group's differences, one vector exponential over all of
                // them, then the scales (one call per group, not per row: mixtures have many rows of two or three).
                double[] xd = x.Data, gd = g.Data;
                ElementwiseSplit.ForRowGroups(outer, n, (first, end) => SoftmaxTimesRows(xd, y, gd, 1.0, n, first, end, gx));

                return [new Tensor(gx, x.ShapeArray)];
            }

            // Another axis: the same differences, exponentials and scales, over runs of `inner` values (one per slice),
            // in groups of runs across the workers with one vector exponential per group.
            var shift = TensorPool.Rent(y.Length);
            var scales = TensorPool.Rent(y.Length);
            for (int j = 0; j < y.Length; j++)
            {
                bool empty = double.IsNegativeInfinity(y[j]);
                shift[j] = empty ? 0 : y[j];
                scales[j] = empty ? 0 : g.Data[j];
            }

            double[] xs = x.Data;
            ElementwiseSplit.ForRowGroups(outer * n, inner, (first, end) =>
            {
                for (int r = first; r < end; r++)
                {
                    TensorPrimitives.Subtract(xs.AsSpan(r * inner, inner), shift.AsSpan(r / n * inner, inner), gx.AsSpan(r * inner, inner));
                }

                var block = gx.AsSpan(first * inner, (end - first) * inner);
                TensorPrimitives.Exp(block, block);
                for (int r = first; r < end; r++)
                {
                    var run = gx.AsSpan(r * inner, inner);
                    TensorPrimitives.Multiply(run, scales.AsSpan(r / n * inner, inner), run);
                }
            });
            TensorPool.Return(shift);
            TensorPool.Return(scales);
            return [new Tensor(gx, x.ShapeArray)];
        });
    }

    /// <summary>log Σ exp over each of <paramref name="rows"/> contiguous rows of <paramref name="n"/> values of <paramref name="x"/>, into <paramref name="y"/>.</summary>
    private static void LogSumExpRows(double[] x, double[] y, int rows, int n)
    {
        if (n <= 32 && rows >= 64)
        {
            // Many short rows (mixture components): column by column with vector kernels across rows.
            LogSumExpShortRows(x, y, rows, n);
            return;
        }

        ElementwiseSplit.ForRows(rows, n, o => y[o] = LogSumExpKernel(x.AsSpan(o * n, n)));
    }

    /// <summary>m + log Σₖ e^{xₖ - m} for many rows of n values, vectorised across rows (m the row maximum).</summary>
    private static void LogSumExpShortRows(double[] x, double[] y, int rows, int n)
    {
        var max = y; // the result buffer holds the row maxima first
        var column = TensorPool.Rent(rows);
        var sum = TensorPool.RentZeroed(rows);
        for (int k = 0; k < n; k++)
        {
            for (int r = 0; r < rows; r++)
            {
                column[r] = x[(r * n) + k];
            }

            if (k == 0)
            {
                column.CopyTo(max, 0);
            }
            else
            {
                TensorPrimitives.Max(max, column, max);
            }
        }

        for (int k = 0; k < n; k++)
        {
            for (int r = 0; r < rows; r++)
            {
                column[r] = x[(r * n) + k];
            }

            TensorPrimitives.Subtract(column, max, column);
            TensorPrimitives.Exp(column, column);
            TensorPrimitives.Add(sum, column, sum);
        }

        TensorPrimitives.Log(sum, sum);
        for (int r = 0; r < rows; r++)
        {
            // An infinite or NaN maximum is the answer itself (all -∞ gives -∞, not NaN).
            double m = max[r];
            y[r] = double.IsFinite(m) ? m + sum[r] : m;
        }
    }

    /// <summary>
    /// The maximum over one axis (gradient to the first maximal entry, +0 counting above -0, or to the first NaN), dropping
    /// it unless <paramref name="keepDims"/>.
    /// </summary>
    public static Tensor Max(this Tensor x, int axis, bool keepDims = false)
    {
        ArgumentNullException.ThrowIfNull(x);
        int ax = Shapes.Axis(axis, x.Rank);
        var (outer, n, inner) = Shapes.AroundAxis(x.ShapeArray, ax);
        var y = TensorPool.RentZeroed(outer * inner);
        var arg = new int[outer * inner];
        if (n > 0 && inner == 1)
        {
            // Contiguous rows, on the workers.
            double[] xd = x.Data;
            ElementwiseSplit.ForRows(outer, n, o =>
            {
                var row = xd.AsSpan(o * n, n);
                arg[o] = IndexOfMax(row);
                y[o] = row[arg[o]];
            });
        }
        else if (n > 0)
        {
            MaxDownColumns(x.Data, outer, n, inner, y, arg);
        }
        else
        {
            y.AsSpan().Fill(double.NegativeInfinity);
        }

        int[] keptShape = (int[])x.ShapeArray.Clone();
        keptShape[ax] = 1;
        var result = new Tensor(y, keepDims ? keptShape : RemoveAxis(x.ShapeArray, ax));
        if (!Tensor.Tracks(x))
        {
            return result;
        }

        return Tensor.Record(result, [x], g =>
        {
            var gx = TensorPool.RentZeroed(x.Length);
            for (int o = 0; o < outer; o++)
            {
                for (int i = 0; i < inner; i++)
                {
                    gx[(((o * n) + arg[(o * inner) + i]) * inner) + i] = g.Data[(o * inner) + i];
                }
            }

            return [new Tensor(gx, x.ShapeArray)];
        });
    }

    /// <summary>log Σ exp over a contiguous span, exact at -∞ entries.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static double LogSumExpKernel(ReadOnlySpan<double> values)
    {
        if (values.IsEmpty)
        {
            return double.NegativeInfinity;
        }

        // The largest term contributes exactly 1: m + log1p(Σ_{k≠argmax} e^{x_k - m}), one exponential fewer. The first
        // largest value, or the first NaN.
        int arg = IndexOfMax(values);
        double m = values[arg];

        if (double.IsInfinity(m) || double.IsNaN(m))
        {
            return m;
        }

        double s = 0;
        if (values.Length >= VectorExpFrom)
        {
            // Long rows: the shifted exponentials by the vector kernel into scratch, the largest term's zeroed, one
            // vector sum (a scalar exponential per element cost four times as much: a [1000, 100] LogSumExp with its
            // gradient took as long as PyTorch's).
            var rented = values.Length > 512 ? ArrayPool<double>.Shared.Rent(values.Length) : null;
            Span<double> terms = rented is null ? stackalloc double[values.Length] : rented.AsSpan(0, values.Length);
            TensorPrimitives.Subtract(values, m, terms);
            TensorPrimitives.Exp(terms, terms);
            terms[arg] = 0;
            s = TensorPrimitives.Sum(terms);
            if (rented is not null)
            {
                ArrayPool<double>.Shared.Return(rented);
            }
        }
        else
        {
            for (int k = 0; k < values.Length; k++)
            {
                if (k != arg)
                {
                    s += Math.Exp(values[k] - m);
                }
            }
        }

        return m + ScalarMath.Log1p(s);
    }

    /// <summary>
    /// The index of the first largest value, +0 counting above -0, or of the first NaN: the vector search
    /// (<see cref="TensorPrimitives.IndexOfMax{T}(ReadOnlySpan{T})"/>, which orders them so) from 16 values, a loop below
    /// (where a call per short row cost more than the search).
    /// </summary>
    internal static int IndexOfMax(ReadOnlySpan<double> values)
    {
        if (values.Length >= 16)
        {
            return TensorPrimitives.IndexOfMax(values);
        }

        int arg = 0;
        for (int k = 1; k < values.Length && !double.IsNaN(values[arg]); k++)
        {
            double v = values[k];
            if (v > values[arg] || double.IsNaN(v) || PositiveZeroOverNegative(v, values[arg]))
            {
                arg = k;
            }
        }

        return arg;
    }

    /// <summary>Columns per task of <see cref="MaxDownColumns(double[], int, int, int, double[], int[])"/>: a few cache lines of each row.</summary>
    private const int MaxColumnChunk = 32;

    /// <summary>
    /// The maximum down each column of x as [outer, n, inner] (an axis other than the last), picked as
    /// <see cref="IndexOfMax"/> picks it in a row: the first largest value, +0 above -0, or the first NaN. Rows of
    /// inner values are read in turn, four columns at a time, so x is read once in its own order; chunks of columns
    /// across the workers when large.
    /// </summary>
    private static void MaxDownColumns(double[] x, int outer, int n, int inner, double[] y, int[] arg)
    {
        int chunks = (inner + MaxColumnChunk - 1) / MaxColumnChunk;
        if (x.Length >= ElementwiseSplit.Threshold && outer * chunks > 1)
        {
            TensorParallelism.For(outer * chunks, t => MaxDownColumns(x, t / chunks, n, inner, t % chunks * MaxColumnChunk, y, arg));
            return;
        }

        for (int t = 0; t < outer * chunks; t++)
        {
            MaxDownColumns(x, t / chunks, n, inner, t % chunks * MaxColumnChunk, y, arg);
        }
    }

    /// <summary>
    /// One chunk of <see cref="MaxDownColumns(double[], int, int, int, double[], int[])"/>: columns i0 .. i0 + 31 of slab
    /// o, sixteen then four at a time with the running maxima and their rows in registers. The vector loop takes only
    /// strictly larger values (a compare and two selects) and notes NaNs; a column that saw a NaN or ends at a zero,
    /// where the first NaN or +0 over -0 decides, is walked again by <see cref="MaxDownColumn"/>, the rule itself.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MaxDownColumns(double[] x, int o, int n, int inner, int i0, double[] y, int[] arg)
    {
        int width = Math.Min(MaxColumnChunk, inner - i0);
        int first = o * n * inner, result = (o * inner) + i0;
        ref double xr = ref MemoryMarshal.GetArrayDataReference(x);
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            // Four independent chains of compare and select, so the loop is not bound by one chain's latency.
            for (; i <= width - 16; i += 16)
            {
                int column = first + i0 + i;
                var b0 = Vector256.LoadUnsafe(ref xr, (nuint)column);
                var b1 = Vector256.LoadUnsafe(ref xr, (nuint)column + 4);
                var b2 = Vector256.LoadUnsafe(ref xr, (nuint)column + 8);
                var b3 = Vector256.LoadUnsafe(ref xr, (nuint)column + 12);
                Vector256<long> a0 = default, a1 = default, a2 = default, a3 = default;
                Vector256<double> n0 = IsNaN(b0), n1 = IsNaN(b1), n2 = IsNaN(b2), n3 = IsNaN(b3);
                for (int k = 1; k < n; k++)
                {
                    var index = Vector256.Create((long)k);
                    nuint at = (nuint)(column + (k * inner));
                    (b0, a0, n0) = TakeLarger(Vector256.LoadUnsafe(ref xr, at), b0, a0, n0, index);
                    (b1, a1, n1) = TakeLarger(Vector256.LoadUnsafe(ref xr, at + 4), b1, a1, n1, index);
                    (b2, a2, n2) = TakeLarger(Vector256.LoadUnsafe(ref xr, at + 8), b2, a2, n2, index);
                    (b3, a3, n3) = TakeLarger(Vector256.LoadUnsafe(ref xr, at + 12), b3, a3, n3, index);
                }

                Store(b0, a0, n0, i);
                Store(b1, a1, n1, i + 4);
                Store(b2, a2, n2, i + 8);
                Store(b3, a3, n3, i + 12);
            }

            for (; i <= width - 4; i += 4)
            {
                int column = first + i0 + i;
                var b0 = Vector256.LoadUnsafe(ref xr, (nuint)column);
                Vector256<long> a0 = default;
                var n0 = IsNaN(b0);
                for (int k = 1; k < n; k++)
                {
                    (b0, a0, n0) = TakeLarger(Vector256.LoadUnsafe(ref xr, (nuint)(column + (k * inner))), b0, a0, n0, Vector256.Create((long)k));
                }

                Store(b0, a0, n0, i);
            }
        }

        void Store(Vector256<double> best, Vector256<long> rows, Vector256<double> sawNaN, int at)
        {
            // Lanes the strict comparison may have got wrong: a NaN seen, or a zero maximum (-0 then +0 ties).
            uint recheck = (sawNaN | Vector256.Equals(best, Vector256<double>.Zero)).ExtractMostSignificantBits();
            for (int p = 0; p < 4; p++)
            {
                (y[result + at + p], arg[result + at + p]) = (recheck & (1u << p)) == 0
                    ? (best.GetElement(p), (int)rows.GetElement(p))
                    : MaxDownColumn(x, first + i0 + at + p, n, inner);
            }
        }

        for (; i < width; i++)
        {
            (y[result + i], arg[result + i]) = MaxDownColumn(x, first + i0 + i, n, inner);
        }
    }

    /// <summary>
    /// The maximum of one column (n values <paramref name="inner"/> apart from <paramref name="column"/>) and its row by
    /// <see cref="IndexOfMax"/>'s rule: the first largest value, +0 above -0, or the first NaN.
    /// </summary>
    private static (double Max, int Row) MaxDownColumn(double[] x, int column, int n, int inner)
    {
        int bestK = 0;
        double best = x[column];
        for (int k = 1; k < n && !double.IsNaN(best); k++)
        {
            double v = x[column + (k * inner)];
            if (v > best || double.IsNaN(v) || PositiveZeroOverNegative(v, best))
            {
                (best, bestK) = (v, k);
            }
        }

        return (best, bestK);
    }

    /// <summary>The lanes of v that are NaN, as a mask.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> IsNaN(Vector256<double> v) => ~Vector256.Equals(v, v);

    /// <summary>
    /// v replaces best (and k its row) where v is strictly larger, and NaN lanes are noted; the ties and NaNs that
    /// <see cref="IndexOfMax"/>'s rule decides otherwise are left to the caller's recheck.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<double> Best, Vector256<long> Row, Vector256<double> SawNaN) TakeLarger(
        Vector256<double> v, Vector256<double> best, Vector256<long> row, Vector256<double> sawNaN, Vector256<long> k)
    {
        var takes = Vector256.GreaterThan(v, best);
        return (Vector256.ConditionalSelect(takes, v, best), Vector256.ConditionalSelect(takes.AsInt64(), k, row), sawNaN | IsNaN(v));
    }

    /// <summary>True when v is +0 and best is -0 (the one tie <see cref="IndexOfMax"/> breaks by sign).</summary>
    private static bool PositiveZeroOverNegative(double v, double best) => v == 0 && best == 0 && double.IsNegative(best) && !double.IsNegative(v);

    /// <summary>Rows at least this long take <see cref="LogSumExpKernel"/>'s vector path.</summary>
    private const int VectorExpFrom = 16;

    /// <summary>Reduces a broadcast gradient back to <paramref name="shape"/> by summing the stretched axes.</summary>
    internal static Tensor SumTo(Tensor g, int[] shape)
    {
        if (Shapes.Equal(g.ShapeArray, shape))
        {
            return g;
        }

        if (shape.Length == 0 || Shapes.Size(shape) == 1)
        {
            // The same sum as g.Sum() (blocks across the workers when large), so a broadcast scalar's gradient is its bits.
            return new Tensor([SumKernel.Run(g.Data, 0, g.Length)], shape);
        }

        if (LeadingAxesSummed(g.ShapeArray, shape) is int lead and > 0 && g.Length > 0)
        {
            // Leading axes summed away ([n, d] to [d] or [1, d]: a bias's gradient): one axis sum, in blocks of slices
            // across the workers when long (SumKernel.Axis).
            var summed = TensorPool.Rent(Shapes.Size(shape));
            SumKernel.Axis(g.Data, 1, Shapes.Size(g.ShapeArray.AsSpan(0, lead)), Shapes.Size(g.ShapeArray.AsSpan(lead)), summed);
            return new Tensor(summed, shape);
        }

        // One pass of the strided broadcast iterator, adding each output element into the operand's layout.
        var sum = TensorPool.RentZeroed(Shapes.Size(shape));
        new BroadcastIterator(sum, shape, g.ShapeArray).ScatterAdd(0, g.Data, sum);
        return new Tensor(sum, shape);
    }

    /// <summary>
    /// How many leading axes of <paramref name="gradientShape"/> a broadcast operand of <paramref name="shape"/> lacks
    /// (or has as 1) while matching every later axis: the axes its gradient sums away. 0 when the operand also
    /// broadcasts along a later axis (the general iterator's case).
    /// </summary>
    private static int LeadingAxesSummed(int[] gradientShape, int[] shape)
    {
        int offset = gradientShape.Length - shape.Length;
        int lead = gradientShape.Length;
        while (lead > 0 && lead - 1 - offset >= 0 && shape[lead - 1 - offset] == gradientShape[lead - 1])
        {
            lead--;
        }

        for (int axis = 0; axis < lead; axis++)
        {
            if (axis - offset >= 0 && shape[axis - offset] != 1)
            {
                return 0;
            }
        }

        return lead;
    }

    /// <summary>The values of <paramref name="x"/> broadcast to <paramref name="shape"/> (shared when no copy is needed).</summary>
    internal static double[] Expand(Tensor x, int[] shape) =>
        Shapes.Equal(x.ShapeArray, shape) ? x.Data : Shapes.BroadcastData(x.Data, x.ShapeArray, shape);

    /// <summary>
    /// Hands a small <see cref="Expand"/> copy back to the pool once the kernel that read it is done (it was this
    /// call's alone); the operand's own array, which Expand returns when no copy was needed, is never returned. A
    /// large copy is left to its lease, which brings it back once the collector finds it dead.
    /// </summary>
    private static void ReturnExpanded(double[] expanded, Tensor operand)
    {
        if (!ReferenceEquals(expanded, operand.Data) && expanded.Length < TensorPool.LargeLength)
        {
            TensorPool.Return(expanded);
        }
    }

    internal static int[] RemoveAxis(int[] shape, int axis)
    {
        var result = new int[shape.Length - 1];
        for (int i = 0, j = 0; i < shape.Length; i++)
        {
            if (i != axis)
            {
                result[j++] = shape[i];
            }
        }

        return result;
    }

    /// <summary>Applies an entry of the element-wise op table, recording its derivative rule.</summary>
    internal static Tensor Unary(UnaryOp op, Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        var y = TensorPool.Rent(x.Length);
        if (y.Length >= op.SplitThreshold)
        {
            ElementwiseSplit.Run(y.Length, (s, m) => op.Forward(x.Data.AsSpan(s, m), y.AsSpan(s, m)));
        }
        else
        {
            op.Forward(x.Data, y);
        }

        var result = new Tensor(y, x.ShapeArray);
        if (!Tensor.Tracks(x))
        {
            return result;
        }

        return Tensor.Record(
            result,
            [x],
            g =>
            {
                var gx = GradientPass.Rent(x.Length);
                ElementwiseSplit.RunFrom(op.SplitThreshold, gx.Length, (s, m) => op.Derivative(x.Data.AsSpan(s, m), y.AsSpan(s, m), g.Data.AsSpan(s, m), gx.AsSpan(s, m)));
                return [new Tensor(gx, x.ShapeArray)];
            },
            uniformFactors: null,
            backwardUniform: c =>
            {
                var gx = GradientPass.Rent(x.Length);
                UniformGradient.Run(gx.Length, c, op.SplitThreshold, (s, m, gy) => op.Derivative(x.Data.AsSpan(s, m), y.AsSpan(s, m), gy.AsSpan(0, m), gx.AsSpan(s, m)));
                return [new Tensor(gx, x.ShapeArray)];
            });
    }

    internal static Tensor Binary(BinaryOp op, Tensor a, Tensor b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        int[] shape = BroadcastShape(a.ShapeArray, b.ShapeArray);
        int n = Shapes.Size(shape);
        var y = TensorPool.Rent(n);

        // A single element against a full tensor (x * 2, loc + scale * eps) needs no broadcast copy.
        bool aFull = a.Length == n, bFull = b.Length == n;
        if (aFull && bFull)
        {
            if (ElementwiseSplit.Splits(n))
            {
                ElementwiseSplit.Run(n, (s, m) => op.Forward(a.Data.AsSpan(s, m), b.Data.AsSpan(s, m), y.AsSpan(s, m)));
            }
            else
            {
                op.Forward(a.Data, b.Data, y);
            }
        }
        else if (aFull && b.Length == 1 && op.ForwardScalarRight is not null)
        {
            if (ElementwiseSplit.Splits(n))
            {
                ElementwiseSplit.Run(n, (s, m) => op.ForwardScalarRight(a.Data.AsSpan(s, m), b.Data[0], y.AsSpan(s, m)));
            }
            else
            {
                op.ForwardScalarRight(a.Data, b.Data[0], y);
            }
        }
        else if (bFull && a.Length == 1 && op.ForwardScalarLeft is not null)
        {
            if (ElementwiseSplit.Splits(n))
            {
                ElementwiseSplit.Run(n, (s, m) => op.ForwardScalarLeft(a.Data[0], b.Data.AsSpan(s, m), y.AsSpan(s, m)));
            }
            else
            {
                op.ForwardScalarLeft(a.Data[0], b.Data, y);
            }
        }
        else if (UseRows(shape))
        {
            ForwardByRows(op, a, b, shape, y);
        }
        else
        {
            double[] av = Expand(a, shape), bv = Expand(b, shape);
            op.Forward(av, bv, y);
            ReturnExpanded(av, a);
            ReturnExpanded(bv, b);
        }

        var result = new Tensor(y, shape);
        bool ta = Tensor.Tracks(a), tb = Tensor.Tracks(b);
        if (!ta && !tb)
        {
            return result;
        }

        return Tensor.Record(result, [a, b], g =>
        {
            Tensor? ga = ta ? ShortcutGrad(op, left: true, g, a, b, aFull, bFull) : null;
            Tensor? gb = tb ? ShortcutGrad(op, left: false, g, b, a, bFull, aFull) : null;
            if (((ta && ga is null) || (tb && gb is null)) && !(aFull && bFull) && UseRows(shape))
            {
                // Row by row, reading broadcast operands in place: no full-size copies of a or b. A broadcast
                // operand's gradient is summed into its own shape row by row (through one row of scratch), so
                // no full-size gradient buffer is written and reduced afterwards either.
                var viewA = new BroadcastView(a, shape);
                var viewB = new BroadcastView(b, shape);
                bool needA = ta && ga is null, needB = tb && gb is null;
                double[]? sumA = needA && !aFull && ReferenceEquals(viewA.Data, a.Data) ? TensorPool.RentZeroed(a.Length) : null;
                double[]? sumB = needB && !bFull && ReferenceEquals(viewB.Data, b.Data) ? TensorPool.RentZeroed(b.Length) : null;
                double[]? bufA = needA && sumA is null ? GradientBuffer(shape, a.ShapeArray) : null;
                double[]? bufB = needB && sumB is null ? GradientBuffer(shape, b.ShapeArray) : null;
                double[]? scratch = sumA is not null || sumB is not null ? new double[shape[^1]] : null;

                // A product's gradient to an operand that is one value along the row is Σⱼ gⱼ·otherⱼ: one dot product
                // per row instead of writing the products and summing them (the rule's reduction, fused).
                bool multiply = ReferenceEquals(op, ElementwiseRules.Multiply);
                bool dotA = multiply && sumA is not null && viewA.ColumnStride == 0;
                bool dotB = multiply && sumB is not null && viewB.ColumnStride == 0;
                ByRows(a, b, shape, (ar, br, r, m) =>
                {
                    var yr = y.AsSpan(r * m, m);
                    var gr = g.Data.AsSpan(r * m, m);
                    if (dotA)
                    {
                        sumA![viewA.RowStart(r)] += TensorPrimitives.Dot(gr, br);
                    }
                    else if (bufA is not null)
                    {
                        op.GradLeft(ar, br, yr, gr, bufA.AsSpan(r * m, m));
                    }
                    else if (sumA is not null)
                    {
                        op.GradLeft(ar, br, yr, gr, scratch);
                        AccumulateRow(viewA, r, scratch, sumA);
                    }

                    if (dotB)
                    {
                        sumB![viewB.RowStart(r)] += TensorPrimitives.Dot(gr, ar);
                    }
                    else if (bufB is not null)
                    {
                        op.GradRight(ar, br, yr, gr, bufB.AsSpan(r * m, m));
                    }
                    else if (sumB is not null)
                    {
                        op.GradRight(ar, br, yr, gr, scratch);
                        AccumulateRow(viewB, r, scratch, sumB);
                    }
                }, needRowA: needB || !dotA, needRowB: needA || !dotB);
                ga ??= bufA is not null ? ReduceGradient(bufA, shape, a.ShapeArray) : sumA is not null ? new Tensor(sumA, a.ShapeArray) : null;
                gb ??= bufB is not null ? ReduceGradient(bufB, shape, b.ShapeArray) : sumB is not null ? new Tensor(sumB, b.ShapeArray) : null;
            }

            if ((ta && ga is null) || (tb && gb is null))
            {
                double[] av = aFull ? a.Data : Expand(a, shape), bv = bFull ? b.Data : Expand(b, shape);
                if (ta && ga is null)
                {
                    var buf = GradientBuffer(shape, a.ShapeArray);
                    RunDerivative(op.GradLeft, av, bv, y, g.Data, buf);
                    ga = ReduceGradient(buf, shape, a.ShapeArray);
                }

                if (tb && gb is null)
                {
                    var buf = GradientBuffer(shape, b.ShapeArray);
                    RunDerivative(op.GradRight, av, bv, y, g.Data, buf);
                    gb = ReduceGradient(buf, shape, b.ShapeArray);
                }

                ReturnExpanded(av, a);
                ReturnExpanded(bv, b);
            }

            return [ga, gb];
        },
        aFull && bFull ? UniformFactorsOf(op) : null,
        aFull && bFull ? c => UniformRule(op, a, b, y, c, ta, tb) : null);
    }

    /// <summary>
    /// The factors by which a sum or a difference of same-shaped tensors passes a uniform output gradient on
    /// (see <see cref="GradNode.UniformFactors"/>); null for other operations.
    /// </summary>
    private static double[]? UniformFactorsOf(BinaryOp op) =>
        ReferenceEquals(op, ElementwiseRules.Add) ? AddFactors : ReferenceEquals(op, ElementwiseRules.Subtract) ? SubtractFactors : null;

    private static readonly double[] AddFactors = [1.0, 1.0];
    private static readonly double[] SubtractFactors = [1.0, -1.0];

    /// <summary>
    /// The gradients of a same-shape binary op for an output gradient that is <paramref name="c"/> everywhere: its
    /// derivative kernels over blocks that read c from one short array (see <see cref="UniformGradient"/>).
    /// </summary>
    private static Tensor?[] UniformRule(BinaryOp op, Tensor a, Tensor b, double[] y, double c, bool ta, bool tb)
    {
        var ga = ta ? GradientPass.Rent(y.Length) : null;
        var gb = tb ? GradientPass.Rent(y.Length) : null;
        UniformGradient.Run(y.Length, c, ElementwiseSplit.Threshold, (s, m, gy) =>
        {
            var g = gy.AsSpan(0, m);
            if (ga is not null)
            {
                op.GradLeft(a.Data.AsSpan(s, m), b.Data.AsSpan(s, m), y.AsSpan(s, m), g, ga.AsSpan(s, m));
            }

            if (gb is not null)
            {
                op.GradRight(a.Data.AsSpan(s, m), b.Data.AsSpan(s, m), y.AsSpan(s, m), g, gb.AsSpan(s, m));
            }
        });
        return [ga is null ? null : new Tensor(ga, a.ShapeArray), gb is null ? null : new Tensor(gb, b.ShapeArray)];
    }

    /// <summary>
    /// The broadcast shape of two operands, reusing one operand's shape array when it is the result (equal shapes, or
    /// the other operand all 1s of no greater rank): most operations then allocate no shape. Shapes are never written.
    /// </summary>
    private static int[] BroadcastShape(int[] a, int[] b)
    {
        if (ReferenceEquals(a, b) || Shapes.Equal(a, b) || (b.Length <= a.Length && AllOnes(b)))
        {
            return a;
        }

        return a.Length <= b.Length && AllOnes(a) ? b : Shapes.Broadcast(a, b);

        static bool AllOnes(int[] shape)
        {
            foreach (int d in shape)
            {
                if (d != 1)
                {
                    return false;
                }
            }

            return true;
        }
    }

    /// <summary>A binary derivative rule over output-sized arrays, split into blocks across cores when they are large.</summary>
    private static void RunDerivative(BinaryDerivative rule, double[] a, double[] b, double[] y, double[] gy, double[] g)
    {
        if (!ElementwiseSplit.Splits(g.Length))
        {
            rule(a, b, y, gy, g);
            return;
        }

        ElementwiseSplit.Run(g.Length, (s, m) => rule(a.AsSpan(s, m), b.AsSpan(s, m), y.AsSpan(s, m), gy.AsSpan(s, m), g.AsSpan(s, m)));
    }

    /// <summary>
    /// An output-sized buffer for one operand's gradient in a backward rule: the gradient itself when the operand
    /// has the output's shape (the gradient pass recycles it once consumed), else scratch that
    /// <see cref="ReduceGradient"/> sums into the operand's shape and hands back to the pool.
    /// </summary>
    private static double[] GradientBuffer(int[] shape, int[] operandShape) =>
        Shapes.Equal(shape, operandShape) ? GradientPass.Rent(Shapes.Size(shape)) : TensorPool.Rent(Shapes.Size(shape));

    /// <summary>The gradient in <paramref name="buffer"/> (from <see cref="GradientBuffer"/>) summed to the operand's shape.</summary>
    private static Tensor ReduceGradient(double[] buffer, int[] shape, int[] operandShape)
    {
        var full = new Tensor(buffer, shape);
        if (Shapes.Equal(shape, operandShape))
        {
            return full;
        }

        var reduced = SumTo(full, operandShape);
        TensorPool.Return(buffer);
        return reduced;
    }

    /// <summary>Row-wise broadcasting pays off when rows are long enough to amortise a kernel call.</summary>
    private static bool UseRows(int[] shape) => shape.Length >= 2 && shape[^1] >= 16;

    /// <summary>
    /// Calls <paramref name="body"/> once per row of the output's last dimension with the two operands' rows:
    /// slices of their storage where they vary along the row, a small buffer filled with their value where not
    /// (an empty span for an operand the body does not read).
    /// </summary>
    private static void ByRows(Tensor a, Tensor b, int[] shape, RowBody body, bool needRowA = true, bool needRowB = true)
    {
        int m = shape[^1];
        int rows = Shapes.Size(shape) / m;
        var av = new BroadcastView(a, shape);
        var bv = new BroadcastView(b, shape);
        double[] fillA = needRowA && av.ColumnStride == 0 ? new double[m] : [];
        double[] fillB = needRowB && bv.ColumnStride == 0 ? new double[m] : [];
        for (int r = 0; r < rows; r++)
        {
            body(needRowA ? Row(av, r, m, fillA) : default, needRowB ? Row(bv, r, m, fillB) : default, r, m);
        }
    }

    /// <summary>
    /// The forward kernel row by row; where an operand is one value along the row (a per-row or single value),
    /// its scalar kernel runs on the other row directly instead of on a filled buffer.
    /// </summary>
    private static void ForwardByRows(BinaryOp op, Tensor a, Tensor b, int[] shape, double[] y)
    {
        int m = shape[^1];
        int rows = y.Length / m;
        var av = new BroadcastView(a, shape);
        var bv = new BroadcastView(b, shape);
        if (RowArithmetic.TryForward(op, av, bv, rows, m, y))
        {
            return;
        }

        // One value per row against a row (x / norms, a column to a power): each row's kernel call, in groups of rows
        // across the workers when the output is large (rows are independent, so any split gives the same bits).
        if (av.ColumnStride == 0 && bv.ColumnStride == 1 && op.ForwardScalarLeft is not null)
        {
            ElementwiseSplit.ForRowGroups(rows, m, (first, end) =>
            {
                for (int r = first; r < end; r++)
                {
                    op.ForwardScalarLeft(av.Data[av.RowStart(r)], bv.Data.AsSpan(bv.RowStart(r), m), y.AsSpan(r * m, m));
                }
            });
            return;
        }

        if (bv.ColumnStride == 0 && av.ColumnStride == 1 && op.ForwardScalarRight is not null)
        {
            ElementwiseSplit.ForRowGroups(rows, m, (first, end) =>
            {
                for (int r = first; r < end; r++)
                {
                    op.ForwardScalarRight(av.Data.AsSpan(av.RowStart(r), m), bv.Data[bv.RowStart(r)], y.AsSpan(r * m, m));
                }
            });
            return;
        }

        ByRows(a, b, shape, (ar, br, r, width) => op.Forward(ar, br, y.AsSpan(r * width, width)));
    }

    /// <summary>Adds one output row's gradient into the operand's own (unmaterialised) layout.</summary>
    private static void AccumulateRow(BroadcastView view, int row, ReadOnlySpan<double> rowGradient, double[] target)
    {
        int start = view.RowStart(row);
        if (view.ColumnStride == 0)
        {
            target[start] += TensorPrimitives.Sum(rowGradient);
        }
        else
        {
            var dst = target.AsSpan(start, rowGradient.Length);
            TensorPrimitives.Add(dst, rowGradient, dst);
        }
    }

    private static ReadOnlySpan<double> Row(BroadcastView view, int row, int m, double[] fill)
    {
        int start = view.RowStart(row);
        if (view.ColumnStride == 1)
        {
            return view.Data.AsSpan(start, m);
        }

        fill.AsSpan().Fill(view.Data[start]);
        return fill;
    }

    /// <summary>
    /// Gradients that need no full-size buffer: for + and - the output gradient itself (tensors are immutable,
    /// so it can be shared) reduced to the operand's shape; for × of a single value by a full tensor, one dot
    /// product. Null when the general rule must run.
    /// </summary>
    private static Tensor? ShortcutGrad(BinaryOp op, bool left, Tensor g, Tensor self, Tensor other, bool selfFull, bool otherFull)
    {
        if (ReferenceEquals(op, ElementwiseRules.Add) || (ReferenceEquals(op, ElementwiseRules.Subtract) && left))
        {
            return SumTo(g, self.ShapeArray);
        }

        if (ReferenceEquals(op, ElementwiseRules.Subtract))
        {
            return SumTo(g, self.ShapeArray).Negate();
        }

        if (ReferenceEquals(op, ElementwiseRules.Multiply) && !selfFull && self.Length == 1 && otherFull)
        {
            return new Tensor([TensorPrimitives.Dot<double>(g.Data, other.Data)], self.ShapeArray);
        }

        return null;
    }

    private static Tensor Compare<TComparison>(Tensor a, Tensor b)
        where TComparison : Comparisons.IComparison
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        int[] shape = Shapes.Broadcast(a.ShapeArray, b.ShapeArray);
        var y = TensorPool.Rent(Shapes.Size(shape));
        Comparisons.Run<TComparison>(Operand(a, shape), Operand(b, shape), y);
        return new Tensor(y, shape);
    }
}
