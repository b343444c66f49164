using System.Globalization;
using KlDivergence.Bijectors;
using KlDivergence.Distributions;
using KlDivergence.Tensors;

namespace KlDivergence.Models;

/// <summary>The supports, bijectors and value shapes behind <see cref="ModelContext"/>.</summary>
internal static class ModelSupport
{
    /// <summary>The bijector from the unconstrained space onto the support of <paramref name="prior"/>.</summary>
    public static Bijector DefaultBijector(Distribution prior, string name)
    {
        var support = prior.Support;
        if (support.IsDiscrete)
        {
            throw new ModelException(name, $"its prior {prior.FamilyName} is discrete; a latent variable needs a continuous prior (sum a discrete variable out with a Factor).");
        }

        if (IsConstant(support.Lower, double.NegativeInfinity) && IsConstant(support.Upper, double.PositiveInfinity))
        {
            return new IdentityBijector();
        }

        if (IsConstant(support.Lower, 0.0) && IsConstant(support.Upper, double.PositiveInfinity))
        {
            return new ExpBijector();
        }

        throw new ModelException(name, $"no default bijector for the support '{support.Name}' of {prior.FamilyName}; pass one to Latent.");
    }

    /// <summary>
    /// Throws when an element of <paramref name="data"/> is outside the support of <paramref name="likelihood"/>:
    /// integrality always, the bounds when they are constants (a bound built from latent values, which carries the
    /// draw dimension, depends on the draw and is left to the log-density, which is -∞ there).
    /// </summary>
    public static void RequireInSupport(Distribution likelihood, Tensor data, string name, bool hasDraws)
    {
        var support = likelihood.Support;
        var values = data.ToArray();
        for (int i = 0; i < values.Length; i++)
        {
            double v = values[i];
            if (double.IsNaN(v) || (support.IsDiscrete && v != Math.Floor(v)))
            {
                throw OutOfSupport(name, likelihood, data, i, v);
            }
        }

        if (support.Lower.RequiresGrad || support.Upper.RequiresGrad || (hasDraws && Math.Max(support.Lower.Rank, support.Upper.Rank) > data.Rank))
        {
            return;
        }

        var outside = TensorOps.LessThan(data, support.Lower) + TensorOps.GreaterThan(data, support.Upper);
        var flags = outside.ToArray();
        for (int i = 0; i < flags.Length; i++)
        {
            if (flags[i] > 0)
            {
                int index = flags.Length == values.Length ? i : i % values.Length;
                throw OutOfSupport(name, likelihood, data, index, values[index]);
            }
        }
    }

    /// <summary>True when the distribution's log-density depends on tensors that record gradients (values of other latent variables).</summary>
    public static bool DependsOnGraph(Distribution prior)
    {
        try
        {
            return prior.LogProb(Tensor.Zeros(prior.EventShapeArray)).RequiresGrad;
        }
        catch (ArgumentException)
        {
            return prior.Mean.RequiresGrad || prior.Variance.RequiresGrad;
        }
    }

    /// <summary>
    /// A given constrained value as draws [n, ...shape] ([n, 1] for a scalar): the value may have the draw
    /// dimension or not (then it is the same for every draw).
    /// </summary>
    public static Tensor AsDraws(Tensor given, LatentVariable latent, int drawCount)
    {
        ArgumentNullException.ThrowIfNull(given);
        int[] shape = [.. latent.Shape];
        int[] drawShape = shape.Length == 0 ? [drawCount, 1] : [drawCount, .. shape];
        int[] g = [.. given.Shape];
        if (Shapes.Equal(g, drawShape))
        {
            return given;
        }

        if (Shapes.Equal(g, shape) || (shape.Length == 0 && Shapes.Size(g) == 1 && g.Length <= 1))
        {
            return given.Reshape(shape.Length == 0 ? [1, 1] : [1, .. shape]).BroadcastTo(drawShape);
        }

        if (shape.Length == 0 && g.Length == 1 && g[0] == drawCount)
        {
            return given.Reshape(drawCount, 1);
        }

        throw new ModelException(
            latent.Name,
            $"the value has shape {Shapes.Format(g)}, but the variable has shape {Shapes.Format(shape)} per draw ({Shapes.Format(drawShape)} for {drawCount} draws).");
    }

    private static bool IsConstant(Tensor bound, double value)
    {
        if (bound.RequiresGrad)
        {
            return false;
        }

        foreach (double b in bound.ToArray())
        {
            if (b != value)
            {
                return false;
            }
        }

        return true;
    }

    private static ModelException OutOfSupport(string name, Distribution likelihood, Tensor data, int index, double value)
    {
        int[] position = new int[data.Rank];
        int rest = index;
        for (int d = data.Rank - 1; d >= 0; d--)
        {
            position[d] = rest % data.Shape[d];
            rest /= data.Shape[d];
        }

        string at = data.Rank == 0 ? string.Empty : "[" + string.Join(",", position) + "]";
        return new ModelException(
            name,
            $"the data value {name}{at} = {value.ToString("G", CultureInfo.InvariantCulture)} is outside the support '{likelihood.Support.Name}' of its likelihood {likelihood.FamilyName}.");
    }
}
