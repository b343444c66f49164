using System.Globalization;
using KlDivergence.Bijectors;
using KlDivergence.Constraints;
using KlDivergence.Distributions;
using KlDivergence.Tensors;

namespace KlDivergence.Models;

/// <summary>The supports, bijectors and value shapes behind <see cref="ModelContext"/>.</summary>
internal static class ModelSupport
{
    /// <summary>The bijector from the unconstrained space onto <paramref name="constraint"/> (its default).</summary>
    public static Bijector DefaultBijector(Constraint constraint, string name)
    {
        if (constraint.IsDiscrete)
        {
            throw new ModelException(name, $"its support '{constraint.Name}' is discrete; a latent variable needs a continuous support (sum a discrete variable out with a Factor).");
        }

        return constraint.DefaultBijector();
    }

    /// <summary>
    /// Throws when an element of <paramref name="data"/> is outside the support of <paramref name="likelihood"/>.
    /// A bound built from latent values (the check then carries the draw dimension) depends on the draw and is left
    /// to the log-density, which is -∞ there.
    /// </summary>
    public static void RequireInSupport(Distribution likelihood, Tensor data, string name, bool hasDraws)
    {
        var constraint = likelihood.SupportConstraint;
        var violation = constraint.FindViolation(data);
        if (violation is null)
        {
            return;
        }

        if (hasDraws)
        {
            Tensor inside;
            using (Tensor.NoGrad())
            {
                inside = constraint.Contains(data);
            }

            if (inside.Rank > data.Rank - constraint.EventRank)
            {
                return;
            }
        }

        throw new ModelException(name, $"the data are outside the support '{constraint.Name}' of the likelihood {likelihood.FamilyName}: {violation.Describe(name)}");
    }

    /// <summary>Throws when a given initial value is outside the variable's support.</summary>
    public static void RequireInSupport(Constraint support, Tensor value, Tensor given, string name)
    {
        var violation = support.FindViolation(value);
        if (violation is not null)
        {
            throw new ModelException(name, $"the initial value {Format(given)} is outside the variable's support '{support.Name}': {violation.Describe(name)}");
        }
    }

    /// <summary>A short rendering of a tensor for messages.</summary>
    public static string Format(Tensor t) =>
        t.Length <= 8
            ? "[" + string.Join(", ", t.ToArray().Select(v => v.ToString("G6", CultureInfo.InvariantCulture))) + "]"
            : $"(shape {Shapes.Format(t.Shape.AsSpan())})";

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
}
