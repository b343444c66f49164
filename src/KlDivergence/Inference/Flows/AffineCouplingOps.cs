using KlDivergence.Tensors;

namespace KlDivergence.Inference.Flows;

/// <summary>
/// The two fused ops of an affine coupling's forward pass, each one graph node reading the conditioner's output
/// h = [s, t] ([n, 2d]: log-scales in the first d columns, shifts in the last d) in place:
/// y = x on the passed-through coordinates and x⊙exp(s) + t on the transformed ones, and
/// log |det ∂y/∂x| = Σ over the transformed coordinates of s. They equal the masked composition
/// m⊙x + (1 - m)⊙(x⊙exp(s) + t) and Σ (1 - m)⊙s that <see cref="AffineCouplingBijector"/>'s inverse is written as
/// (a parity test holds them equal), without its narrowed copies, masks and intermediate nodes.
/// </summary>
internal static class AffineCouplingOps
{
    /// <summary>y [n, d] from x [n, d] and h [n, 2d]; <paramref name="transformed"/>[j] marks the coordinates that move.</summary>
    public static Tensor Apply(Tensor x, Tensor h, bool[] transformed)
    {
        int d = transformed.Length, n = x.ShapeArray[0];
        double[] xd = x.Data, hd = h.Data;

        // exp over all of h in one vectorised call (the shift columns' values are not used): the same kernel and
        // the same contiguous layout as the composition's Exp of the log-scales.
        var e = TensorPool.Rent(hd.Length);
        ElementwiseRules.Exp.Forward(hd, e);
        var y = TensorPool.Rent(n * d);
        for (int i = 0; i < n; i++)
        {
            int row = i * d, hRow = 2 * row;
            for (int j = 0; j < d; j++)
            {
                y[row + j] = transformed[j] ? (xd[row + j] * e[hRow + j]) + hd[hRow + d + j] : xd[row + j];
            }
        }

        var result = new Tensor(y, [n, d]);
        if (!Tensor.Tracks(x) && !Tensor.Tracks(h))
        {
            return result;
        }

        return Tensor.Record(result, [x, h], g =>
        {
            // ∂y/∂x = exp(s) (or 1 where passed); ∂y/∂s = x exp(s), ∂y/∂t = 1 on the transformed coordinates.
            double[] gd = g.Data;
            double[]? gx = x.RequiresGrad ? GradientPass.Rent(n * d) : null;
            double[]? gh = h.RequiresGrad ? GradientPass.Rent(2 * n * d) : null;
            for (int i = 0; i < n; i++)
            {
                int row = i * d, hRow = 2 * row;
                for (int j = 0; j < d; j++)
                {
                    double gij = gd[row + j];
                    bool moves = transformed[j];
                    if (gx is not null)
                    {
                        gx[row + j] = moves ? gij * e[hRow + j] : gij;
                    }

                    if (gh is not null)
                    {
                        gh[hRow + j] = moves ? gij * xd[row + j] * e[hRow + j] : 0;
                        gh[hRow + d + j] = moves ? gij : 0;
                    }
                }
            }

            return [gx is null ? null : new Tensor(gx, x.ShapeArray), gh is null ? null : new Tensor(gh, h.ShapeArray)];
        });
    }

    /// <summary>The log-determinant [n]: each row's sum of the log-scales of the transformed coordinates.</summary>
    public static Tensor LogDet(Tensor h, bool[] transformed)
    {
        int d = transformed.Length, n = h.ShapeArray[0];
        double[] hd = h.Data;
        var logDet = TensorPool.Rent(n);
        for (int i = 0; i < n; i++)
        {
            double sum = 0;
            for (int j = 0; j < d; j++)
            {
                if (transformed[j])
                {
                    sum += hd[(2 * i * d) + j];
                }
            }

            logDet[i] = sum;
        }

        var result = new Tensor(logDet, [n]);
        if (!Tensor.Tracks(h))
        {
            return result;
        }

        return Tensor.Record(result, [h], g =>
        {
            // ∂/∂s_ij = 1 on the transformed coordinates, 0 elsewhere (and on every shift).
            double[] gd = g.Data;
            var gh = GradientPass.RentZeroed(2 * n * d);
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < d; j++)
                {
                    if (transformed[j])
                    {
                        gh[(2 * i * d) + j] = gd[i];
                    }
                }
            }

            return [new Tensor(gh, h.ShapeArray)];
        });
    }
}
