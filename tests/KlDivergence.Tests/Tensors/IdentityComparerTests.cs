using KlDivergence.Tensors;

namespace KlDivergence.Tests.Tensors;

/// <summary>The backward pass's identity comparer: equal only to itself, whatever the values, storage or hash numbers.</summary>
public class IdentityComparerTests
{
    [Fact]
    public void ATensorEqualsOnlyItselfEvenWhenSharingStorageOrAHashNumber()
    {
        var a = Tensor.Vector(1.0, 2.0);
        var view = a.Detach();
        var copy = a.Clone();
        var comparer = IdentityComparer.Instance;
        comparer.Equals(a, a).Should().BeTrue();
        comparer.Equals(a, view).Should().BeFalse("a detached view shares the array but is another tensor");
        comparer.Equals(a, copy).Should().BeFalse();
        comparer.Equals(a, null).Should().BeFalse();
        comparer.GetHashCode(a!).Should().Be(a!.HashId);

        // Many tensors in one set: every one found, none confused with another (hash numbers may repeat).
        var set = new HashSet<Tensor>(comparer);
        var tensors = Enumerable.Range(0, 1000).Select(i => Tensor.Scalar(i % 7)).ToList();
        tensors.ForEach(t => set.Add(t).Should().BeTrue());
        tensors.Should().OnlyContain(t => set.Contains(t));
        set.Contains(Tensor.Scalar(3)).Should().BeFalse();
    }
}
