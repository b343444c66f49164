using System.Numerics.Tensors;

namespace KlDivergence.Tensors;

/// <summary>
/// The bookkeeping of one <see cref="Tensor.Backward(Tensor)"/> pass on this thread: which gradient arrays it took
/// from <see cref="TensorPool"/> and how many pending gradients still read each one. An array goes back to the
/// pool when its last reader has been consumed, and is never pooled again once it becomes a leaf's
/// <see cref="Tensor.Grad"/> (it escapes to the caller). Backward rules may ask for arrays here (<see cref="Rent"/>)
/// for the gradients they return; a rule must not keep its gradient argument or its results after returning,
/// which is what makes the count exact.
/// </summary>
internal sealed class GradientPass
{
    [ThreadStatic]
    private static GradientPass? current;

    private readonly Dictionary<double[], int> readers = new(ReferenceEqualityComparer.Instance);
    private GradientPass? outer;

    /// <summary>Starts a pass on this thread (passes nest: a rule may run another pass).</summary>
    public static GradientPass Begin()
    {
        var pass = new GradientPass { outer = current };
        current = pass;
        return pass;
    }

    /// <summary>
    /// An array of <paramref name="length"/> elements (unspecified contents) for a gradient a backward rule returns:
    /// from the pool while a pass runs on this thread, else freshly allocated.
    /// </summary>
    public static double[] Rent(int length)
    {
        var pass = current;
        if (pass is null || length < TensorPool.MinLength)
        {
            return TensorPool.Rent(length);
        }

        var array = TensorPool.Rent(length);
        pass.readers[array] = 0;
        return array;
    }

    /// <summary>Like <see cref="Rent"/>, filled with zeros (see <see cref="TensorPool.RentZeroed"/>).</summary>
    public static double[] RentZeroed(int length)
    {
        var pass = current;
        if (pass is null || length < TensorPool.MinLength)
        {
            return TensorPool.RentZeroed(length);
        }

        var array = TensorPool.RentZeroed(length);
        pass.readers[array] = 0;
        return array;
    }

    /// <summary>Ends the pass (its untracked arrays stay with whoever holds them).</summary>
    public void End()
    {
        current = outer;
        readers.Clear();
    }

    /// <summary>A pending gradient now reads <paramref name="gradient"/>'s array.</summary>
    public void Hold(Tensor gradient)
    {
        if (readers.TryGetValue(gradient.Data, out int n))
        {
            readers[gradient.Data] = n + 1;
        }
    }

    /// <summary>A pending gradient reading <paramref name="gradient"/>'s array was consumed; the last one returns it.</summary>
    public void Release(Tensor gradient)
    {
        if (readers.TryGetValue(gradient.Data, out int n))
        {
            if (n <= 1)
            {
                readers.Remove(gradient.Data);
                TensorPool.Return(gradient.Data);
            }
            else
            {
                readers[gradient.Data] = n - 1;
            }
        }
    }

    /// <summary>A rule's result that was added into another gradient and is read by nothing else: returned now.</summary>
    public void Discard(Tensor gradient)
    {
        if (readers.TryGetValue(gradient.Data, out int n) && n == 0)
        {
            readers.Remove(gradient.Data);
            TensorPool.Return(gradient.Data);
        }
    }

    /// <summary>True when exactly one pending gradient reads this pooled array, so it may be added into in place.</summary>
    public bool IsExclusive(Tensor gradient) => readers.TryGetValue(gradient.Data, out int n) && n == 1;

    /// <summary>The array is handed to the caller (a leaf's gradient): it is never returned to the pool.</summary>
    public void Escape(Tensor gradient) => readers.Remove(gradient.Data);

    /// <summary>
    /// existing + addition as a pending gradient of the same shape: in place when this pass owns
    /// <paramref name="existing"/> alone, else into a new pooled array.
    /// </summary>
    public Tensor Accumulate(Tensor existing, Tensor addition)
    {
        if (!Shapes.Equal(existing.ShapeArray, addition.ShapeArray))
        {
            var sum = TensorOps.Add(existing, addition);
            Release(existing);
            Discard(addition);
            return sum;
        }

        if (IsExclusive(existing))
        {
            TensorPrimitives.Add(existing.Data, addition.Data, existing.Data);
            Discard(addition);
            return existing;
        }

        var buffer = Rent(existing.Length);
        TensorPrimitives.Add(existing.Data, addition.Data, buffer);
        var result = new Tensor(buffer, existing.ShapeArray);
        Hold(result);
        Release(existing);
        Discard(addition);
        return result;
    }

    /// <summary>
    /// The pending gradient of <paramref name="input"/> as an array this pass owns alone (zeros, or a copy of
    /// <paramref name="existing"/>), for a rule that scatters into it.
    /// </summary>
    public Tensor Exclusive(Tensor input, Tensor? existing)
    {
        if (existing is not null && IsExclusive(existing))
        {
            return existing;
        }

        var buffer = existing is null ? RentZeroed(input.Length) : Rent(input.Length);
        existing?.Data.CopyTo(buffer, 0);

        var result = new Tensor(buffer, input.ShapeArray);
        Hold(result);
        if (existing is not null)
        {
            Release(existing);
        }

        return result;
    }
}
