namespace KlDivergence.Tensors;

/// <summary>
/// A scope, started by <see cref="Tensor.NoGrad"/>, in which tensor operations record no graph.
/// Dispose it (a <c>using</c> statement) to end the scope.
/// </summary>
/// <remarks>
/// <para>
/// The scope belongs to the logical flow of control that started it, not to a thread: it is held in an
/// <see cref="AsyncLocal{T}"/>, so it follows an <c>await</c> onto whatever thread the continuation runs on
/// and flows into tasks started inside it, and a change made inside an async method never leaks to its caller.
/// </para>
/// <para>
/// Disposing is idempotent (a second dispose does nothing) and ends the scope wherever it is disposed: gradients
/// are off exactly while the flow has a scope that is not yet disposed, so a scope disposed twice, out of order
/// or on another thread can never turn gradients off for good, nor turn them on inside another live scope.
/// </para>
/// </remarks>
public sealed class NoGradScope : IDisposable
{
    private static readonly AsyncLocal<NoGradScope?> Current = new();

    // Undisposed scopes in the process: while it is zero (most of a fit's forward pass) IsGradEnabled is one
    // read of this field and skips the AsyncLocal lookup.
    private static int liveScopes;

    private readonly NoGradScope? parent;
    private int disposed;

    private NoGradScope(NoGradScope? parent) => this.parent = parent;

    /// <summary>True when this scope has been disposed.</summary>
    public bool IsDisposed => Volatile.Read(ref disposed) != 0;

    /// <summary>False while the current flow has a live scope.</summary>
    internal static bool IsGradEnabled
    {
        get
        {
            if (Volatile.Read(ref liveScopes) == 0)
            {
                return true;
            }

            for (var scope = Current.Value; scope is not null; scope = scope.parent)
            {
                if (!scope.IsDisposed)
                {
                    return false;
                }
            }

            return true;
        }
    }

    /// <summary>Starts a scope nested in the current flow's innermost one.</summary>
    internal static NoGradScope Enter()
    {
        var scope = new NoGradScope(Current.Value);
        Interlocked.Increment(ref liveScopes);
        Current.Value = scope;
        return scope;
    }

    /// <summary>Ends the scope; a second call does nothing.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0)
        {
            return;
        }

        Interlocked.Decrement(ref liveScopes);

        // In the flow that owns it, pop back to the nearest live enclosing scope. Elsewhere (another thread
        // that did not inherit it) there is nothing to pop: the disposed flag already ends it for its owner.
        if (ReferenceEquals(Current.Value, this))
        {
            var live = parent;
            while (live is not null && live.IsDisposed)
            {
                live = live.parent;
            }

            Current.Value = live;
        }
    }
}
