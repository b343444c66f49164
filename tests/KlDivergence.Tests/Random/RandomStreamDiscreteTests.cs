using KlDivergence.Random;

namespace KlDivergence.Tests.Random;

/// <summary>Argument checks and reproducibility of the Poisson and binomial draws of <see cref="RandomStream"/>.</summary>
public class RandomStreamDiscreteTests
{
    [Fact]
    public void SameSeedGivesBitIdenticalDraws()
    {
        var a = new RandomStream(77);
        var b = new RandomStream(77);
        for (int i = 0; i < 1000; i++)
        {
            a.NextPoisson(3e13).Should().Be(b.NextPoisson(3e13));
            a.NextBinomial(1e15, 0.4).Should().Be(b.NextBinomial(1e15, 0.4));
            a.NextBinomial(30, 0.1).Should().Be(b.NextBinomial(30, 0.1));
        }
    }

    [Fact]
    public void EdgeParametersGiveTheirOnlyValue()
    {
        var rng = new RandomStream(5);
        rng.NextBinomial(0, 0.3).Should().Be(0);
        rng.NextBinomial(1e15, 0).Should().Be(0);
        rng.NextBinomial(1e15, 1).Should().Be(1e15);
        rng.NextBinomial(9007199254740992.0, 1).Should().Be(9007199254740992.0);
    }

    [Fact]
    public void BadArgumentsAreRejectedWithNameAndValue()
    {
        var rng = new RandomStream(1);
        FluentActions.Invoking(() => rng.NextBinomial(1e16, 0.5)).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("count").WithMessage("*10000000000000000*");
        FluentActions.Invoking(() => rng.NextBinomial(2.5, 0.5)).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("count").WithMessage("*2.5*");
        FluentActions.Invoking(() => rng.NextBinomial(-1, 0.5)).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("count");
        FluentActions.Invoking(() => rng.NextBinomial(10, 1.5)).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("probability").WithMessage("*1.5*");
        FluentActions.Invoking(() => rng.NextBinomial(10, double.NaN)).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("probability");
        FluentActions.Invoking(() => rng.NextPoisson(0)).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("rate");
        FluentActions.Invoking(() => rng.NextPoisson(double.PositiveInfinity)).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("rate");
    }
}
