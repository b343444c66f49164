using System.Text.Json;
using KlDivergence.Distributions;
using KlDivergence.Divergences;

namespace KlDivergence.Cli;

/// <summary>One request: the two SPECs and the options, as read from a <c>kl batch</c> line or the <c>kl divergence</c> arguments.</summary>
internal sealed record Request(JsonElement P, JsonElement Q, KlMethodChoice Method, int? Samples, ulong? Seed)
{
    public static readonly string[] Fields = ["p", "q", "method", "samples", "seed"];

    public static readonly string[] MethodNames = ["auto", "closed-form", "quadrature", "monte-carlo"];

    /// <summary>Parses one JSON Lines request object.</summary>
    public static Request Parse(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new RequestException($"expected a request object {{\"p\": SPEC, \"q\": SPEC, ...}}, got {JsonValues.Describe(root)}");
        }

        var fields = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var property in root.EnumerateObject())
        {
            if (!Fields.Contains(property.Name, StringComparer.Ordinal))
            {
                throw new RequestException($"unknown field '{property.Name}' (fields: {string.Join(", ", Fields)})");
            }

            if (!fields.TryAdd(property.Name, property.Value))
            {
                throw new RequestException($"duplicate field '{property.Name}'");
            }
        }

        var p = fields.TryGetValue("p", out var pe) ? pe : throw new RequestException("missing field 'p'");
        var q = fields.TryGetValue("q", out var qe) ? qe : throw new RequestException("missing field 'q'");
        var method = KlMethodChoice.Auto;
        if (fields.TryGetValue("method", out var me))
        {
            string? name = me.ValueKind == JsonValueKind.String ? me.GetString() : null;
            method = ParseMethod(name) ?? throw new RequestException(
                $"method: expected one of {string.Join(", ", MethodNames)}, got {(name is null ? JsonValues.Describe(me) : $"\"{name}\"")}");
        }

        int? samples = null;
        if (fields.TryGetValue("samples", out var se))
        {
            samples = se.ValueKind == JsonValueKind.Number && se.TryGetInt32(out int n) && n >= 2
                ? n
                : throw new RequestException($"samples: expected an integer >= 2, got {se.GetRawText()}");
        }

        ulong? seed = null;
        if (fields.TryGetValue("seed", out var sd))
        {
            seed = sd.ValueKind == JsonValueKind.Number && sd.TryGetUInt64(out ulong s)
                ? s
                : throw new RequestException($"seed: expected a non-negative integer, got {sd.GetRawText()}");
        }

        return new Request(p, q, method, samples, seed);
    }

    public static KlMethodChoice? ParseMethod(string? name) => name switch
    {
        "auto" => KlMethodChoice.Auto,
        "closed-form" => KlMethodChoice.ClosedForm,
        "quadrature" => KlMethodChoice.Quadrature,
        "monte-carlo" => KlMethodChoice.MonteCarlo,
        _ => null,
    };

    /// <summary>Builds both distributions and computes KL(p ‖ q).</summary>
    public KlResult Evaluate()
    {
        Distribution p = SpecFactory.Build(P, "p");
        Distribution q = SpecFactory.Build(Q, "q");
        var options = new KlOptions { Method = Method };
        if (Samples is int n)
        {
            options = options with { SampleCount = n };
        }

        if (Seed is ulong s)
        {
            options = options with { Seed = s };
        }

        return Kl.Divergence(p, q, options);
    }
}
