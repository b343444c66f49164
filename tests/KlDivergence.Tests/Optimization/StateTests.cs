using KlDivergence.Optimization;

namespace KlDivergence.Tests.Optimization;

public class StateTests
{
    [Fact]
    public void ResetReproducesTheTrajectory()
    {
        var opt = Optimizers.RmsProp(0.01, momentum: 0.9, centered: true);
        double[][] theta = Quadratic.Split(Quadratic.X0);
        var state = opt.Init(theta);

        double[] Steps()
        {
            theta = Quadratic.Split(Quadratic.X0);
            for (int t = 0; t < 5; t++)
            {
                double[][] u = Quadratic.Split(Quadratic.Gradient(Quadratic.Flatten(theta)));
                opt.Update(u, state, theta);
                Updates.Apply(theta, u);
            }

            return Quadratic.Flatten(theta);
        }

        double[] first = Steps();
        state.Reset();
        Steps().Should().Equal(first);
    }

    [Fact]
    public void AdamStateExposesMomentsAndCount()
    {
        var adam = new ScaleByAdam(0.5, 0.75);
        double[][] theta = [[0.0, 0.0]];
        var state = (ScaleByAdamState)adam.Init(theta);
        adam.Update([[2.0, -4.0]], state, theta);
        state.Count.Should().Be(1);
        state.FirstMoment[0].Should().Equal(1.0, -2.0);   // (1 − 0.5) g
        state.SecondMoment[0].Should().Equal(1.0, 4.0);   // (1 − 0.75) g²
        state.MaxSecondMoment.Should().BeEmpty();
    }

    [Fact]
    public void UpdatesApplyAddsInPlace()
    {
        double[][] p = [[1.0, 2.0], [3.0]];
        Updates.Apply(p, [[0.5, -1.0], [-3.0]]);
        p[0].Should().Equal(1.5, 1.0);
        p[1].Should().Equal(0.0);
    }
}
