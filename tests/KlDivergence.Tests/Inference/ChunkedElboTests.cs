using KlDivergence.Inference;
using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Tests.Inference;

/// <summary>
/// ELBO estimates of more than one chunk (4096 draws): each chunk drawn from its own stream, so with gradients off
/// the chunks are drawn on any number of workers and give the same bits, and with gradients on the joined draws
/// give the same value again. The reference is the ELBO of a mean-field normal against an unnormalised diagonal normal,
/// worked in closed form: Σⱼ -((μⱼ - mⱼ)² + σⱼ²)/(2sⱼ²) + Σⱼ (½ + ½ log 2π + log σⱼ).
/// </summary>
public class ChunkedElboTests
{
    private static readonly double[] M = [0.7, -1.2];
    private static readonly double[] S = [1.3, 0.6];
    private const int N = (3 * Elbo.ChunkSize) + 5;

    /// <summary>log p̃(z) = Σⱼ -½((zⱼ - mⱼ)/sⱼ)², one sample per row, without its normaliser.</summary>
    private static Tensor Target(Tensor z)
    {
        var standardised = (z - Tensor.Vector(M)) / Tensor.Vector(S);
        return (standardised.Square() * -0.5).Sum(1);
    }

    private static MeanFieldNormal Surrogate()
    {
        var s = new MeanFieldNormal(2);
        s.Loc.Assign(Tensor.Vector(0.2, -0.4));
        s.Scale.Assign(Tensor.Vector(0.9, 0.5));
        return s;
    }

    private static double ClosedForm(double[] mu, double[] sigma)
    {
        double elbo = 0;
        for (int j = 0; j < 2; j++)
        {
            double d = mu[j] - M[j];
            elbo += (-((d * d) + (sigma[j] * sigma[j])) / (2 * S[j] * S[j])) + 0.5 + (0.5 * Math.Log(2 * Math.PI)) + Math.Log(sigma[j]);
        }

        return elbo;
    }

    [Theory]
    [InlineData(ElboGradient.Reparameterized)]
    [InlineData(ElboGradient.StickingTheLanding)]
    [InlineData(ElboGradient.AnalyticEntropy)]
    public void ChunksGiveTheSameBitsOnOneTwoAndEightWorkersAndWithGradients(ElboGradient gradient)
    {
        var surrogate = Surrogate();
        var estimates = Workers.Each(() =>
        {
            using var scope = Tensor.NoGrad();
            var e = Elbo.Estimate(Target, surrogate, N, new RandomStream(21UL), gradient);
            e.SampleCount.Should().Be(N);
            e.Value.RequiresGrad.Should().BeFalse();
            return (Value: e.Value.ToScalar(), Error: e.StandardError);
        });

        estimates[1].Should().Be(estimates[0]);
        estimates[2].Should().Be(estimates[0]);

        // With gradients on, the same chunk streams joined and the target called once: the same terms for this
        // target (each sample's value computed alone), so the same estimate, now differentiable.
        var recorded = Elbo.Estimate(Target, surrogate, N, new RandomStream(21UL), gradient);
        recorded.Value.RequiresGrad.Should().BeTrue();
        recorded.Value.ToScalar().Should().Be(estimates[0].Value);
        recorded.StandardError.Should().Be(estimates[0].Error);

        // Unbiased for the closed form, within five standard errors.
        double expected = ClosedForm([0.2, -0.4], [0.9, 0.5]);
        estimates[0].Value.Should().BeApproximately(expected, 5 * estimates[0].Error);
    }

    [Fact]
    public void TheJoinedDrawsCarryThePathwiseGradient()
    {
        // ∂ELBO/∂μⱼ = -(μⱼ - mⱼ)/sⱼ²; the pathwise estimate averages -(zⱼ - mⱼ)/sⱼ² over the draws, whose standard
        // error is σⱼ/(sⱼ² √n).
        var surrogate = Surrogate();
        Elbo.Estimate(Target, surrogate, N, new RandomStream(5UL)).Value.Backward();
        var grad = surrogate.Loc.Unconstrained.Grad!.ToArray();
        double[] mu = [0.2, -0.4], sigma = [0.9, 0.5];
        for (int j = 0; j < 2; j++)
        {
            double expected = -(mu[j] - M[j]) / (S[j] * S[j]);
            double error = sigma[j] / (S[j] * S[j] * Math.Sqrt(N));
            grad[j].Should().BeApproximately(expected, 5 * error);
        }
    }

    [Fact]
    public void UpToOneChunkTheDrawsComeFromTheCallersStreamAsBefore()
    {
        // One chunk or fewer: the samples are the surrogate's own draws from the caller's stream, so the estimate is
        // the mean of the terms worked here from the same draws.
        var surrogate = Surrogate();
        using var scope = Tensor.NoGrad();
        var e = Elbo.Estimate(Target, surrogate, Elbo.ChunkSize, new RandomStream(8UL));
        var z = surrogate.Distribution.Sample(Elbo.ChunkSize, new RandomStream(8UL)).ToArray();
        double sum = 0;
        for (int i = 0; i < Elbo.ChunkSize; i++)
        {
            double logTarget = 0, logQ = 0;
            for (int j = 0; j < 2; j++)
            {
                double x = z[(2 * i) + j];
                double[] mu = [0.2, -0.4], sigma = [0.9, 0.5];
                logTarget += -0.5 * ((x - M[j]) / S[j]) * ((x - M[j]) / S[j]);
                logQ += (-0.5 * ((x - mu[j]) / sigma[j]) * ((x - mu[j]) / sigma[j])) - Math.Log(sigma[j]) - (0.5 * Math.Log(2 * Math.PI));
            }

            sum += logTarget - logQ;
        }

        e.Value.ToScalar().Should().BeApproximately(sum / Elbo.ChunkSize, 1e-12);
    }

    [Fact]
    public void TheTargetIsCalledOnceOnTheCallersThreadWhateverTheWorkers()
    {
        // A user's target need not be thread-safe: the chunks are drawn on the workers, the target sees every draw at
        // once on the calling thread. A wrong shape is named as for any one call.
        int calls = 0;
        int caller = Environment.CurrentManagedThreadId;
        Tensor Counting(Tensor z)
        {
            calls++;
            Environment.CurrentManagedThreadId.Should().Be(caller);
            z.Shape[0].Should().Be(N);
            return Target(z);
        }

        Workers.With(8, () =>
        {
            using var scope = Tensor.NoGrad();
            Elbo.Estimate(Counting, Surrogate(), N, new RandomStream(3UL));
            var act = () => Elbo.Estimate(z => z, Surrogate(), N, new RandomStream(3UL));
            act.Should().Throw<ArgumentException>().WithMessage($"*must return shape [{N}]*");
        });
        calls.Should().Be(1);
    }
}
