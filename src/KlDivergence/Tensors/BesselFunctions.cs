using System.Runtime.CompilerServices;

namespace KlDivergence.Tensors;

/// <summary>
/// log I₀(x) and the ratio A(x) = I₁(x)/I₀(x) of modified Bessel functions of the first kind (the von Mises
/// normaliser and mean resultant length), each written once over <see cref="IWideLane{TSelf}"/> and run by
/// <see cref="LaneMap"/>. Below x = 20 the power series I_ν(x) = (x/2)^ν Σ qᵏ/(k!(k + ν)!), q = x²/4 (A&amp;S 9.6.10),
/// whose terms are all positive, to k = 35 (the rest is below 2⁻⁵⁶ of the sum at 20); log I₀ = log1p(q·Σ…) keeps
/// x²/4 exact as x → 0. From 20 on, the asymptotic series e⁻ˣ√(2πx) I_ν(x) = Σ aₖ(ν)/xᵏ (A&amp;S 9.7.1) to k = 25,
/// where the next term is below 2⁻⁵⁶; log I₀(x) = x - ½ log 2πx + log Σ, which cannot overflow. A vector computes
/// only the branches its lanes need, and each lane's value is its own branch's. Accuracy against mpmath is in the
/// tests.
/// </summary>
internal static class BesselFunctions
{
    /// <summary>Where the asymptotic series takes over from the power series.</summary>
    private const double AsymptoticFrom = 20;

    /// <summary>log I₀(x), even in x: 0 at 0, +∞ at ±∞, NaN for NaN.</summary>
    public static double LogI0(double x) => LaneMap.Scalar<LogI0Kernel>(x);

    /// <summary>I₁(x)/I₀(x), odd in x: 0 at 0, ±1 at ±∞, NaN for NaN.</summary>
    public static double Ratio(double x) => LaneMap.Scalar<RatioKernel>(x);

    /// <summary>Writes log I₀(x) element by element (the spans may be the same).</summary>
    public static void LogI0(ReadOnlySpan<double> x, Span<double> y) => LaneMap.Map<LogI0Kernel>(x, y);

    /// <summary>Writes I₁(x)/I₀(x) element by element (the spans may be the same).</summary>
    public static void Ratio(ReadOnlySpan<double> x, Span<double> y) => LaneMap.Map<RatioKernel>(x, y);

    /// <summary>1/(k!)² for k = 1 … 35: I₀(x) = 1 + Σ qᵏ/(k!)², q = x²/4 (A&amp;S 9.6.10).</summary>
    private static readonly double[] SeriesI0 =
    [
        1.0, 0.25, 0.027777777777777776, 0.001736111111111111, 6.944444444444444e-05, 1.9290123456790124e-06,
        3.936759889140842e-08, 6.151187326782565e-10, 7.594058428126624e-12, 7.594058428126623e-14,
        6.276081345559193e-16, 4.358389823304995e-18, 2.5789288895295828e-20, 1.3157800456783586e-22,
        5.8479113141260385e-25, 2.2843403570804838e-27, 7.904291893012054e-30, 2.4395962632753253e-32,
        6.757884385804225e-35, 1.6894710964510564e-37, 3.8310002187098785e-40, 7.915289708078262e-43,
        1.4962740468957016e-45, 2.5976979980828152e-48, 4.156316796932504e-51, 6.14839762859838e-54,
        8.434015951438106e-57, 1.0757673407446564e-59, 1.2791526049282477e-62, 1.4212806721424974e-65,
        1.4789601166935458e-68, 1.4442969889585408e-71, 1.3262598613026087e-74, 1.147283617043779e-77,
        9.365580547296156e-81
    ];
    /// <summary>1/(k!(k + 1)!) for k = 0 … 35: I₁(x) = (x/2) Σ qᵏ/(k!(k + 1)!).</summary>
    private static readonly double[] SeriesI1 =
    [
        1.0, 0.5, 0.08333333333333333, 0.006944444444444444, 0.00034722222222222224, 1.1574074074074073e-05,
        2.755731922398589e-07, 4.920949861426052e-09, 6.834652585313961e-11, 7.594058428126623e-13,
        6.903689480115112e-15, 5.230067787965994e-17, 3.352607556388458e-19, 1.842092063949702e-21,
        8.771866971189057e-24, 3.654944571328774e-26, 1.3437296218120491e-28, 4.391273273895586e-31,
        1.2839980333028028e-33, 3.3789421929021126e-36, 8.045100459290744e-39, 1.7413637357772174e-41,
        3.4414303078601135e-44, 6.234475195398757e-47, 1.0390791992331261e-49, 1.5985833834355786e-52,
        2.2771843068882885e-55, 3.0121485540850376e-58, 3.7095425542919185e-61, 4.263842016427493e-64,
        4.5847763617499917e-67, 4.6217503646673306e-70, 4.376657542298608e-73, 3.900764297948849e-76,
        3.2779531915536543e-79, 2.60155015202671e-82
    ];
    /// <summary>The coefficients of 1/xᵏ in e⁻ˣ√(2πx) I₀(x) for k = 0 … 25 (A&amp;S 9.7.1 with ν = 0).</summary>
    private static readonly double[] AsymptoticI0 =
    [
        1.0, 0.125, 0.0703125, 0.0732421875, 0.112152099609375, 0.22710800170898438, 0.5725014209747314,
        1.7277275025844574, 6.074042001273483, 24.380529699556064, 110.01714026924674, 551.3358961220206,
        3038.090510922384, 18257.755474293175, 118838.42625678325, 832859.3040162893, 6252951.493434797,
        50069589.531988926, 425939216.5047669, 3836255180.2304335, 36468400807.06556, 364901081884.98334,
        3833534661393.9443, 42189715702840.97, 485401468685290.06, 5827244631566907.0
    ];
    /// <summary>The coefficients of 1/xᵏ in e⁻ˣ√(2πx) I₁(x) for k = 0 … 25 (A&amp;S 9.7.1 with ν = 1).</summary>
    private static readonly double[] AsymptoticI1 =
    [
        1.0, -0.375, -0.1171875, -0.1025390625, -0.144195556640625, -0.2775764465332031, -0.6765925884246826,
        -1.993531733751297, -6.883914268109947, -27.248827311268542, -121.59789187653587, -603.8440767050702,
        -3302.2722944808525, -19718.37591223663, -127641.2726461746, -890297.8767070678, -6656367.718817688,
        -53104110.10968523, -450278600.3050393, -4043620325.107754, -38338575207.427895, -382701134659.8606,
        -4011838599133.1978, -44064814178522.79, -506056850331472.6, -6065091351222699.0
    ];

    /// <summary>The lanes below <see cref="AsymptoticFrom"/>, as a mask and as bits, and the bits of every lane.</summary>
    private static (T Small, uint Bits, uint All) Branches<T>(T x)
        where T : struct, IWideLane<T>
    {
        var small = T.LessThan(x, T.Create(AsymptoticFrom));
        return (small, T.MaskBits(small), (1u << T.Count) - 1);
    }

    private readonly struct LogI0Kernel : ILaneKernel
    {
        public static double DomainScale => 1;

        [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
        public static T Lanes<T>(T x)
            where T : struct, IWideLane<T>
        {
            var (small, bits, all) = Branches(x);
            var one = T.Create(1);
            T fromSeries = default, fromAsymptotic = default;
            if (bits != 0)
            {
                // log(1 + f), f = I₀ - 1 = q Σ qᵏ/((k + 1)!)²: by the atanh series while f ≤ √2 - 1, else directly.
                var half = x * T.Create(0.5);
                var q = half * half;
                var f = q * LaneMath.Horner(SeriesI0, SeriesI0.Length, q);
                var (u, tail) = LaneMath.Log1pParts(f);
                fromSeries = T.Select(T.LessThan(f, T.Create(0.41421356237309503)), (T.Create(2) * u) + tail, LaneMath.Log(one + f));
            }

            if (bits != all)
            {
                var sum = LaneMath.Horner(AsymptoticI0, AsymptoticI0.Length, one / x);
                fromAsymptotic = (x - (T.Create(0.5) * LaneMath.Log(T.Create(Math.Tau) * x))) + LaneMath.Log(sum);
            }

            return T.Select(small, fromSeries, fromAsymptotic);
        }

        public static double Outside(double x)
        {
            if (double.IsNaN(x))
            {
                return double.NaN;
            }

            if (x < 0)
            {
                return LogI0(-x);
            }

            // Tiny arguments: log I₀(x) = x²/4 - …; infinite ones: +∞.
            return x < 2.2250738585072014E-308 ? 0.25 * x * x : x;
        }
    }

    private readonly struct RatioKernel : ILaneKernel
    {
        public static double DomainScale => 1;

        [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
        public static T Lanes<T>(T x)
            where T : struct, IWideLane<T>
        {
            var (small, bits, all) = Branches(x);
            var one = T.Create(1);
            T fromSeries = default, fromAsymptotic = default;
            if (bits != 0)
            {
                var half = x * T.Create(0.5);
                var q = half * half;
                var i1 = half * LaneMath.Horner(SeriesI1, SeriesI1.Length, q);
                fromSeries = i1 / (one + (q * LaneMath.Horner(SeriesI0, SeriesI0.Length, q)));
            }

            if (bits != all)
            {
                var w = one / x;
                var i1 = LaneMath.Horner(AsymptoticI1, AsymptoticI1.Length, w);
                fromAsymptotic = i1 / LaneMath.Horner(AsymptoticI0, AsymptoticI0.Length, w);
            }

            return T.Select(small, fromSeries, fromAsymptotic);
        }

        public static double Outside(double x)
        {
            if (double.IsNaN(x))
            {
                return double.NaN;
            }

            if (x < 0)
            {
                return -Ratio(-x);
            }

            // Tiny arguments: A(x) = x/2 - x³/16 + …; infinite ones: 1.
            return x < 2.2250738585072014E-308 ? 0.5 * x : 1;
        }
    }
}
