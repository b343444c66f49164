using System.Runtime.CompilerServices;

namespace KlDivergence.Tensors;

/// <summary>
/// Fused, differentiable kernels for the multivariate normal N(μ, L Lᵀ) with a lower-triangular scale L: the
/// log-density and the reparameterised affine map μ + L ε. Each is one forward pass and one backward pass over the
/// batch, reading broadcast operands in place by strides (no broadcast copies, no intermediate tensors), the
/// multivariate analogue of <see cref="TensorOps.NormalLogDensity"/>.
/// </summary>
/// <remarks>
/// Shapes: vectors are [..., d] and scale factors [..., d, d]; the leading (batch) dimensions of all operands
/// broadcast NumPy-style, and gradients are summed over the broadcast dimensions back into each operand's shape.
/// </remarks>
public static class MultivariateNormalOps
{
    /// <summary>Largest dimension whose per-element scratch vectors live on the stack.</summary>
    private const int StackLimit = 64;

    /// <summary>
    /// The log-density log N(x; μ, L Lᵀ) = -½‖z‖² - Σᵢ log Lᵢᵢ - (d/2) log 2π with z = L⁻¹(x - μ) found by forward
    /// substitution; only the lower triangle of L is read. One value per element of the broadcast batch shape.
    /// </summary>
    /// <remarks>
    /// <para>
    /// Formula: the Gaussian density with Σ = L Lᵀ, so (x - μ)ᵀ Σ⁻¹ (x - μ) = ‖L⁻¹(x - μ)‖² and ½ log det Σ = Σᵢ log Lᵢᵢ
    /// (Murphy (2022), Probabilistic Machine Learning: An Introduction, §3.2; Bishop (2006), Pattern Recognition and
    /// Machine Learning, eq. (2.43)).
    /// </para>
    /// <para>
    /// Gradients, with upstream gradient g per batch element and w = L⁻ᵀ z (back substitution): since
    /// d(-½‖z‖²) = -zᵀ dz and dz = L⁻¹(dx - dμ) - L⁻¹ dL z, one gets ∂/∂x = -g w, ∂/∂μ = g w and, on the lower
    /// triangle, ∂/∂L = g (w zᵀ - diag(1/Lᵢᵢ)), from d(L⁻¹) = -L⁻¹ dL L⁻¹ and d log det L = tr(L⁻¹ dL) (the Matrix
    /// Cookbook, Petersen and Pedersen (2012), §2.1–2.2).
    /// The strict upper triangle of L gets a zero gradient.
    /// </para>
    /// </remarks>
    /// <param name="x">The points, shape [..., d].</param>
    /// <param name="loc">The mean μ, shape [..., d].</param>
    /// <param name="scaleTril">The lower-triangular factor L, shape [..., d, d], with a positive diagonal.</param>
    /// <returns>The log-densities, shape the broadcast of the three batch shapes (x[..^1], loc[..^1], scaleTril[..^2]).</returns>
    /// <exception cref="ArgumentException">
    /// The shapes do not match (d ≥ 1 must be the last length of x and loc and both last lengths of scaleTril), the
    /// batch shapes do not broadcast, or a diagonal entry of L is not positive.
    /// </exception>
    public static Tensor LogDensity(Tensor x, Tensor loc, Tensor scaleTril)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(loc);
        ArgumentNullException.ThrowIfNull(scaleTril);
        int d = CheckShapes(x, nameof(x), loc, scaleTril);
        var layout = new BatchLayout(x.ShapeArray[..^1], loc.ShapeArray[..^1], scaleTril.ShapeArray[..^2]);

        // Per factor: the reciprocal diagonal (forward and back substitution multiply by it) and Σᵢ log Lᵢᵢ.
        int factors = scaleTril.Length / (d * d);
        var invDiag = GC.AllocateUninitializedArray<double>(factors * d);
        var halfLogDet = GC.AllocateUninitializedArray<double>(factors);
        for (int b = 0; b < factors; b++)
        {
            double sum = 0;
            for (int i = 0; i < d; i++)
            {
                double diag = scaleTril.Data[(b * d * d) + (i * d) + i];
                if (!(diag > 0))
                {
                    throw new ArgumentException(
                        $"{nameof(MultivariateNormalOps)}.{nameof(LogDensity)}: the scale factor must have a positive diagonal, entry [{i}, {i}] is {diag:G}" +
                        (b > 0 ? $" (matrix {b} of the batch)." : "."),
                        nameof(scaleTril));
                }

                invDiag[(b * d) + i] = 1 / diag;
                sum += Math.Log(diag);
            }

            halfLogDet[b] = sum;
        }

        var y = GC.AllocateUninitializedArray<double>(layout.Count);
        LogDensityForward(layout, d, x.Data, loc.Data, scaleTril.Data, invDiag, halfLogDet, y);
        var result = new Tensor(y, layout.Shape);
        if (!Tensor.Tracks(x) && !Tensor.Tracks(loc) && !Tensor.Tracks(scaleTril))
        {
            return result;
        }

        return Tensor.Record(result, [x, loc, scaleTril], g =>
        {
            bool xFull = x.Length == layout.Count * d;
            double[]? gx = !x.RequiresGrad ? null : xFull ? GC.AllocateUninitializedArray<double>(x.Length) : new double[x.Length];
            double[]? gm = loc.RequiresGrad ? new double[loc.Length] : null;
            double[]? gl = scaleTril.RequiresGrad ? new double[scaleTril.Length] : null;
            LogDensityBackward(layout, d, x.Data, loc.Data, scaleTril.Data, invDiag, g.Data, gx, xFull, gm, gl);
            return [
                gx is null ? null : new Tensor(gx, x.ShapeArray),
                gm is null ? null : new Tensor(gm, loc.ShapeArray),
                gl is null ? null : new Tensor(gl, scaleTril.ShapeArray)];
        });
    }

    /// <summary>
    /// The affine map μ + L ε (the reparameterised multivariate normal sample from standard normal noise ε), with
    /// broadcasting: y[..., i] = μ[..., i] + Σⱼ L[..., i, j] ε[..., j]. Every entry of L is read (pass a
    /// lower-triangular L for a sample of N(μ, L Lᵀ)).
    /// </summary>
    /// <remarks>
    /// The sum runs over j in increasing order from 0 and is added to μ last, so the values equal those of
    /// μ + (ε Lᵀ) computed with <see cref="LinearAlgebraOps.MatMul"/>. Gradients, with upstream gradient g per
    /// output vector: ∂/∂μ = g, ∂/∂L = g εᵀ, ∂/∂ε = Lᵀ g, each summed over broadcast dimensions.
    /// </remarks>
    /// <param name="loc">The shift μ, shape [..., d].</param>
    /// <param name="scaleTril">The matrix L, shape [..., d, d].</param>
    /// <param name="noise">The vectors ε, shape [..., d].</param>
    /// <returns>μ + L ε, shape [...B, d] with B the broadcast of the three batch shapes.</returns>
    /// <exception cref="ArgumentException">The shapes do not match or the batch shapes do not broadcast.</exception>
    public static Tensor Affine(Tensor loc, Tensor scaleTril, Tensor noise)
    {
        ArgumentNullException.ThrowIfNull(loc);
        ArgumentNullException.ThrowIfNull(scaleTril);
        ArgumentNullException.ThrowIfNull(noise);
        int d = CheckShapes(noise, nameof(noise), loc, scaleTril);
        var layout = new BatchLayout(noise.ShapeArray[..^1], loc.ShapeArray[..^1], scaleTril.ShapeArray[..^2]);
        var y = GC.AllocateUninitializedArray<double>(layout.Count * d);
        AffineForward(layout, d, loc.Data, scaleTril.Data, noise.Data, y);
        var result = new Tensor(y, [.. layout.Shape, d]);
        if (!Tensor.Tracks(loc) && !Tensor.Tracks(scaleTril) && !Tensor.Tracks(noise))
        {
            return result;
        }

        return Tensor.Record(result, [loc, scaleTril, noise], g =>
        {
            bool noiseFull = noise.Length == layout.Count * d;
            double[]? gm = loc.RequiresGrad ? new double[loc.Length] : null;
            double[]? gl = scaleTril.RequiresGrad ? new double[scaleTril.Length] : null;
            double[]? ge = !noise.RequiresGrad ? null : noiseFull ? GC.AllocateUninitializedArray<double>(noise.Length) : new double[noise.Length];
            AffineBackward(layout, d, scaleTril.Data, noise.Data, g.Data, gm, gl, ge, noiseFull);
            return [
                gm is null ? null : new Tensor(gm, loc.ShapeArray),
                gl is null ? null : new Tensor(gl, scaleTril.ShapeArray),
                ge is null ? null : new Tensor(ge, noise.ShapeArray)];
        });
    }

    private static int CheckShapes(Tensor vector, string vectorName, Tensor loc, Tensor scaleTril)
    {
        if (loc.Rank < 1 || loc.ShapeArray[^1] < 1)
        {
            throw new ArgumentException($"{nameof(MultivariateNormalOps)}: loc must have shape [..., d] with d ≥ 1, got {Shapes.Format(loc.ShapeArray)}.", nameof(loc));
        }

        int d = loc.ShapeArray[^1];
        if (vector.Rank < 1 || vector.ShapeArray[^1] != d)
        {
            throw new ArgumentException($"{nameof(MultivariateNormalOps)}: {vectorName} of shape {Shapes.Format(vector.ShapeArray)} does not end in the dimension {d} of loc.", vectorName);
        }

        if (scaleTril.Rank < 2 || scaleTril.ShapeArray[^1] != d || scaleTril.ShapeArray[^2] != d)
        {
            throw new ArgumentException($"{nameof(MultivariateNormalOps)}: scaleTril must have shape [..., {d}, {d}], got {Shapes.Format(scaleTril.ShapeArray)}.", nameof(scaleTril));
        }

        return d;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void LogDensityForward(BatchLayout layout, int d, double[] x, double[] m, double[] l, double[] invDiag, double[] halfLogDet, double[] y)
    {
        Span<double> z = d <= StackLimit ? stackalloc double[d] : new double[d];
        double constant = d * ScalarMath.LogSqrtTwoPi;
        var c = layout.Start();
        for (int n = 0; n < y.Length; n++)
        {
            y[n] = (-0.5 * ForwardSubstitute(d, x, c.A * d, m, c.B * d, l, c.C * d * d, invDiag, c.C * d, z)) - halfLogDet[c.C] - constant;
            layout.Advance(ref c);
        }
    }

    /// <summary>z = L⁻¹(x - μ) into <paramref name="z"/> (rows top-down), returning ‖z‖².</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double ForwardSubstitute(int d, double[] x, int xo, double[] m, int mo, double[] l, int lo, double[] invDiag, int io, Span<double> z)
    {
        double q = 0;
        for (int i = 0; i < d; i++)
        {
            double s = x[xo + i] - m[mo + i];
            int row = lo + (i * d);
            for (int j = 0; j < i; j++)
            {
                s -= l[row + j] * z[j];
            }

            double zi = s * invDiag[io + i];
            z[i] = zi;
            q += zi * zi;
        }

        return q;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void LogDensityBackward(
        BatchLayout layout, int d, double[] x, double[] m, double[] l, double[] invDiag, double[] g, double[]? gx, bool xFull, double[]? gm, double[]? gl)
    {
        Span<double> z = d <= StackLimit ? stackalloc double[d] : new double[d];
        Span<double> w = d <= StackLimit ? stackalloc double[d] : new double[d];
        var c = layout.Start();
        for (int n = 0; n < g.Length; n++)
        {
            int xo = c.A * d, mo = c.B * d, lo = c.C * d * d, io = c.C * d;
            double gn = g[n];
            ForwardSubstitute(d, x, xo, m, mo, l, lo, invDiag, io, z);

            // w = L⁻ᵀ z by back substitution (rows bottom-up, reading L by columns).
            for (int i = d - 1; i >= 0; i--)
            {
                double s = z[i];
                for (int j = i + 1; j < d; j++)
                {
                    s -= l[lo + (j * d) + i] * w[j];
                }

                w[i] = s * invDiag[io + i];
            }

            if (gx is not null)
            {
                if (xFull)
                {
                    for (int i = 0; i < d; i++)
                    {
                        gx[xo + i] = -gn * w[i];
                    }
                }
                else
                {
                    for (int i = 0; i < d; i++)
                    {
                        gx[xo + i] -= gn * w[i];
                    }
                }
            }

            if (gm is not null)
            {
                for (int i = 0; i < d; i++)
                {
                    gm[mo + i] += gn * w[i];
                }
            }

            if (gl is not null)
            {
                for (int i = 0; i < d; i++)
                {
                    double gw = gn * w[i];
                    int row = lo + (i * d);
                    for (int j = 0; j <= i; j++)
                    {
                        gl[row + j] += gw * z[j];
                    }

                    gl[row + i] -= gn * invDiag[io + i];
                }
            }

            layout.Advance(ref c);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AffineForward(BatchLayout layout, int d, double[] m, double[] l, double[] e, double[] y)
    {
        var c = layout.Start();
        for (int n = 0; n < layout.Count; n++)
        {
            int eo = c.A * d, mo = c.B * d, lo = c.C * d * d, yo = n * d;
            for (int i = 0; i < d; i++)
            {
                double s = 0;
                int row = lo + (i * d);
                for (int j = 0; j < d; j++)
                {
                    s += l[row + j] * e[eo + j];
                }

                y[yo + i] = m[mo + i] + s;
            }

            layout.Advance(ref c);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AffineBackward(BatchLayout layout, int d, double[] l, double[] e, double[] g, double[]? gm, double[]? gl, double[]? ge, bool noiseFull)
    {
        var c = layout.Start();
        for (int n = 0; n < layout.Count; n++)
        {
            int eo = c.A * d, mo = c.B * d, lo = c.C * d * d, go = n * d;
            if (gm is not null)
            {
                for (int i = 0; i < d; i++)
                {
                    gm[mo + i] += g[go + i];
                }
            }

            if (gl is not null)
            {
                for (int i = 0; i < d; i++)
                {
                    double gi = g[go + i];
                    int row = lo + (i * d);
                    for (int j = 0; j < d; j++)
                    {
                        gl[row + j] += gi * e[eo + j];
                    }
                }
            }

            if (ge is not null)
            {
                for (int j = 0; j < d; j++)
                {
                    double s = 0;
                    for (int i = 0; i < d; i++)
                    {
                        s += l[lo + (i * d) + j] * g[go + i];
                    }

                    ge[eo + j] = noiseFull ? s : ge[eo + j] + s;
                }
            }

            layout.Advance(ref c);
        }
    }

    /// <summary>The position of one output batch element in the three operands' batches (in units of whole vectors or matrices).</summary>
    private struct Cursor
    {
        public int A;
        public int B;
        public int C;
        public int[] Counter;
    }

    /// <summary>
    /// The broadcast batch shape of three operands and each one's strides over it (0 along a broadcast dimension),
    /// walked in row-major order by an odometer: no division per element and no broadcast copy.
    /// </summary>
    private sealed class BatchLayout
    {
        private readonly int[] strideA;
        private readonly int[] strideB;
        private readonly int[] strideC;

        public BatchLayout(int[] a, int[] b, int[] c)
        {
            Shape = Shapes.Broadcast(Shapes.Broadcast(a, b), c);
            Count = Shapes.Size(Shape);
            strideA = Strides(a, Shape);
            strideB = Strides(b, Shape);
            strideC = Strides(c, Shape);
        }

        /// <summary>The broadcast batch shape.</summary>
        public int[] Shape { get; }

        /// <summary>The number of batch elements.</summary>
        public int Count { get; }

        public Cursor Start() => new() { Counter = new int[Shape.Length] };

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Advance(ref Cursor c)
        {
            var counter = c.Counter;
            for (int k = counter.Length - 1; k >= 0; k--)
            {
                c.A += strideA[k];
                c.B += strideB[k];
                c.C += strideC[k];
                if (++counter[k] < Shape[k])
                {
                    return;
                }

                counter[k] = 0;
                c.A -= strideA[k] * Shape[k];
                c.B -= strideB[k] * Shape[k];
                c.C -= strideC[k] * Shape[k];
            }
        }

        /// <summary>Strides of an operand's batch (right-aligned against the output's), 0 where it is broadcast.</summary>
        private static int[] Strides(int[] shape, int[] output)
        {
            var contiguous = Shapes.Strides(shape);
            var strides = new int[output.Length];
            int offset = output.Length - shape.Length;
            for (int k = offset; k < output.Length; k++)
            {
                strides[k] = shape[k - offset] == 1 ? 0 : contiguous[k - offset];
            }

            return strides;
        }
    }
}
