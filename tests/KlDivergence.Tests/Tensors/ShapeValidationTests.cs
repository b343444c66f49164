using KlDivergence.Tensors;

namespace KlDivergence.Tests.Tensors;

public class ShapeValidationTests
{
    [Fact]
    public void AShapeWhoseProductOverflowsIsAClearError()
    {
        // 65536² = 2³² wraps to 0 in int arithmetic: the old code built a [65536, 65536] tensor holding 0 values.
        var act = () => Tensor.Zeros(65536, 65536);
        act.Should().Throw<ArgumentException>().Where(e => e.Message.Contains("[65536, 65536]") && e.Message.Contains("4294967296"));
        FluentActions.Invoking(() => Tensor.Full(1.0, 1 << 20, 1 << 12)).Should().Throw<ArgumentException>().WithMessage("*[1048576, 4096]*");
    }

    [Fact]
    public void AZeroDimensionMakesAnEmptyTensorWhateverTheOthers()
    {
        var t = Tensor.Zeros(65536, 65536, 0);
        t.Length.Should().Be(0);
        t.Shape.Should().Equal(65536, 65536, 0);
    }
}
