using KlDivergence.Tensors;

namespace KlDivergence.Tests.Tensors;

public class NoGradScopeTests
{
    [Fact]
    public void DisposingTwiceIsHarmless()
    {
        var scope = Tensor.NoGrad();
        Tensor.IsGradEnabled.Should().BeFalse();
        scope.Dispose();
        scope.Dispose();
        Tensor.IsGradEnabled.Should().BeTrue();

        // A new scope still turns gradients off (on the old per-thread counter, left at -1, it turned them on).
        using (Tensor.NoGrad())
        {
            Tensor.IsGradEnabled.Should().BeFalse();
            (Tensor.Scalar(2.0, requiresGrad: true) * 3.0).RequiresGrad.Should().BeFalse();
        }

        Tensor.IsGradEnabled.Should().BeTrue();
    }

    [Fact]
    public void DisposingOnAnotherThreadEndsTheScopeAndPoisonsNeitherThread()
    {
        var scope = Tensor.NoGrad();
        bool enabledOnWorkerAfterDispose = false;
        var worker = new Thread(() =>
        {
            scope.Dispose();
            enabledOnWorkerAfterDispose = Tensor.IsGradEnabled;
        });
        worker.Start();
        worker.Join();

        enabledOnWorkerAfterDispose.Should().BeTrue();
        Tensor.IsGradEnabled.Should().BeTrue("the scope was ended, wherever that happened");
        (Tensor.Scalar(2.0, requiresGrad: true) * 3.0).RequiresGrad.Should().BeTrue();
    }

    [Fact]
    public void DisposingAnOuterScopeBeforeAnInnerOneKeepsGradientsOffUntilBothEnd()
    {
        var outer = Tensor.NoGrad();
        var inner = Tensor.NoGrad();
        outer.Dispose();
        Tensor.IsGradEnabled.Should().BeFalse();
        inner.Dispose();
        Tensor.IsGradEnabled.Should().BeTrue();
    }

    [Fact]
    public async Task TheScopeFollowsAnAwaitOntoAnotherThread()
    {
        var (before, after, enabledAfterAwait, enabledAtEnd, recordsAtEnd) = await AwaitInsideAScope();
        after.Should().NotBe(before);
        enabledAfterAwait.Should().BeFalse("the scope is still open after the await");
        enabledAtEnd.Should().BeTrue("leaving the using block ended it on the thread the code then ran on");
        recordsAtEnd.Should().BeTrue();
        Tensor.IsGradEnabled.Should().BeTrue();
    }

    [Fact]
    public async Task AScopeOpenedInsideAnAsyncMethodDoesNotLeakToItsCaller()
    {
        static async Task<IDisposable> OpenWithoutClosing()
        {
            var scope = Tensor.NoGrad();
            await Task.Yield();
            return scope;
        }

        var leaked = await OpenWithoutClosing();
        Tensor.IsGradEnabled.Should().BeTrue();
        leaked.Dispose();
    }

    private static async Task<(int Before, int After, bool EnabledAfterAwait, bool EnabledAtEnd, bool RecordsAtEnd)> AwaitInsideAScope()
    {
        int before = Environment.CurrentManagedThreadId;
        int after;
        bool enabledAfterAwait;
        using (Tensor.NoGrad())
        {
            // Always resumes on a new thread, never the one that opened the scope.
            await default(ResumeOnANewThread);
            after = Environment.CurrentManagedThreadId;
            enabledAfterAwait = Tensor.IsGradEnabled;
        }

        return (before, after, enabledAfterAwait, Tensor.IsGradEnabled, (Tensor.Scalar(2.0, requiresGrad: true) * 3.0).RequiresGrad);
    }

    /// <summary>An awaitable that never completes synchronously and runs its continuation on a new thread.</summary>
    private readonly struct ResumeOnANewThread : System.Runtime.CompilerServices.INotifyCompletion
    {
        public bool IsCompleted => false;

        public ResumeOnANewThread GetAwaiter() => this;

        public void OnCompleted(Action continuation) => new Thread(() => continuation()).Start();

        public void GetResult()
        {
        }
    }
}
