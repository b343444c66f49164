using KlDivergence.Tensors;

namespace KlDivergence.Bijectors;

/// <summary>
/// Maps a vector v of length n = d(d + 1)/2 to a d×d lower-triangular matrix L with positive diagonal
/// (a Cholesky-style scale), batched over leading dimensions: [..., n] → [..., d, d].
/// <code>
/// L[i, j] = v[i(i + 1)/2 + j]             for j &lt; i   (strict lower triangle)
/// L[i, i] = g(v[i(i + 1)/2 + i]) + shift   (diagonal)
/// L[i, j] = 0                             for j &gt; i
/// </code>
/// where g is the element-wise diagonal bijector (softplus by default) and shift ≥ 0 keeps the diagonal away from 0.
/// </summary>
/// <remarks>
/// <para>
/// Fill order: row by row, left to right, over the lower triangle including the diagonal
/// (v = [L00, L10, L11, L20, L21, L22, ...]), the order of PyTorch's <c>torch.tril_indices</c> and of
/// <c>torch.distributions.transforms.LowerCholeskyTransform</c>-style packings. TensorFlow Probability's
/// <c>tfp.bijectors.FillScaleTriL</c> (https://www.tensorflow.org/probability/api_docs/python/tfp/bijectors/FillScaleTriL)
/// uses the same construction (FillTriangular, then TransformDiagonal(Softplus) and a diagonal shift of 1e-5)
/// but a different, clockwise-spiral fill order; vectors are therefore not interchangeable with TFP's.
/// </para>
/// <para>
/// The map is the identity on the d(d - 1)/2 off-diagonal entries and g + shift on the d diagonal entries, so its
/// Jacobian (from v to the free entries of L) is diagonal and log |det J| = Σᵢ log |g′(v_{i(i+3)/2})|,
/// one value per batch entry. <see cref="Inverse"/> reads only the lower triangle (the strict upper triangle is ignored).
/// </para>
/// </remarks>
public sealed class FillScaleTriLBijector : Bijector
{
    /// <summary>Creates the bijector.</summary>
    /// <param name="diagonalBijector">The element-wise bijector g applied to the diagonal; null for <see cref="SoftplusBijector"/>.</param>
    /// <param name="diagonalShift">The shift added to the diagonal after g (finite, ≥ 0); TFP's default 1e-5.</param>
    /// <exception cref="ArgumentException">The diagonal bijector is not element-wise.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The shift is negative or not finite.</exception>
    public FillScaleTriLBijector(Bijector? diagonalBijector = null, double diagonalShift = 1e-5)
    {
        diagonalBijector ??= new SoftplusBijector();
        if (diagonalBijector.InputEventRank != 0 || diagonalBijector.OutputEventRank != 0)
        {
            throw new ArgumentException(
                $"{nameof(FillScaleTriLBijector)} needs an element-wise diagonal bijector; {diagonalBijector.Name} has event ranks {diagonalBijector.InputEventRank} → {diagonalBijector.OutputEventRank}.",
                nameof(diagonalBijector));
        }

        if (!(diagonalShift >= 0) || !double.IsFinite(diagonalShift))
        {
            throw new ArgumentOutOfRangeException(
                nameof(diagonalShift),
                diagonalShift,
                $"{nameof(FillScaleTriLBijector)} needs a finite diagonalShift ≥ 0; got diagonalShift = {BijectorChecks.Format(diagonalShift)}.");
        }

        DiagonalBijector = diagonalBijector;
        DiagonalShift = diagonalShift;
    }

    /// <summary>The element-wise bijector g applied to the diagonal entries.</summary>
    public Bijector DiagonalBijector { get; }

    /// <summary>The shift added to the diagonal after g.</summary>
    public double DiagonalShift { get; }

    /// <inheritdoc/>
    public override string Name => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"FillScaleTriL({DiagonalBijector.Name}, {DiagonalShift})");

    /// <summary>1: one event is a vector.</summary>
    public override int InputEventRank => 1;

    /// <summary>2: one event is a matrix.</summary>
    public override int OutputEventRank => 2;

    /// <summary>
    /// The side d with d(d + 1)/2 = <paramref name="length"/>, i.e. d = (√(8n + 1) - 1)/2.
    /// </summary>
    /// <param name="length">The vector length n.</param>
    /// <exception cref="ArgumentException"><paramref name="length"/> is not a triangular number; the message names it.</exception>
    public static int SideFromLength(int length)
    {
        int d = BijectorChecks.TriangularSide(length);
        return d >= 1 ? d : throw new ArgumentException(
            $"{nameof(FillScaleTriLBijector)} needs a vector length n = d(d + 1)/2 for some d ≥ 1 (1, 3, 6, 10, ...); got length {length}.",
            nameof(length));
    }

    /// <summary>[..., n] → [..., d, d] with n = d(d + 1)/2.</summary>
    /// <exception cref="ArgumentException">The shape is a scalar or its last length is not triangular.</exception>
    public override int[] ForwardShape(int[] unconstrainedShape)
    {
        ArgumentNullException.ThrowIfNull(unconstrainedShape);
        if (unconstrainedShape.Length < 1)
        {
            throw new ArgumentException($"{nameof(FillScaleTriLBijector)} needs a vector (rank ≥ 1); got a scalar shape.", nameof(unconstrainedShape));
        }

        int d = SideFromLength(unconstrainedShape[^1]);
        return [.. unconstrainedShape[..^1], d, d];
    }

    /// <summary>[..., d, d] → [..., d(d + 1)/2].</summary>
    /// <exception cref="ArgumentException">The shape is not a (batch of) square matrices.</exception>
    public override int[] InverseShape(int[] constrainedShape)
    {
        ArgumentNullException.ThrowIfNull(constrainedShape);
        int d = RequireSquare(constrainedShape, nameof(constrainedShape));
        return [.. constrainedShape[..^2], d * (d + 1) / 2];
    }

    /// <summary>L = strict lower triangle filled from v, plus diag(g(v_diag) + shift).</summary>
    /// <exception cref="ArgumentException"><paramref name="x"/> is a scalar or its last length is not triangular.</exception>
    public override Tensor Forward(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        int[] outShape = ForwardShape([.. x.Shape]);
        int d = outShape[^1];
        var diagonal = DiagonalBijector.Forward(x.IndexSelect(x.Rank - 1, DiagonalIndices(d))) + DiagonalShift;
        return Fill(x, diagonal, d, outShape);
    }

    /// <summary>
    /// The matrices from the packed vectors x [..., n] (strict lower triangle, row by row) and the diagonals [..., d]
    /// as one recorded op: the gradient of L[i, j] goes to x[i(i + 1)/2 + j] below the diagonal and to diagonal[i] on
    /// it; x's diagonal positions (read through the diagonal's own path) and the zero upper triangle get none from here.
    /// </summary>
    private static Tensor Fill(Tensor x, Tensor diagonal, int d, int[] outShape)
    {
        int n = d * (d + 1) / 2;
        int batch = x.Length / n;
        var y = TensorPool.RentZeroed(batch * d * d);
        Scatter(x.Data, diagonal.Data, y, batch, d, forward: true);
        var result = new Tensor(y, outShape);
        if (!Tensor.Tracks(x) && !Tensor.Tracks(diagonal))
        {
            return result;
        }

        return Tensor.Record(result, [x, diagonal], g =>
        {
            var gx = x.RequiresGrad ? TensorPool.RentZeroed(x.Length) : null;
            var gd = diagonal.RequiresGrad ? TensorPool.Rent(diagonal.Length) : null;
            Scatter(gx, gd, g.Data, batch, d, forward: false);
            return [gx is null ? null : new Tensor(gx, x.ShapeArray), gd is null ? null : new Tensor(gd, diagonal.ShapeArray)];
        });
    }

    /// <summary>
    /// Forward: packed (strict lower part) and diagonal values into the matrices. Backward: the matrices' entries
    /// back into the packed and diagonal arrays (each skipped when null). One index map for both directions.
    /// </summary>
    private static void Scatter(double[]? packed, double[]? diagonal, double[] matrices, int batch, int d, bool forward)
    {
        int n = d * (d + 1) / 2;
        for (int b = 0; b < batch; b++)
        {
            for (int i = 0; i < d; i++)
            {
                int row = (b * d * d) + (i * d), start = (b * n) + (i * (i + 1) / 2);
                for (int j = 0; packed is not null && j < i; j++)
                {
                    if (forward)
                    {
                        matrices[row + j] = packed[start + j];
                    }
                    else
                    {
                        packed[start + j] = matrices[row + j];
                    }
                }

                if (diagonal is not null)
                {
                    if (forward)
                    {
                        matrices[row + i] = diagonal[(b * d) + i];
                    }
                    else
                    {
                        diagonal[(b * d) + i] = matrices[row + i];
                    }
                }
            }
        }
    }

    /// <summary>v from the lower triangle of L: v_diag = g⁻¹(L_ii - shift), the rest copied row by row.</summary>
    /// <exception cref="ArgumentException"><paramref name="y"/> is not a (batch of) square matrices.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A diagonal entry minus the shift is outside the range of g (e.g. L_ii ≤ shift for softplus).</exception>
    public override Tensor Inverse(Tensor y)
    {
        ArgumentNullException.ThrowIfNull(y);
        int[] shape = [.. y.Shape];
        int d = RequireSquare(shape, nameof(y));
        Tensor rawDiagonal;
        var shiftedDiagonal = y.Diagonal() - DiagonalShift;
        try
        {
            rawDiagonal = DiagonalBijector.Inverse(shiftedDiagonal);
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new ArgumentOutOfRangeException(
                nameof(y),
                e.ActualValue,
                $"{nameof(FillScaleTriLBijector)}.Inverse needs every diagonal entry minus the shift {BijectorChecks.Format(DiagonalShift)} in the range of {DiagonalBijector.Name}; {e.Message}");
        }

        var packed = new int[d * (d + 1) / 2];
        int k = 0;
        for (int i = 0; i < d; i++)
        {
            for (int j = 0; j <= i; j++)
            {
                packed[k++] = (i * d) + j;
            }
        }

        int[] flatShape = [.. shape[..^2], d * d];
        var matrix = y.Tril(-1) + rawDiagonal.DiagEmbed();
        return matrix.Reshape(flatShape).IndexSelect(flatShape.Length - 1, packed);
    }

    /// <summary>log |det J| = Σᵢ log |g′(v_{i(i+3)/2})| over the d diagonal entries; shape [...] (one value per batch entry).</summary>
    /// <exception cref="ArgumentException"><paramref name="x"/> is a scalar or its last length is not triangular.</exception>
    public override Tensor ForwardLogDetJacobian(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        int d = ForwardShape([.. x.Shape])[^1];
        int axis = x.Rank - 1;
        return DiagonalBijector.ForwardLogDetJacobian(x.IndexSelect(axis, DiagonalIndices(d))).Sum(axis);
    }

    /// <summary>The packed positions i(i + 1)/2 + i of the diagonal entries.</summary>
    private static int[] DiagonalIndices(int d)
    {
        var idx = new int[d];
        for (int i = 0; i < d; i++)
        {
            idx[i] = (i * (i + 1) / 2) + i;
        }

        return idx;
    }

    private static int RequireSquare(int[] shape, string paramName) =>
        BijectorChecks.RequireSquare(shape, 1, $"{nameof(FillScaleTriLBijector)}.Inverse", paramName);
}
