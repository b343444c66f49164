using System.Globalization;
using KlDivergence.Tensors;

namespace KlDivergence.Distributions;

/// <summary>
/// How a univariate distribution behaves on one side (left or right) of its support: how fast its log-density
/// falls (<see cref="DecayExponent"/>) and which absolute moments exist there (<see cref="MomentIndex"/>). The KL
/// layer uses the two together: when E_p[|X|^a] diverges on a side where log q(x) falls like -c|x|^a, then
/// E_p[-log q(X)] and hence KL(p ‖ q) are +∞.
/// </summary>
public sealed class Tail
{
    /// <summary>Creates a tail description.</summary>
    /// <param name="decayExponent">See <see cref="DecayExponent"/>; batch-broadcastable, non-negative.</param>
    /// <param name="momentIndex">See <see cref="MomentIndex"/>; batch-broadcastable, positive.</param>
    /// <param name="description">A short phrase for messages, e.g. "log-density falls like -|x|^2".</param>
    public Tail(Tensor decayExponent, Tensor momentIndex, string description)
    {
        ArgumentNullException.ThrowIfNull(decayExponent);
        ArgumentNullException.ThrowIfNull(momentIndex);
        ArgumentNullException.ThrowIfNull(description);
        DecayExponent = decayExponent;
        MomentIndex = momentIndex;
        Description = description;
    }

    /// <summary>
    /// An exponent a ≥ 0 such that log p(x) ≤ C - c|x|^a for some c &gt; 0 and all x far enough out on this side:
    /// 2 for the normal, 1 for Laplace, exponential and gamma right tails; +∞ for a bounded side or a density that
    /// falls faster than every power (the Gumbel's doubly exponential left tail); 0 when only polynomial decay is
    /// guaranteed (Cauchy, Pareto, log-normal). A lower bound is always safe: it only makes the rule say less.
    /// </summary>
    public Tensor DecayExponent { get; }

    /// <summary>
    /// The index m with E[|X|^r; X on this side] finite exactly when r &lt; m: 1 for the Cauchy, α for the Pareto,
    /// ν for Student's t, +∞ when every moment exists. The rule declares +∞ only from this exact threshold.
    /// </summary>
    public Tensor MomentIndex { get; }

    /// <summary>A short description for messages.</summary>
    public string Description { get; }

    /// <summary>The support ends on this side: no mass beyond a finite bound (every moment exists).</summary>
    public static Tail Bounded { get; } = new(double.PositiveInfinity, double.PositiveInfinity, "bounded");

    /// <summary>Falls faster than every power of |x| (doubly exponential, as the Gumbel's left tail, log p ≈ -e^{|x|}).</summary>
    public static Tail DoublyExponential { get; } = new(double.PositiveInfinity, double.PositiveInfinity, "log-density falls doubly exponentially");

    /// <summary>
    /// Falls faster than every polynomial but slower than every power exp(-c|x|^a) (the log-normal's right tail,
    /// log p ≈ -(log x)²/2σ²): every moment exists, but no power decay is guaranteed.
    /// </summary>
    public static Tail SlowerThanAnyPower { get; } = new(0.0, double.PositiveInfinity, "log-density falls like -(log|x|)^2");

    /// <summary>log p(x) ≈ -c|x|^a (a = 2: normal; a = 1: Laplace, exponential, gamma's right tail): every moment exists.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The exponent is not positive.</exception>
    public static Tail Power(double exponent)
    {
        if (!(exponent > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(exponent), exponent, $"A power tail needs a positive exponent, got {exponent.ToString(CultureInfo.InvariantCulture)}.");
        }

        return new Tail(exponent, double.PositiveInfinity, $"log-density falls like -|x|^{exponent.ToString("G4", CultureInfo.InvariantCulture)}");
    }

    /// <summary>
    /// Polynomial tail, density ≈ |x|^-(m+1) and log p ≈ -(m+1) log|x|: E|X|^r finite exactly for r &lt; m
    /// (Cauchy m = 1, Pareto m = α, Student's t m = ν).
    /// </summary>
    /// <param name="momentIndex">m, batch-broadcastable (detached; it only decides a verdict).</param>
    public static Tail Polynomial(Tensor momentIndex)
    {
        ArgumentNullException.ThrowIfNull(momentIndex);
        return new Tail(0.0, momentIndex.Detach(), "polynomial tail, density ~ |x|^-(m+1)");
    }

    /// <inheritdoc/>
    public override string ToString() => Description;
}
