using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace KlDivergence.Tensors;

/// <summary>
/// The dense matrix-product kernel C = β C + α op(A) op(B) on row-major storage, where op transposes when asked
/// (by reading the operand with swapped strides, never by copying it transposed). Large products are cache-blocked
/// with packed panels and a register-blocked 6 x 8 micro-kernel using four-lane fused multiply-adds (the
/// Goto/van de Geijn layering: Goto and van de Geijn 2008, "Anatomy of high-performance matrix multiplication");
/// products with one row or one column run as dot products or scaled row sums; tiny ones as plain loops.
/// Large products are split over blocks of output rows only, never over the reduction dimension, so every output
/// element is summed in the same order whatever the number of workers (<see cref="TensorParallelism"/>).
/// </summary>
internal static unsafe class Gemm
{
    private const int Mr = 6;
    private const int Nr = 8;
    private const int Kc = 256;
    private const int Mc = 48;
    private const int Nc = 2048;

    /// <summary>Below this many multiply-adds a product runs as plain loops (packing would cost more than it saves).</summary>
    private const long SmallWork = 8 * 8 * 8;

    /// <summary>
    /// At or above this many multiply-adds (about 0.1 ms of one core's work) a product may use several workers: below
    /// it the fork and join cost more than they save (a flow step's 256 x 32 x 32 products ran slower on two workers).
    /// </summary>
    private const long ParallelWork = 1L << 20;

    [ThreadStatic]
    private static double[]? packedA;

    [ThreadStatic]
    private static double[]? packedB;

    /// <summary>
    /// C[i, j] = β C[i, j] + α Σₚ op(A)[i, p] op(B)[p, j] for i &lt; m, j &lt; n, p &lt; k, with β = 1 when
    /// <paramref name="accumulate"/> else 0 (C is then only written). op(A)[i, p] is a[i lda + p], or a[p lda + i]
    /// when <paramref name="transA"/>; op(B)[p, j] is b[p ldb + j], or b[j ldb + p] when <paramref name="transB"/>.
    /// </summary>
    public static void Multiply(
        ReadOnlySpan<double> a, int lda, bool transA,
        ReadOnlySpan<double> b, int ldb, bool transB,
        Span<double> c, int ldc, int m, int n, int k, double alpha = 1, bool accumulate = false)
    {
        if (m == 0 || n == 0)
        {
            return;
        }

        fixed (double* pa = a)
        fixed (double* pb = b)
        fixed (double* pc = c)
        {
            Multiply(pa, lda, transA, pb, ldb, transB, pc, ldc, m, n, k, alpha, accumulate);
        }
    }

    /// <summary>The pointer form of <see cref="Multiply(ReadOnlySpan{double}, int, bool, ReadOnlySpan{double}, int, bool, Span{double}, int, int, int, int, double, bool)"/>.</summary>
    public static void Multiply(double* a, int lda, bool transA, double* b, int ldb, bool transB, double* c, int ldc, int m, int n, int k, double alpha, bool accumulate)
    {
        if (m == 0 || n == 0)
        {
            return;
        }

        if (k == 0)
        {
            if (!accumulate)
            {
                for (int i = 0; i < m; i++)
                {
                    new Span<double>(c + ((long)i * ldc), n).Clear();
                }
            }

            return;
        }

        long work = (long)m * n * k;
        if (n == 1)
        {
            ColumnProduct(a, lda, transA, b, transB ? 1 : ldb, c, ldc, m, k, alpha, accumulate);
        }
        else if (m == 1)
        {
            RowProduct(a, transA ? lda : 1, b, ldb, transB, c, n, k, alpha, accumulate);
        }
        else if (work <= SmallWork)
        {
            Naive(a, lda, transA, b, ldb, transB, c, ldc, m, n, k, alpha, accumulate);
        }
        else
        {
            Blocked(a, lda, transA, b, ldb, transB, c, ldc, m, n, k, alpha, accumulate, work >= ParallelWork);
        }
    }

    /// <summary>n = 1: y[i] = Σₚ op(A)[i, p] x[p] with x read at stride <paramref name="xStride"/>.</summary>
    private static void ColumnProduct(double* a, int lda, bool transA, double* x, int xStride, double* c, int ldc, int m, int k, double alpha, bool accumulate)
    {
        if (!transA && xStride == 1)
        {
            // Rows of A are contiguous: one dot product per output.
            var xs = new ReadOnlySpan<double>(x, k);
            for (int i = 0; i < m; i++)
            {
                double s = Dot(new ReadOnlySpan<double>(a + ((long)i * lda), k), xs);
                c[(long)i * ldc] = accumulate ? c[(long)i * ldc] + (alpha * s) : alpha * s;
            }

            return;
        }

        if (transA && ldc == 1)
        {
            // op(A) = Aᵀ with A stored k x m: y = Σₚ x[p] A[p, :], contiguous rows scaled and added in p order.
            var y = new Span<double>(c, m);
            Span<double> acc = m <= 512 ? stackalloc double[m] : new double[m];
            acc.Clear();
            for (int p = 0; p < k; p++)
            {
                Axpy(x[(long)p * xStride], new ReadOnlySpan<double>(a + ((long)p * lda), m), acc);
            }

            Store(acc, y, alpha, accumulate);
            return;
        }

        for (int i = 0; i < m; i++)
        {
            double s = 0;
            for (int p = 0; p < k; p++)
            {
                double aip = transA ? a[((long)p * lda) + i] : a[((long)i * lda) + p];
                s += aip * x[(long)p * xStride];
            }

            c[(long)i * ldc] = accumulate ? c[(long)i * ldc] + (alpha * s) : alpha * s;
        }
    }

    /// <summary>m = 1: y[j] = Σₚ a[p] op(B)[p, j] with a read at stride <paramref name="aStride"/>.</summary>
    private static void RowProduct(double* a, int aStride, double* b, int ldb, bool transB, double* c, int n, int k, double alpha, bool accumulate)
    {
        var y = new Span<double>(c, n);
        if (transB)
        {
            // op(B)[p, j] = B[j, p]: each output is a dot product of a row of B with a.
            double[]? gathered = null;
            ReadOnlySpan<double> av = aStride == 1 ? new ReadOnlySpan<double>(a, k) : Gather(a, aStride, k, ref gathered);
            for (int j = 0; j < n; j++)
            {
                double s = Dot(new ReadOnlySpan<double>(b + ((long)j * ldb), k), av);
                y[j] = accumulate ? y[j] + (alpha * s) : alpha * s;
            }

            return;
        }

        Span<double> acc = n <= 512 ? stackalloc double[n] : new double[n];
        acc.Clear();
        for (int p = 0; p < k; p++)
        {
            Axpy(a[(long)p * aStride], new ReadOnlySpan<double>(b + ((long)p * ldb), n), acc);
        }

        Store(acc, y, alpha, accumulate);
    }

    private static ReadOnlySpan<double> Gather(double* a, int stride, int k, ref double[]? buffer)
    {
        buffer = new double[k];
        for (int p = 0; p < k; p++)
        {
            buffer[p] = a[(long)p * stride];
        }

        return buffer;
    }

    private static void Store(ReadOnlySpan<double> acc, Span<double> y, double alpha, bool accumulate)
    {
        for (int j = 0; j < y.Length; j++)
        {
            y[j] = accumulate ? y[j] + (alpha * acc[j]) : alpha * acc[j];
        }
    }

    /// <summary>Σ x[i] y[i] in four independent lanes (a fixed order: the same bits on every call).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static double Dot(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        int n = x.Length, i = 0;
        double s;
        fixed (double* px = x)
        fixed (double* py = y)
        {
            if (n >= 8)
            {
                var s0 = Vector256<double>.Zero;
                var s1 = Vector256<double>.Zero;
                for (; i <= n - 8; i += 8)
                {
                    s0 = Vector256.MultiplyAddEstimate(Vector256.Load(px + i), Vector256.Load(py + i), s0);
                    s1 = Vector256.MultiplyAddEstimate(Vector256.Load(px + i + 4), Vector256.Load(py + i + 4), s1);
                }

                s = Vector256.Sum(s0 + s1);
            }
            else
            {
                s = 0;
            }

            for (; i < n; i++)
            {
                s += px[i] * py[i];
            }
        }

        return s;
    }

    /// <summary>acc += s x, four lanes at a time.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Axpy(double s, ReadOnlySpan<double> x, Span<double> acc)
    {
        int n = x.Length, i = 0;
        fixed (double* px = x)
        fixed (double* pacc = acc)
        {
            var sv = Vector256.Create(s);
            for (; i <= n - 4; i += 4)
            {
                Vector256.MultiplyAddEstimate(sv, Vector256.Load(px + i), Vector256.Load(pacc + i)).Store(pacc + i);
            }

            for (; i < n; i++)
            {
                pacc[i] += s * px[i];
            }
        }
    }

    private static void Naive(double* a, int lda, bool transA, double* b, int ldb, bool transB, double* c, int ldc, int m, int n, int k, double alpha, bool accumulate)
    {
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double s = 0;
                for (int p = 0; p < k; p++)
                {
                    double aip = transA ? a[((long)p * lda) + i] : a[((long)i * lda) + p];
                    double bpj = transB ? b[((long)j * ldb) + p] : b[((long)p * ldb) + j];
                    s += aip * bpj;
                }

                long at = ((long)i * ldc) + j;
                c[at] = accumulate ? c[at] + (alpha * s) : alpha * s;
            }
        }
    }

    private static void Blocked(double* a, int lda, bool transA, double* b, int ldb, bool transB, double* c, int ldc, int m, int n, int k, double alpha, bool accumulate, bool parallel)
    {
        int ncMax = Math.Min(Nc, RoundUp(n, Nr));
        double[] bPack = PackBuffer(ref packedB, Kc * ncMax);
        fixed (double* bp = bPack)
        {
            for (int jc = 0; jc < n; jc += Nc)
            {
                int nc = Math.Min(Nc, n - jc);
                for (int pc = 0; pc < k; pc += Kc)
                {
                    int kc = Math.Min(Kc, k - pc);
                    bool add = accumulate || pc > 0;
                    PackB(b, ldb, transB, pc, jc, kc, nc, bp);
                    int blocks = (m + Mc - 1) / Mc;
                    nint bAddress = (nint)bp;
                    int jc0 = jc, pc0 = pc;
                    if (parallel && blocks > 1 && TensorParallelism.MaxDegreeOfParallelism > 1)
                    {
                        nint aAddress = (nint)a, cAddress = (nint)c;
                        TensorParallelism.For(blocks, block => RowBlock((double*)aAddress, lda, transA, (double*)bAddress, (double*)cAddress, ldc, m, block * Mc, jc0, pc0, kc, nc, alpha, add));
                    }
                    else
                    {
                        for (int block = 0; block < blocks; block++)
                        {
                            RowBlock(a, lda, transA, bp, c, ldc, m, block * Mc, jc0, pc0, kc, nc, alpha, add);
                        }
                    }
                }
            }
        }
    }

    /// <summary>One block of up to <see cref="Mc"/> output rows against the packed panel of B: pack A's rows, then micro-tiles.</summary>
    private static void RowBlock(double* a, int lda, bool transA, double* bp, double* c, int ldc, int m, int ic, int jc, int pc, int kc, int nc, double alpha, bool add)
    {
        int mc = Math.Min(Mc, m - ic);
        double[] aPack = PackBuffer(ref packedA, Mc * Kc);
        fixed (double* ap = aPack)
        {
            PackA(a, lda, transA, ic, pc, mc, kc, ap);
            double* edge = stackalloc double[Mr * Nr];
            for (int jr = 0; jr < nc; jr += Nr)
            {
                int nr = Math.Min(Nr, nc - jr);
                double* bPanel = bp + ((long)jr * kc);
                for (int ir = 0; ir < mc; ir += Mr)
                {
                    int mr = Math.Min(Mr, mc - ir);
                    double* cTile = c + ((long)(ic + ir) * ldc) + jc + jr;
                    MicroKernel(ap + ((long)ir * kc), bPanel, kc, cTile, ldc, mr, nr, alpha, add, edge);
                }
            }
        }
    }

    /// <summary>Packs op(A)[ic .. ic+mc, pc .. pc+kc] into panels of <see cref="Mr"/> rows, p-major inside a panel, zero-padded.</summary>
    private static void PackA(double* a, int lda, bool transA, int ic, int pc, int mc, int kc, double* ap)
    {
        for (int ir = 0; ir < mc; ir += Mr)
        {
            int mr = Math.Min(Mr, mc - ir);
            double* panel = ap + ((long)ir * kc);
            if (mr == Mr)
            {
                // A full panel, without the per-element tests below (packing costs as much as the multiply-adds on
                // the small products of a neural network's layers).
                PackFullPanel(a, lda, transA, ic + ir, pc, kc, panel);
                continue;
            }

            for (int p = 0; p < kc; p++)
            {
                double* dst = panel + ((long)p * Mr);
                for (int r = 0; r < Mr; r++)
                {
                    int i = ic + ir + r;
                    dst[r] = r >= mr ? 0 : transA ? a[((long)(pc + p) * lda) + i] : a[((long)i * lda) + pc + p];
                }
            }
        }
    }

    /// <summary>Packs the <see cref="Mr"/> rows i0 .. i0+Mr of op(A)[·, pc .. pc+kc] p-major: panel[p Mr + r] = op(A)[i0 + r, pc + p].</summary>
    private static void PackFullPanel(double* a, int lda, bool transA, int i0, int pc, int kc, double* panel)
    {
        if (transA)
        {
            // op(A)[i, p] = A[p, i]: each p reads Mr adjacent elements of one row of A.
            for (int p = 0; p < kc; p++)
            {
                double* src = a + ((long)(pc + p) * lda) + i0;
                double* dst = panel + ((long)p * Mr);
                Vector256.Load(src).Store(dst);
                dst[4] = src[4];
                dst[5] = src[5];
            }

            return;
        }

        double* r0 = a + ((long)i0 * lda) + pc;
        double* r1 = r0 + lda, r2 = r1 + lda, r3 = r2 + lda, r4 = r3 + lda, r5 = r4 + lda;
        for (int p = 0; p < kc; p++)
        {
            double* dst = panel + ((long)p * Mr);
            dst[0] = r0[p];
            dst[1] = r1[p];
            dst[2] = r2[p];
            dst[3] = r3[p];
            dst[4] = r4[p];
            dst[5] = r5[p];
        }
    }

    /// <summary>
    /// Writes the 4 x 4 block whose rows are four values from each of r0 .. r3 transposed: dst[q·stride + i] = rᵢ[q]
    /// for q, i in 0..3 (two unpacks and a lane swap per pair of rows). Needs AVX.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Transpose4(double* r0, double* r1, double* r2, double* r3, double* dst, int stride = Nr)
    {
        var a = Avx.LoadVector256(r0);
        var b = Avx.LoadVector256(r1);
        var c = Avx.LoadVector256(r2);
        var d = Avx.LoadVector256(r3);
        var ab0 = Avx.UnpackLow(a, b);   // a0 b0 a2 b2
        var ab1 = Avx.UnpackHigh(a, b);  // a1 b1 a3 b3
        var cd0 = Avx.UnpackLow(c, d);   // c0 d0 c2 d2
        var cd1 = Avx.UnpackHigh(c, d);  // c1 d1 c3 d3
        Avx.Store(dst, Avx.Permute2x128(ab0, cd0, 0x20));                  // a0 b0 c0 d0
        Avx.Store(dst + stride, Avx.Permute2x128(ab1, cd1, 0x20));         // a1 b1 c1 d1
        Avx.Store(dst + (2 * stride), Avx.Permute2x128(ab0, cd0, 0x31));   // a2 b2 c2 d2
        Avx.Store(dst + (3 * stride), Avx.Permute2x128(ab1, cd1, 0x31));   // a3 b3 c3 d3
    }

    /// <summary>Packs op(B)[pc .. pc+kc, jc .. jc+nc] into panels of <see cref="Nr"/> columns, p-major inside a panel, zero-padded.</summary>
    private static void PackB(double* b, int ldb, bool transB, int pc, int jc, int kc, int nc, double* bp)
    {
        for (int jr = 0; jr < nc; jr += Nr)
        {
            int nr = Math.Min(Nr, nc - jr);
            double* panel = bp + ((long)jr * kc);
            if (!transB && nr == Nr)
            {
                for (int p = 0; p < kc; p++)
                {
                    double* src = b + ((long)(pc + p) * ldb) + jc + jr;
                    Vector256.Load(src).Store(panel + ((long)p * Nr));
                    Vector256.Load(src + 4).Store(panel + ((long)p * Nr) + 4);
                }

                continue;
            }

            if (nr == Nr)
            {
                // op(B)[p, j] = B[j, pc + p]: eight rows of B read side by side, the panel written in order; four p at a
                // time as two 4 x 4 transposes in registers, the rest one p at a time.
                double* s0 = b + ((long)(jc + jr) * ldb) + pc;
                double* s1 = s0 + ldb, s2 = s1 + ldb, s3 = s2 + ldb, s4 = s3 + ldb, s5 = s4 + ldb, s6 = s5 + ldb, s7 = s6 + ldb;
                int p = 0;
                if (Avx.IsSupported)
                {
                    for (; p <= kc - 4; p += 4)
                    {
                        double* dst = panel + ((long)p * Nr);
                        Transpose4(s0 + p, s1 + p, s2 + p, s3 + p, dst);
                        Transpose4(s4 + p, s5 + p, s6 + p, s7 + p, dst + 4);
                    }
                }

                for (; p < kc; p++)
                {
                    double* dst = panel + ((long)p * Nr);
                    dst[0] = s0[p];
                    dst[1] = s1[p];
                    dst[2] = s2[p];
                    dst[3] = s3[p];
                    dst[4] = s4[p];
                    dst[5] = s5[p];
                    dst[6] = s6[p];
                    dst[7] = s7[p];
                }

                continue;
            }

            for (int p = 0; p < kc; p++)
            {
                double* dst = panel + ((long)p * Nr);
                for (int col = 0; col < Nr; col++)
                {
                    int j = jc + jr + col;
                    dst[col] = col >= nr ? 0 : transB ? b[((long)j * ldb) + pc + p] : b[((long)(pc + p) * ldb) + j];
                }
            }
        }
    }

    /// <summary>A 6 x 8 tile of C from a packed A panel and a packed B panel: twelve four-lane accumulators.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MicroKernel(double* ap, double* bp, int kc, double* c, int ldc, int mr, int nr, double alpha, bool add, double* edge)
    {
        Vector256<double> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<double> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector256.Load(bp);
            var b1 = Vector256.Load(bp + 4);
            var a0 = Vector256.Create(ap[0]);
            c00 = Vector256.MultiplyAddEstimate(a0, b0, c00);
            c01 = Vector256.MultiplyAddEstimate(a0, b1, c01);
            var a1 = Vector256.Create(ap[1]);
            c10 = Vector256.MultiplyAddEstimate(a1, b0, c10);
            c11 = Vector256.MultiplyAddEstimate(a1, b1, c11);
            var a2 = Vector256.Create(ap[2]);
            c20 = Vector256.MultiplyAddEstimate(a2, b0, c20);
            c21 = Vector256.MultiplyAddEstimate(a2, b1, c21);
            var a3 = Vector256.Create(ap[3]);
            c30 = Vector256.MultiplyAddEstimate(a3, b0, c30);
            c31 = Vector256.MultiplyAddEstimate(a3, b1, c31);
            var a4 = Vector256.Create(ap[4]);
            c40 = Vector256.MultiplyAddEstimate(a4, b0, c40);
            c41 = Vector256.MultiplyAddEstimate(a4, b1, c41);
            var a5 = Vector256.Create(ap[5]);
            c50 = Vector256.MultiplyAddEstimate(a5, b0, c50);
            c51 = Vector256.MultiplyAddEstimate(a5, b1, c51);
            ap += Mr;
            bp += Nr;
        }

        var va = Vector256.Create(alpha);
        if (mr == Mr && nr == Nr)
        {
            StoreRow(c, c00, c01, va, add);
            StoreRow(c + ldc, c10, c11, va, add);
            StoreRow(c + (2L * ldc), c20, c21, va, add);
            StoreRow(c + (3L * ldc), c30, c31, va, add);
            StoreRow(c + (4L * ldc), c40, c41, va, add);
            StoreRow(c + (5L * ldc), c50, c51, va, add);
            return;
        }

        // An edge tile: spill the accumulators, then write only the rows and columns that exist.
        (c00 * va).Store(edge);
        (c01 * va).Store(edge + 4);
        (c10 * va).Store(edge + 8);
        (c11 * va).Store(edge + 12);
        (c20 * va).Store(edge + 16);
        (c21 * va).Store(edge + 20);
        (c30 * va).Store(edge + 24);
        (c31 * va).Store(edge + 28);
        (c40 * va).Store(edge + 32);
        (c41 * va).Store(edge + 36);
        (c50 * va).Store(edge + 40);
        (c51 * va).Store(edge + 44);
        for (int r = 0; r < mr; r++)
        {
            double* row = c + ((long)r * ldc);
            for (int col = 0; col < nr; col++)
            {
                row[col] = add ? row[col] + edge[(r * Nr) + col] : edge[(r * Nr) + col];
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow(double* row, Vector256<double> left, Vector256<double> right, Vector256<double> alpha, bool add)
    {
        if (add)
        {
            (Vector256.Load(row) + (left * alpha)).Store(row);
            (Vector256.Load(row + 4) + (right * alpha)).Store(row + 4);
        }
        else
        {
            (left * alpha).Store(row);
            (right * alpha).Store(row + 4);
        }
    }

    private static double[] PackBuffer(ref double[]? cache, int length)
    {
        if (cache is null || cache.Length < length)
        {
            // Pinned once per thread, so the packed panels never move under a pointer.
            cache = GC.AllocateUninitializedArray<double>(length, pinned: true);
        }

        return cache;
    }

    private static int RoundUp(int x, int multiple) => ((x + multiple - 1) / multiple) * multiple;
}
