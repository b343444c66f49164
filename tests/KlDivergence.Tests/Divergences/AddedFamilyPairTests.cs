using KlDivergence.Distributions;
using KlDivergence.Divergences;
using static KlDivergence.Tests.Divergences.ClosedFormPairTests;

namespace KlDivergence.Tests.Divergences;

/// <summary>
/// The closed-form pairs of the families added for issue 16, run through the same independent checks as
/// <see cref="ClosedFormPairTests"/>: seeded Monte Carlo within 5 standard errors, adaptive quadrature to 1e-8 (or the
/// exact sum for discrete pairs), finite-difference gradients, and +∞ by every applicable method for disjoint supports.
/// </summary>
public class AddedFamilyPairTests
{
    private static readonly ClosedFormPairTests Checks = new();

    private static Spec HC(double scale) => new("HalfCauchy", t => new HalfCauchy(t[0]), [scale]);

    /// <summary>Pairs with a finite divergence.</summary>
    public static TheoryData<Case> Finite => new()
    {
        new(HC(1.2), HC(0.4), Check.Continuous),
        new(HC(0.3), HC(2.5), Check.Continuous),
    };

    [Theory]
    [MemberData(nameof(Finite))]
    public void ClosedFormIsRegisteredAndWithinFiveStandardErrorsOfMonteCarlo(Case c) => Checks.ClosedFormIsRegisteredAndWithinFiveStandardErrorsOfMonteCarlo(c);

    [Theory]
    [MemberData(nameof(Finite))]
    public void ClosedFormMatchesQuadratureOrTheExactSum(Case c) => Checks.ClosedFormMatchesQuadratureOrTheExactSum(c);

    [Theory]
    [MemberData(nameof(Finite))]
    public void ClosedFormGradientsMatchFiniteDifferences(Case c) => Checks.ClosedFormGradientsMatchFiniteDifferences(c);

    [Fact]
    public void HalfCauchyMatchesTheWorkedClosedForm()
    {
        // log((γp + γq)²/(4γpγq)) at γp = 1.2, γq = 0.4: log(2.56/1.92) = log(4/3).
        Kl.Exact(new HalfCauchy(1.2), new HalfCauchy(0.4)).ToScalar().Should().BeApproximately(Math.Log(4.0 / 3.0), 1e-15);
    }
}
