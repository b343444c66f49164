using System.Globalization;

namespace KlDivergence.Samples.Plotting;

/// <summary>A colormap defined by evenly spaced RGB stops, linearly interpolated.</summary>
public sealed class Colormap
{
    private readonly (byte R, byte G, byte B)[] _stops;

    /// <summary>Initialises a colormap from CSS hex stops such as <c>#440154</c>.</summary>
    /// <param name="hexStops">At least two colours, from low to high.</param>
    public Colormap(params string[] hexStops)
    {
        ArgumentNullException.ThrowIfNull(hexStops);
        if (hexStops.Length < 2)
        {
            throw new ArgumentException("A colormap needs at least two stops.", nameof(hexStops));
        }

        _stops = hexStops.Select(Parse).ToArray();
    }

    /// <summary>Gets a viridis-like map (dark purple → blue → green → yellow), sampled at ten stops.</summary>
    public static Colormap Viridis { get; } = new(
        "#440154", "#482878", "#3e4989", "#31688e", "#26828e",
        "#1f9e89", "#35b779", "#6ece58", "#b5de2b", "#fde725");

    /// <summary>Gets a white-to-blue sequential map, useful for filled densities.</summary>
    public static Colormap Blues { get; } = new("#f7fbff", "#c6dbef", "#6baed6", "#2171b5", "#08306b");

    /// <summary>Gets a diverging blue-white-red map.</summary>
    public static Colormap CoolWarm { get; } = new("#3b4cc0", "#8db0fe", "#dddddd", "#f49a7b", "#b40426");

    /// <summary>Returns the colour at <paramref name="t"/> in [0, 1] (clamped) as <c>#rrggbb</c>.</summary>
    /// <param name="t">Position along the map.</param>
    /// <returns>A CSS hex colour.</returns>
    public string Map(double t)
    {
        if (double.IsNaN(t))
        {
            t = 0;
        }

        double pos = Math.Clamp(t, 0, 1) * (_stops.Length - 1);
        int i = Math.Min((int)Math.Floor(pos), _stops.Length - 2);
        double f = pos - i;
        (byte R, byte G, byte B) a = _stops[i], b = _stops[i + 1];
        return string.Create(
            CultureInfo.InvariantCulture,
            $"#{Lerp(a.R, b.R, f):x2}{Lerp(a.G, b.G, f):x2}{Lerp(a.B, b.B, f):x2}");
    }

    private static byte Lerp(byte a, byte b, double f) => (byte)Math.Round(a + ((b - a) * f));

    private static (byte R, byte G, byte B) Parse(string hex)
    {
        string s = hex.TrimStart('#');
        if (s.Length != 6 || !int.TryParse(s, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out int v))
        {
            throw new FormatException($"'{hex}' is not a #rrggbb colour.");
        }

        return ((byte)(v >> 16), (byte)(v >> 8), (byte)v);
    }
}
