using System.Globalization;
using System.Text.Json;
using KlDivergence.Tensors;

namespace KlDivergence.Cli;

/// <summary>Reading numbers and tensors from JSON: a number is a scalar, nested arrays of numbers are a tensor (matrices are arrays of rows).</summary>
internal static class JsonValues
{
    /// <summary>A scalar or a rectangular nested array of numbers; "Infinity", "-Infinity" and "NaN" are accepted as numbers.</summary>
    public static Tensor ReadTensor(JsonElement element, string path)
    {
        if (element.ValueKind != JsonValueKind.Array)
        {
            return Tensor.Scalar(ReadNumber(element, path));
        }

        var shape = new List<int>();
        var probe = element;
        while (probe.ValueKind == JsonValueKind.Array)
        {
            int length = probe.GetArrayLength();
            if (length == 0)
            {
                throw new RequestException($"{path}: empty array; expected a number or a non-empty array of numbers");
            }

            shape.Add(length);
            probe = probe[0];
        }

        var values = new List<double>();
        Collect(element, shape, 0, path, values);
        return Tensor.FromArray(values.ToArray(), shape.ToArray());
    }

    public static double ReadNumber(JsonElement element, string path)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Number:
                return element.GetDouble();
            case JsonValueKind.String:
                string? text = element.GetString();
                return text switch
                {
                    "Infinity" or "+Infinity" => double.PositiveInfinity,
                    "-Infinity" => double.NegativeInfinity,
                    "NaN" => double.NaN,
                    _ => throw new RequestException($"{path}: expected a number, got the string \"{text}\""),
                };
            default:
                throw new RequestException($"{path}: expected a number or an array of numbers, got {Describe(element)}");
        }
    }

    public static string Describe(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => element.ValueKind.ToString(),
    };

    public static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static void Collect(JsonElement element, List<int> shape, int depth, string path, List<double> values)
    {
        if (depth == shape.Count)
        {
            if (element.ValueKind == JsonValueKind.Array)
            {
                throw new RequestException($"{path}: ragged array (nested deeper than its first element)");
            }

            values.Add(ReadNumber(element, path));
            return;
        }

        if (element.ValueKind != JsonValueKind.Array || element.GetArrayLength() != shape[depth])
        {
            throw new RequestException($"{path}: ragged array (every row must have {shape[depth]} entries at depth {depth + 1})");
        }

        foreach (var item in element.EnumerateArray())
        {
            Collect(item, shape, depth + 1, path, values);
        }
    }
}
