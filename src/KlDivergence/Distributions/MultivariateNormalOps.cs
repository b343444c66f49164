using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using KlDivergence.Tensors;

namespace KlDivergence.Distributions;

/// <summary>
/// Fused, differentiable kernels for the multivariate normal N(μ, L Lᵀ) with a lower-triangular scale L: the
/// log-density and the reparameterised affine map μ + L ε. Each is one forward pass and one backward pass over the
/// batch, reading broadcast operands in place by strides (no broadcast copies, no intermediate tensors), the
/// multivariate analogue of the univariate normal log-density.
/// </summary>
/// <remarks>
/// Shapes: vectors are [..., d] and scale factors [..., d, d]; the leading (batch) dimensions of all operands
/// broadcast NumPy-style, and gradients are summed over the broadcast dimensions back into each operand's shape.
/// </remarks>
internal static class MultivariateNormalOps
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

        var (invDiag, halfLogDet) = Diagonals(scaleTril, d, nameof(LogDensity));
        var y = TensorPool.Rent(layout.Count);
        LogDensityForward(layout, d, x.Data, loc.Data, scaleTril.Data, invDiag, halfLogDet, y);
        var result = new Tensor(y, layout.Shape);
        if (!Tensor.Tracks(x) && !Tensor.Tracks(loc) && !Tensor.Tracks(scaleTril))
        {
            return result;
        }

        return Tensor.Record(result, [x, loc, scaleTril], g =>
        {
            var (gx, gm, gl) = LogDensityGradients(layout, d, x, loc, scaleTril, invDiag, g.Data);
            return [gx, gm, gl];
        });
    }

    /// <summary>
    /// The mixture log-density log Σₖ wₖ N(x; μₖ, Lₖ Lₖᵀ) of K components (loc [K, d], scaleTril [K, d, d], logWeights
    /// [K] normalised) at points x [..., d], as one recorded op: the general path's two steps, fused. The component
    /// terms come from the same kernel as <see cref="LogDensity"/> (x against every component, as x[..., 1, d] would
    /// broadcast), combined by <see cref="MixtureMath.WeightedLogSumExpForward"/>; the backward pass feeds the
    /// per-component gradients g rₖ (rₖ the responsibilities) to the same backward kernel. So the values and the
    /// gradients are bit-equal to LogDensity followed by <see cref="MixtureMath.WeightedLogSumExp"/>.
    /// </summary>
    /// <remarks>
    /// Why: the general form records three nodes (the unsqueeze, the [..., K] log-densities and the log-sum-exp), with
    /// an [..., K] tensor and its gradient in between; here one node keeps only the responsibilities.
    /// ∂/∂x = Σₖ g rₖ ∂log pₖ/∂x, ∂/∂θₖ = Σ g rₖ ∂log pₖ/∂θₖ, ∂/∂log wₖ = Σ g rₖ.
    /// </remarks>
    /// <param name="x">The points, shape [..., d].</param>
    /// <param name="logWeights">log wₖ, shape [K].</param>
    /// <param name="loc">The component means, shape [K, d].</param>
    /// <param name="scaleTril">The components' lower-triangular factors, shape [K, d, d], with positive diagonals.</param>
    /// <returns>The log-densities, shape x[..^1].</returns>
    /// <exception cref="ArgumentException">The shapes do not match, or a diagonal entry of a factor is not positive.</exception>
    public static Tensor MixtureLogDensity(Tensor x, Tensor logWeights, Tensor loc, Tensor scaleTril)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(logWeights);
        ArgumentNullException.ThrowIfNull(loc);
        ArgumentNullException.ThrowIfNull(scaleTril);
        int d = CheckShapes(x, nameof(x), loc, scaleTril);
        int k = loc.Rank == 2 ? loc.ShapeArray[0] : -1;
        if (k < 1 || scaleTril.Rank != 3 || scaleTril.ShapeArray[0] != k || logWeights.Rank != 1 || logWeights.Length != k)
        {
            throw new ArgumentException(
                $"{nameof(MultivariateNormalOps)}.{nameof(MixtureLogDensity)}: needs loc [K, d], scaleTril [K, d, d] and logWeights [K], got {Shapes.Format(loc.ShapeArray)}, {Shapes.Format(scaleTril.ShapeArray)} and {Shapes.Format(logWeights.ShapeArray)}.",
                nameof(loc));
        }

        // The layout of x[..., 1, d] against the K components: rows run down the points, one row per component.
        int[] points = x.ShapeArray[..^1];
        var layout = new BatchLayout([.. points, 1], [k], [k]);
        var (invDiag, halfLogDet) = Diagonals(scaleTril, d, nameof(MixtureLogDensity));
        int n = layout.Count / k;
        var terms = TensorPool.Rent(layout.Count);
        var responsibilities = TensorPool.Rent(layout.Count);
        var y = TensorPool.Rent(n);
        LogDensityForward(layout, d, x.Data, loc.Data, scaleTril.Data, invDiag, halfLogDet, terms);
        MixtureMath.WeightedLogSumExpForward(terms, logWeights.Data, k, responsibilities, y);
        TensorPool.Return(terms);
        var result = new Tensor(y, points);
        if (!Tensor.Tracks(x) && !Tensor.Tracks(logWeights) && !Tensor.Tracks(loc) && !Tensor.Tracks(scaleTril))
        {
            TensorPool.Return(responsibilities); // only a backward pass would read them
            return result;
        }

        return Tensor.Record(result, [x, logWeights, loc, scaleTril], g =>
        {
            // Per component and point, the upstream gradient of its log-density: g rₖ (as the log-sum-exp passes it on).
            var gc = TensorPool.Rent(layout.Count);
            double[]? gw = logWeights.RequiresGrad ? TensorPool.RentZeroed(k) : null;
            MixtureMath.WeightedLogSumExpBackward(g.Data, responsibilities, k, gc, gw);
            var (gx, gm, gl) = LogDensityGradients(layout, d, x, loc, scaleTril, invDiag, gc);
            TensorPool.Return(gc);
            return [gx, gw is null ? null : new Tensor(gw, logWeights.ShapeArray), gm, gl];
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
        var y = TensorPool.Rent(layout.Count * d);
        AffineForward(layout, d, loc.Data, scaleTril.Data, noise.Data, y);
        var result = new Tensor(y, [.. layout.Shape, d]);
        if (!Tensor.Tracks(loc) && !Tensor.Tracks(scaleTril) && !Tensor.Tracks(noise))
        {
            return result;
        }

        return Tensor.Record(result, [loc, scaleTril, noise], g =>
        {
            bool noiseFull = noise.Length == layout.Count * d;
            double[]? gm = loc.RequiresGrad ? TensorPool.RentZeroed(loc.Length) : null;
            double[]? gl = scaleTril.RequiresGrad ? TensorPool.RentZeroed(scaleTril.Length) : null;
            double[]? ge = !noise.RequiresGrad ? null : noiseFull ? TensorPool.Rent(noise.Length) : TensorPool.RentZeroed(noise.Length);
            AffineBackward(layout, d, scaleTril.Data, noise.Data, g.Data, gm, gl, ge, noiseFull);
            return [
                gm is null ? null : new Tensor(gm, loc.ShapeArray),
                gl is null ? null : new Tensor(gl, scaleTril.ShapeArray),
                ge is null ? null : new Tensor(ge, noise.ShapeArray)];
        });
    }

    /// <summary>
    /// The backward pass of the log-density for upstream gradients <paramref name="g"/> (one per batch element of
    /// <paramref name="layout"/>): the gradients of x, loc and L, each null where its input needs none.
    /// </summary>
    private static (Tensor? Gx, Tensor? Gm, Tensor? Gl) LogDensityGradients(
        BatchLayout layout, int d, Tensor x, Tensor loc, Tensor scaleTril, double[] invDiag, double[] g)
    {
        // Where x is not broadcast, each of its entries is written once (no zeroing); else gradients add up.
        bool xFull = x.Length == layout.Count * d;
        double[]? gx = !x.RequiresGrad ? null : xFull ? TensorPool.Rent(x.Length) : TensorPool.RentZeroed(x.Length);
        double[]? gm = loc.RequiresGrad ? TensorPool.RentZeroed(loc.Length) : null;
        double[]? gl = scaleTril.RequiresGrad ? TensorPool.RentZeroed(scaleTril.Length) : null;
        LogDensityBackward(layout, d, x.Data, loc.Data, scaleTril.Data, invDiag, g, gx, xFull, gm, gl);
        return (
            gx is null ? null : new Tensor(gx, x.ShapeArray),
            gm is null ? null : new Tensor(gm, loc.ShapeArray),
            gl is null ? null : new Tensor(gl, scaleTril.ShapeArray));
    }

    /// <summary>Per factor: the reciprocal diagonal (forward and back substitution multiply by it) and Σᵢ log Lᵢᵢ.</summary>
    private static (double[] InvDiag, double[] HalfLogDet) Diagonals(Tensor scaleTril, int d, string caller)
    {
        int factors = scaleTril.Length / (d * d);
        var invDiag = TensorPool.Rent(factors * d);
        var halfLogDet = TensorPool.Rent(factors);
        for (int b = 0; b < factors; b++)
        {
            double sum = 0;
            for (int i = 0; i < d; i++)
            {
                double diag = scaleTril.Data[(b * d * d) + (i * d) + i];
                if (!(diag > 0))
                {
                    throw new ArgumentException(
                        $"{nameof(MultivariateNormalOps)}.{caller}: the scale factor must have a positive diagonal, entry [{i}, {i}] is {diag:G}" +
                        (b > 0 ? $" (matrix {b} of the batch)." : "."),
                        nameof(scaleTril));
                }

                invDiag[(b * d) + i] = 1 / diag;
                sum += Math.Log(diag);
            }

            halfLogDet[b] = sum;
        }

        return (invDiag, halfLogDet);
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

    // The kernels walk the output batch in rows along its longest dimension (along which every operand moves by a
    // constant stride, 0 where it is broadcast); d = 2 has unrolled loops that keep a shared loc and L in registers.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void LogDensityForward(BatchLayout layout, int d, double[] x, double[] m, double[] l, double[] invDiag, double[] halfLogDet, double[] y)
    {
        if (d == 2)
        {
            LogDensityForward2(layout, x, m, l, invDiag, halfLogDet, y);
            return;
        }

        Span<double> z = d <= StackLimit ? stackalloc double[d] : new double[d];
        Span<Vector256<double>> z4 = d <= StackLimit ? stackalloc Vector256<double>[d] : new Vector256<double>[d];
        double constant = d * ScalarMath.LogSqrtTwoPi;
        int inner = layout.Inner, sa = layout.InnerA, sb = layout.InnerB, sc = layout.InnerC, sy = layout.InnerY;
        var row = layout.Start();
        for (int r = 0; r < layout.RowCount; r++)
        {
            int j = 0, a = row.A, b = row.B, c = row.C, n = row.Y;
            if (Vector256.IsHardwareAccelerated && sb == 0 && sc == 0)
            {
                // One loc and one L along the row: four points per step, each lane by the scalar loop's operations in
                // its order (the same bits), so the triangular solve runs on vectors.
                for (; j <= inner - 4; j += 4, a += 4 * sa, n += 4 * sy)
                {
                    var q = ForwardSubstitute4(d, x, a * d, sa * d, m, b * d, l, c * d * d, invDiag, c * d, z4);
                    for (int p = 0; p < 4; p++)
                    {
                        y[n + (p * sy)] = (-0.5 * q.GetElement(p)) - halfLogDet[c] - constant;
                    }
                }
            }

            for (; j < inner; j++, a += sa, b += sb, c += sc, n += sy)
            {
                y[n] = (-0.5 * ForwardSubstitute(d, x, a * d, m, b * d, l, c * d * d, invDiag, c * d, z)) - halfLogDet[c] - constant;
            }

            layout.NextRow(ref row);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void LogDensityForward2(BatchLayout layout, double[] x, double[] m, double[] l, double[] invDiag, double[] halfLogDet, double[] y)
    {
        const double Constant = 2 * ScalarMath.LogSqrtTwoPi;
        int inner = layout.Inner, sa = layout.InnerA, sb = layout.InnerB, sc = layout.InnerC, sy = layout.InnerY;
        var row = layout.Start();
        for (int r = 0; r < layout.RowCount; r++)
        {
            int a = row.A, b = row.B, c = row.C, n = row.Y;
            if (sb == 0 && sc == 0)
            {
                double m0 = m[2 * b], m1 = m[(2 * b) + 1], i0 = invDiag[2 * c], i1 = invDiag[(2 * c) + 1], l10 = l[(4 * c) + 2], h = halfLogDet[c];
                int j = 0;
                if (Avx2.IsSupported && sa == 1)
                {
                    // Four consecutive points per step, each lane by the scalar loop's operations in its order: the same bits.
                    var (vm0, vm1, vi0, vi1, vl10) = (Vector256.Create(m0), Vector256.Create(m1), Vector256.Create(i0), Vector256.Create(i1), Vector256.Create(l10));
                    var (vh, vc, half) = (Vector256.Create(h), Vector256.Create(Constant), Vector256.Create(-0.5));
                    for (; j <= inner - 4; j += 4, a += 4, n += 4 * sy)
                    {
                        var (x0, x1) = LoadPairs(x, 2 * a);
                        var z0 = (x0 - vm0) * vi0;
                        var z1 = (x1 - vm1 - (vl10 * z0)) * vi1;
                        Store((half * ((z0 * z0) + (z1 * z1))) - vh - vc, y, n, sy);
                    }
                }

                for (; j < inner; j++, a += sa, n += sy)
                {
                    double z0 = (x[2 * a] - m0) * i0;
                    double z1 = (x[(2 * a) + 1] - m1 - (l10 * z0)) * i1;
                    y[n] = (-0.5 * ((z0 * z0) + (z1 * z1))) - h - Constant;
                }
            }
            else
            {
                for (int j = 0; j < inner; j++, a += sa, b += sb, c += sc, n += sy)
                {
                    double z0 = (x[2 * a] - m[2 * b]) * invDiag[2 * c];
                    double z1 = (x[(2 * a) + 1] - m[(2 * b) + 1] - (l[(4 * c) + 2] * z0)) * invDiag[(2 * c) + 1];
                    y[n] = (-0.5 * ((z0 * z0) + (z1 * z1))) - halfLogDet[c] - Constant;
                }
            }

            layout.NextRow(ref row);
        }
    }

    /// <summary>
    /// <see cref="ForwardSubstitute"/> for four points at once, x[xo + p·xStride ..] for p = 0..3, against one μ and L:
    /// lane p of z and of the result is what the scalar method gives for point p (the same operations in the same order).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> ForwardSubstitute4(
        int d, double[] x, int xo, int xStride, double[] m, int mo, double[] l, int lo, double[] invDiag, int io, Span<Vector256<double>> z)
    {
        var q = Vector256<double>.Zero;
        for (int i = 0; i < d; i++)
        {
            var s = Vector256.Create(x[xo + i], x[xo + xStride + i], x[xo + (2 * xStride) + i], x[xo + (3 * xStride) + i]) - Vector256.Create(m[mo + i]);
            int row = lo + (i * d);
            for (int j = 0; j < i; j++)
            {
                s -= Vector256.Create(l[row + j]) * z[j];
            }

            var zi = s * Vector256.Create(invDiag[io + i]);
            z[i] = zi;
            q += zi * zi;
        }

        return q;
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
        if (d == 2)
        {
            LogDensityBackward2(layout, x, m, l, invDiag, g, gx, xFull, gm, gl);
            return;
        }

        Span<double> z = d <= StackLimit ? stackalloc double[d] : new double[d];
        Span<double> w = d <= StackLimit ? stackalloc double[d] : new double[d];
        var four = Vector256.IsHardwareAccelerated ? new FourPoints(d) : null;
        int inner = layout.Inner, sa = layout.InnerA, sb = layout.InnerB, sc = layout.InnerC, sy = layout.InnerY;
        var row = layout.Start();
        for (int r = 0; r < layout.RowCount; r++)
        {
            int j = 0;
            if (four is not null && sb == 0 && sc == 0)
            {
                for (; j <= inner - 4; j += 4)
                {
                    four.Backward(d, x, row.A + (j * sa), sa, m, row.B, l, row.C, invDiag, g, row.Y + (j * sy), sy, gx, xFull, gm, gl);
                }
            }

            for (int a = row.A + (j * sa), b = row.B + (j * sb), c = row.C + (j * sc), n = row.Y + (j * sy); j < inner; j++, a += sa, b += sb, c += sc, n += sy)
            {
                int xo = a * d, mo = b * d, lo = c * d * d, io = c * d;
                double gn = g[n];
                ForwardSubstitute(d, x, xo, m, mo, l, lo, invDiag, io, z);

                // w = L⁻ᵀ z by back substitution (rows bottom-up, reading L by columns).
                for (int i = d - 1; i >= 0; i--)
                {
                    double s = z[i];
                    for (int k = i + 1; k < d; k++)
                    {
                        s -= l[lo + (k * d) + i] * w[k];
                    }

                    w[i] = s * invDiag[io + i];
                }

                for (int i = 0; gx is not null && i < d; i++)
                {
                    gx[xo + i] = xFull ? -gn * w[i] : gx[xo + i] - (gn * w[i]);
                }

                for (int i = 0; gm is not null && i < d; i++)
                {
                    gm[mo + i] += gn * w[i];
                }

                for (int i = 0; gl is not null && i < d; i++)
                {
                    double gw = gn * w[i];
                    int lrow = lo + (i * d);
                    for (int k = 0; k <= i; k++)
                    {
                        gl[lrow + k] += gw * z[k];
                    }

                    gl[lrow + i] -= gn * invDiag[io + i];
                }
            }

            layout.NextRow(ref row);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void LogDensityBackward2(
        BatchLayout layout, double[] x, double[] m, double[] l, double[] invDiag, double[] g, double[]? gx, bool xFull, double[]? gm, double[]? gl)
    {
        int inner = layout.Inner, sa = layout.InnerA, sb = layout.InnerB, sc = layout.InnerC, sy = layout.InnerY;
        var row = layout.Start();
        for (int r = 0; r < layout.RowCount; r++)
        {
            int a = row.A, b = row.B, c = row.C, n = row.Y;
            if (sb == 0 && sc == 0)
            {
                // loc and L stay put along the row: read them once, add their gradients up in registers.
                double m0 = m[2 * b], m1 = m[(2 * b) + 1], i0 = invDiag[2 * c], i1 = invDiag[(2 * c) + 1], l10 = l[(4 * c) + 2];
                double am0 = 0, am1 = 0, al0 = 0, al2 = 0, al3 = 0, sg = 0;
                int j = 0;
                if (Avx2.IsSupported && sa == 1)
                {
                    // Four consecutive points per step: the per-point gradients by the scalar loop's operations (the
                    // same bits), the sums over the row in four lanes, folded in a fixed order below.
                    var (vm0, vm1, vi0, vi1, vl10) = (Vector256.Create(m0), Vector256.Create(m1), Vector256.Create(i0), Vector256.Create(i1), Vector256.Create(l10));
                    var (sm0, sm1, sl0, sl2, sl3, ss) = (Vector256<double>.Zero, Vector256<double>.Zero, Vector256<double>.Zero, Vector256<double>.Zero, Vector256<double>.Zero, Vector256<double>.Zero);
                    for (; j <= inner - 4; j += 4, a += 4, n += 4 * sy)
                    {
                        int xo = 2 * a;
                        var (x0, x1) = LoadPairs(x, xo);
                        var z0 = (x0 - vm0) * vi0;
                        var z1 = (x1 - vm1 - (vl10 * z0)) * vi1;
                        var gn = Load(g, n, sy);
                        var g1 = gn * (z1 * vi1);
                        var g0 = gn * ((z0 - (vl10 * z1 * vi1)) * vi0);
                        if (gx is not null)
                        {
                            var (p0, p1) = Interleave(g0, g1);
                            _ = gx[xo + 7];
                            ref double target = ref gx[xo];
                            if (xFull)
                            {
                                (-p0).StoreUnsafe(ref target);
                                (-p1).StoreUnsafe(ref target, 4);
                            }
                            else
                            {
                                (Vector256.LoadUnsafe(ref target) - p0).StoreUnsafe(ref target);
                                (Vector256.LoadUnsafe(ref target, 4) - p1).StoreUnsafe(ref target, 4);
                            }
                        }

                        sm0 += g0;
                        sm1 += g1;
                        sl0 += g0 * z0;
                        sl2 += g1 * z0;
                        sl3 += g1 * z1;
                        ss += gn;
                    }

                    (am0, am1, al0, al2, al3, sg) = (Fold(sm0), Fold(sm1), Fold(sl0), Fold(sl2), Fold(sl3), Fold(ss));
                }

                for (; j < inner; j++, a += sa, n += sy)
                {
                    int xo = 2 * a;
                    double z0 = (x[xo] - m0) * i0;
                    double z1 = (x[xo + 1] - m1 - (l10 * z0)) * i1;
                    double gn = g[n];
                    double g1 = gn * (z1 * i1);
                    double g0 = gn * ((z0 - (l10 * z1 * i1)) * i0);
                    if (gx is not null)
                    {
                        gx[xo] = xFull ? -g0 : gx[xo] - g0;
                        gx[xo + 1] = xFull ? -g1 : gx[xo + 1] - g1;
                    }

                    am0 += g0;
                    am1 += g1;
                    al0 += g0 * z0;
                    al2 += g1 * z0;
                    al3 += g1 * z1;
                    sg += gn;
                }

                if (gm is not null)
                {
                    gm[2 * b] += am0;
                    gm[(2 * b) + 1] += am1;
                }

                if (gl is not null)
                {
                    gl[4 * c] += al0 - (sg * i0);
                    gl[(4 * c) + 2] += al2;
                    gl[(4 * c) + 3] += al3 - (sg * i1);
                }
            }
            else
            {
                for (int j = 0; j < inner; j++, a += sa, b += sb, c += sc, n += sy)
                {
                    int xo = 2 * a, mo = 2 * b, lo = 4 * c, io = 2 * c;
                    double i0 = invDiag[io], i1 = invDiag[io + 1], l10 = l[lo + 2];
                    double z0 = (x[xo] - m[mo]) * i0;
                    double z1 = (x[xo + 1] - m[mo + 1] - (l10 * z0)) * i1;
                    double gn = g[n];
                    double g1 = gn * (z1 * i1);
                    double g0 = gn * ((z0 - (l10 * z1 * i1)) * i0);
                    if (gx is not null)
                    {
                        gx[xo] = xFull ? -g0 : gx[xo] - g0;
                        gx[xo + 1] = xFull ? -g1 : gx[xo + 1] - g1;
                    }

                    if (gm is not null)
                    {
                        gm[mo] += g0;
                        gm[mo + 1] += g1;
                    }

                    if (gl is not null)
                    {
                        gl[lo] += (g0 * z0) - (gn * i0);
                        gl[lo + 2] += g1 * z0;
                        gl[lo + 3] += (g1 * z1) - (gn * i1);
                    }
                }
            }

            layout.NextRow(ref row);
        }
    }

    /// <summary>
    /// Points a..a+3 of a [.., 2] array from index <paramref name="at"/> = 2a: the first and the second coordinates
    /// as lanes in point order (two loads, then unpack and reorder).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<double> First, Vector256<double> Second) LoadPairs(double[] x, int at)
    {
        _ = x[at + 7]; // the eight values exist (bounds-checked once)
        ref double start = ref x[at];
        var v0 = Vector256.LoadUnsafe(ref start);
        var v1 = Vector256.LoadUnsafe(ref start, 4);
        return (Avx2.Permute4x64(Avx.UnpackLow(v0, v1), 0b11_01_10_00), Avx2.Permute4x64(Avx.UnpackHigh(v0, v1), 0b11_01_10_00));
    }

    /// <summary>The inverse of <see cref="LoadPairs"/>: lanes of first and second coordinates as four [x0, x1] pairs.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<double> Low, Vector256<double> High) Interleave(Vector256<double> first, Vector256<double> second)
    {
        var lo = Avx.UnpackLow(first, second);
        var hi = Avx.UnpackHigh(first, second);
        return (Avx.Permute2x128(lo, hi, 0x20), Avx.Permute2x128(lo, hi, 0x31));
    }

    /// <summary>Four values from index <paramref name="at"/> by <paramref name="stride"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> Load(double[] values, int at, int stride) =>
        stride == 1 ? Vector256.Create(values.AsSpan(at, 4)) : Vector256.Create(values[at], values[at + stride], values[at + (2 * stride)], values[at + (3 * stride)]);

    /// <summary>Writes the lanes to index <paramref name="at"/> on by <paramref name="stride"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(Vector256<double> v, double[] values, int at, int stride)
    {
        if (stride == 1)
        {
            v.CopyTo(values.AsSpan(at, 4));
            return;
        }

        values[at + (3 * stride)] = v.GetElement(3);
        values[at] = v.GetElement(0);
        values[at + stride] = v.GetElement(1);
        values[at + (2 * stride)] = v.GetElement(2);
    }

    /// <summary>The lanes' sum in a fixed order ((v₀ + v₁) + (v₂ + v₃)).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double Fold(Vector256<double> v) => (v.GetElement(0) + v.GetElement(1)) + (v.GetElement(2) + v.GetElement(3));

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AffineForward(BatchLayout layout, int d, double[] m, double[] l, double[] e, double[] y)
    {
        if (d == 2)
        {
            AffineForward2(layout, m, l, e, y);
            return;
        }

        int inner = layout.Inner, sa = layout.InnerA, sb = layout.InnerB, sc = layout.InnerC, sy = layout.InnerY;
        var row = layout.Start();
        double[]? transposed = null;
        int transposedFactor = -1;
        for (int r = 0; r < layout.RowCount; r++)
        {
            if (sb == 0 && sc == 0 && sa == 1 && sy == 1 && inner >= d && Vector256.IsHardwareAccelerated)
            {
                // One μ and L along the row (a distribution's draws): Lᵀ once, then the draws by vector lanes, when L
                // is lower triangular (a scale factor always is; the op itself takes any matrix).
                if (transposedFactor != row.C)
                {
                    transposed ??= new double[d * d];
                    transposedFactor = TransposeLower(l.AsSpan(row.C * d * d, d * d), d, transposed) ? row.C : -2;
                }

                if (transposedFactor == row.C)
                {
                    AffineForwardShared(d, m.AsSpan(row.B * d, d), transposed!, e.AsSpan(row.A * d, inner * d), y.AsSpan(row.Y * d, inner * d));
                    layout.NextRow(ref row);
                    continue;
                }
            }

            for (int j = 0, a = row.A, b = row.B, c = row.C, n = row.Y; j < inner; j++, a += sa, b += sb, c += sc, n += sy)
            {
                int eo = a * d, mo = b * d, lo = c * d * d, yo = n * d;
                for (int i = 0; i < d; i++)
                {
                    double s = 0;
                    int lrow = lo + (i * d);
                    for (int k = 0; k < d; k++)
                    {
                        s += l[lrow + k] * e[eo + k];
                    }

                    y[yo + i] = m[mo + i] + s;
                }
            }

            layout.NextRow(ref row);
        }
    }

    /// <summary>Writes Lᵀ into <paramref name="transposed"/>; false (and Lᵀ unfinished) when L has a nonzero above its diagonal.</summary>
    private static bool TransposeLower(ReadOnlySpan<double> l, int d, double[] transposed)
    {
        for (int i = 0; i < d; i++)
        {
            for (int k = 0; k < d; k++)
            {
                double v = l[(i * d) + k];
                if (k > i && v != 0)
                {
                    return false;
                }

                transposed[(k * d) + i] = v;
            }
        }

        return true;
    }

    /// <summary>
    /// y = μ + L ε for consecutive draws with one μ and one lower-triangular L (given as <paramref name="transposed"/>
    /// = Lᵀ): for each draw, column k of Lᵀ times εₖ is added to the running sums of rows k and below, four rows at a time,
    /// k in increasing order from 0, then μ. Each yᵢ gets exactly the general loop's sum (0 + Σₖ Lᵢₖεₖ in k order, a
    /// product and an add each, then μᵢ +): the only terms it leaves out or adds are the zeros above the diagonal, which
    /// leave a sum that starts at +0 unchanged, so the bits are the same. d²/2 vector products per draw instead of d²
    /// scalar ones (1000 draws at d = 50: 0.8 ms of a 1.3 ms rsample and backward went to the scalar loop).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AffineForwardShared(int d, ReadOnlySpan<double> m, double[] transposed, ReadOnlySpan<double> e, Span<double> y)
    {
        int width = Vector256<double>.Count;
        ref double lt = ref transposed[0];
        for (int draw = 0; draw < e.Length; draw += d)
        {
            var sums = y.Slice(draw, d);
            sums.Clear();
            ref double acc = ref sums[0];
            for (int k = 0; k < d; k++)
            {
                double ek = e[draw + k];
                var ev = Vector256.Create(ek);
                int column = k * d;
                int i = k - (k % width);
                for (; i <= d - width; i += width)
                {
                    (Vector256.LoadUnsafe(ref acc, (nuint)i) + (Vector256.LoadUnsafe(ref lt, (nuint)(column + i)) * ev)).StoreUnsafe(ref acc, (nuint)i);
                }

                for (; i < d; i++)
                {
                    Unsafe.Add(ref acc, i) += Unsafe.Add(ref lt, column + i) * ek;
                }
            }

            for (int i = 0; i < d; i++)
            {
                sums[i] = m[i] + sums[i];
            }
        }
    }

    /// <summary>d = 2: the same sums, in the same order (0 + L₀₀ε₀ + L₀₁ε₁, then μ + that), as the general loop.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AffineForward2(BatchLayout layout, double[] m, double[] l, double[] e, double[] y)
    {
        int inner = layout.Inner, sa = layout.InnerA, sb = layout.InnerB, sc = layout.InnerC, sy = layout.InnerY;
        var row = layout.Start();
        for (int r = 0; r < layout.RowCount; r++)
        {
            int a = row.A, b = row.B, c = row.C, n = row.Y;
            if (sb == 0 && sc == 0)
            {
                double m0 = m[2 * b], m1 = m[(2 * b) + 1], l00 = l[4 * c], l01 = l[(4 * c) + 1], l10 = l[(4 * c) + 2], l11 = l[(4 * c) + 3];
                int j = 0;
                if (Avx2.IsSupported && sa == 1 && sy == 1)
                {
                    // Four consecutive vectors per step, each lane by the loop's operations in its order: the same bits.
                    var (vm0, vm1, v00, v01, v10, v11) = (Vector256.Create(m0), Vector256.Create(m1), Vector256.Create(l00), Vector256.Create(l01), Vector256.Create(l10), Vector256.Create(l11));
                    for (; j <= inner - 4; j += 4, a += 4, n += 4)
                    {
                        var (e0, e1) = LoadPairs(e, 2 * a);
                        var s0 = Vector256<double>.Zero + (v00 * e0) + (v01 * e1);
                        var s1 = Vector256<double>.Zero + (v10 * e0) + (v11 * e1);
                        var (p0, p1) = Interleave(vm0 + s0, vm1 + s1);
                        _ = y[(2 * n) + 7];
                        p0.StoreUnsafe(ref y[2 * n]);
                        p1.StoreUnsafe(ref y[2 * n], 4);
                    }
                }

                for (; j < inner; j++, a += sa, n += sy)
                {
                    double e0 = e[2 * a], e1 = e[(2 * a) + 1];
                    double s0 = 0, s1 = 0;
                    s0 += l00 * e0;
                    s0 += l01 * e1;
                    s1 += l10 * e0;
                    s1 += l11 * e1;
                    y[2 * n] = m0 + s0;
                    y[(2 * n) + 1] = m1 + s1;
                }
            }
            else
            {
                for (int j = 0; j < inner; j++, a += sa, b += sb, c += sc, n += sy)
                {
                    int lo = 4 * c;
                    double e0 = e[2 * a], e1 = e[(2 * a) + 1];
                    double s0 = 0, s1 = 0;
                    s0 += l[lo] * e0;
                    s0 += l[lo + 1] * e1;
                    s1 += l[lo + 2] * e0;
                    s1 += l[lo + 3] * e1;
                    y[2 * n] = m[2 * b] + s0;
                    y[(2 * n) + 1] = m[(2 * b) + 1] + s1;
                }
            }

            layout.NextRow(ref row);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AffineBackward(BatchLayout layout, int d, double[] l, double[] e, double[] g, double[]? gm, double[]? gl, double[]? ge, bool noiseFull)
    {
        int inner = layout.Inner, sa = layout.InnerA, sb = layout.InnerB, sc = layout.InnerC, sy = layout.InnerY;
        var row = layout.Start();
        for (int r = 0; r < layout.RowCount; r++)
        {
            int a = row.A, b = row.B, c = row.C, n = row.Y;
            if (d == 2 && sb == 0 && sc == 0 && ge is null)
            {
                // loc and L stay put along the row: their gradients add up in registers.
                double am0 = 0, am1 = 0, al0 = 0, al1 = 0, al2 = 0, al3 = 0;
                int j = 0;
                if (Avx2.IsSupported && sa == 1 && sy == 1)
                {
                    // Four consecutive vectors per step, the sums in four lanes folded in a fixed order.
                    var (sm0, sm1, s0, s1, s2, s3) = (Vector256<double>.Zero, Vector256<double>.Zero, Vector256<double>.Zero, Vector256<double>.Zero, Vector256<double>.Zero, Vector256<double>.Zero);
                    for (; j <= inner - 4; j += 4, a += 4, n += 4)
                    {
                        var (g0, g1) = LoadPairs(g, 2 * n);
                        var (e0, e1) = LoadPairs(e, 2 * a);
                        sm0 += g0;
                        sm1 += g1;
                        s0 += g0 * e0;
                        s1 += g0 * e1;
                        s2 += g1 * e0;
                        s3 += g1 * e1;
                    }

                    (am0, am1, al0, al1, al2, al3) = (Fold(sm0), Fold(sm1), Fold(s0), Fold(s1), Fold(s2), Fold(s3));
                }

                for (; j < inner; j++, a += sa, n += sy)
                {
                    double g0 = g[2 * n], g1 = g[(2 * n) + 1], e0 = e[2 * a], e1 = e[(2 * a) + 1];
                    am0 += g0;
                    am1 += g1;
                    al0 += g0 * e0;
                    al1 += g0 * e1;
                    al2 += g1 * e0;
                    al3 += g1 * e1;
                }

                if (gm is not null)
                {
                    gm[2 * b] += am0;
                    gm[(2 * b) + 1] += am1;
                }

                if (gl is not null)
                {
                    gl[4 * c] += al0;
                    gl[(4 * c) + 1] += al1;
                    gl[(4 * c) + 2] += al2;
                    gl[(4 * c) + 3] += al3;
                }

                layout.NextRow(ref row);
                continue;
            }

            for (int j = 0; j < inner; j++, a += sa, b += sb, c += sc, n += sy)
            {
                int eo = a * d, mo = b * d, lo = c * d * d, go = n * d;
                for (int i = 0; gm is not null && i < d; i++)
                {
                    gm[mo + i] += g[go + i];
                }

                for (int i = 0; gl is not null && i < d; i++)
                {
                    double gi = g[go + i];
                    int lrow = lo + (i * d);
                    for (int k = 0; k < d; k++)
                    {
                        gl[lrow + k] += gi * e[eo + k];
                    }
                }

                for (int k = 0; ge is not null && k < d; k++)
                {
                    double s = 0;
                    for (int i = 0; i < d; i++)
                    {
                        s += l[lo + (i * d) + k] * g[go + i];
                    }

                    ge[eo + k] = noiseFull ? s : ge[eo + k] + s;
                }
            }

            layout.NextRow(ref row);
        }
    }

    /// <summary>Where one row starts: the batch index in the output (Y) and in the three operands (A, B, C).</summary>
    private struct Cursor
    {
        public int A;
        public int B;
        public int C;
        public int Y;
        public int[] Counter;
    }

    /// <summary>
    /// The backward pass of the log-density for four points at once against one μ and L (scratch for one call of
    /// <see cref="LogDensityBackward"/>): the triangular solves on vectors of four, lane p by the scalar loop's
    /// operations for point p in their order; then each point's contributions to ∂/∂μ and ∂/∂L added in point order,
    /// a row of L at a time (so every sum is the scalar loop's, bit for bit).
    /// </summary>
    private sealed class FourPoints(int d)
    {
        private readonly Vector256<double>[] z = new Vector256<double>[d];
        private readonly Vector256<double>[] w = new Vector256<double>[d];

        /// <summary>Each point's z (the lanes of <see cref="z"/> laid out by point), for the rows of ∂/∂L.</summary>
        private readonly double[] zByPoint = new double[4 * d];

        public void Backward(
            int d, double[] x, int a, int sa, double[] m, int b, double[] l, int c, double[] invDiag, double[] g, int n, int sy,
            double[]? gx, bool xFull, double[]? gm, double[]? gl)
        {
            int xo = a * d, mo = b * d, lo = c * d * d, io = c * d;
            ForwardSubstitute4(d, x, xo, sa * d, m, mo, l, lo, invDiag, io, z);

            // w = L⁻ᵀ z by back substitution (rows bottom-up, reading L by columns).
            for (int i = d - 1; i >= 0; i--)
            {
                var s = z[i];
                for (int k = i + 1; k < d; k++)
                {
                    s -= Vector256.Create(l[lo + (k * d) + i]) * w[k];
                }

                w[i] = s * Vector256.Create(invDiag[io + i]);
            }

            for (int p = 0; p < 4; p++)
            {
                double gn = g[n + (p * sy)];
                int xp = xo + (p * sa * d);
                for (int i = 0; gx is not null && i < d; i++)
                {
                    double wi = w[i].GetElement(p);
                    gx[xp + i] = xFull ? -gn * wi : gx[xp + i] - (gn * wi);
                }

                for (int i = 0; gm is not null && i < d; i++)
                {
                    gm[mo + i] += gn * w[i].GetElement(p);
                }

                if (gl is null)
                {
                    continue;
                }

                var zp = zByPoint.AsSpan(p * d, d);
                for (int i = 0; i < d; i++)
                {
                    zp[i] = z[i].GetElement(p);
                }

                for (int i = 0; i < d; i++)
                {
                    // gl[i, k] += (g w_i) z_k for k ≤ i (one vector multiply-add, unfused: the scalar loop's rounding), then the diagonal's -g/Lᵢᵢ.
                    var glRow = gl.AsSpan(lo + (i * d), i + 1);
                    System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(zp[..(i + 1)], gn * w[i].GetElement(p), glRow, glRow);
                    gl[lo + (i * d) + i] -= gn * invDiag[io + i];
                }
            }
        }
    }

    /// <summary>
    /// The broadcast batch shape of three operands and each one's strides over it (0 along a broadcast dimension).
    /// The output is walked in rows along its longest dimension (the "inner" one: constant strides InnerA/B/C/Y
    /// along it), and an odometer over the other dimensions moves from row to row: no division per element and no
    /// broadcast copy. In W5's x [n, 1, 2] against loc [2, 2], the rows run down the n samples, one row per
    /// component, so loc and L stay fixed along each row.
    /// </summary>
    private sealed class BatchLayout
    {
        private readonly int[] strideA;
        private readonly int[] strideB;
        private readonly int[] strideC;
        private readonly int[] strideY;

        /// <summary>The dimensions the odometer walks, innermost first (all but the inner one).</summary>
        private readonly int[] outer;

        public BatchLayout(int[] a, int[] b, int[] c)
        {
            Shape = Shapes.Broadcast(Shapes.Broadcast(a, b), c);
            Count = Shapes.Size(Shape);
            strideA = Strides(a, Shape);
            strideB = Strides(b, Shape);
            strideC = Strides(c, Shape);
            strideY = Shapes.Strides(Shape);
            int rank = Shape.Length;
            if (rank == 0)
            {
                (Inner, RowCount, outer) = (1, 1, []);
                return;
            }

            // The longest dimension (the last one on ties) is the inner one.
            int axis = rank - 1;
            for (int k = rank - 2; k >= 0; k--)
            {
                if (Shape[k] > Shape[axis])
                {
                    axis = k;
                }
            }

            Inner = Shape[axis];
            RowCount = Inner == 0 ? 0 : Count / Inner;
            (InnerA, InnerB, InnerC, InnerY) = (strideA[axis], strideB[axis], strideC[axis], strideY[axis]);
            outer = [.. Enumerable.Range(0, rank).Where(k => k != axis).Reverse()];
        }

        /// <summary>The broadcast batch shape.</summary>
        public int[] Shape { get; }

        /// <summary>The number of batch elements.</summary>
        public int Count { get; }

        /// <summary>The length of a row (the longest batch dimension; 1 for an unbatched output).</summary>
        public int Inner { get; }

        /// <summary>The number of rows.</summary>
        public int RowCount { get; }

        public int InnerA { get; }

        public int InnerB { get; }

        public int InnerC { get; }

        public int InnerY { get; }

        public Cursor Start() => new() { Counter = new int[outer.Length] };

        public void NextRow(ref Cursor c)
        {
            var counter = c.Counter;
            for (int i = 0; i < counter.Length; i++)
            {
                int k = outer[i];
                c.A += strideA[k];
                c.B += strideB[k];
                c.C += strideC[k];
                c.Y += strideY[k];
                if (++counter[i] < Shape[k])
                {
                    return;
                }

                counter[i] = 0;
                c.A -= strideA[k] * Shape[k];
                c.B -= strideB[k] * Shape[k];
                c.C -= strideC[k] * Shape[k];
                c.Y -= strideY[k] * Shape[k];
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
