using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using KlDivergence.Divergences;
using KlDivergence.Tensors;

namespace KlDivergence.Cli;

/// <summary>
/// Writes the tool's one-line JSON objects. Finite numbers use System.Text.Json's shortest round-trippable
/// invariant formatting; ±∞ and NaN are the strings "Infinity", "-Infinity" and "NaN".
/// </summary>
internal static class JsonOutput
{
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, Indented = false };

    public static string Line(Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, Options))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public static string Result(KlResult result) => Line(w =>
    {
        var value = result.Value;
        w.WritePropertyName("value");
        WriteTensor(w, value.Values, [.. value.Shape]);
        w.WriteString("method", MethodName(result.Method));
        w.WritePropertyName("standardError");
        var error = result.StandardError;
        if (error.Length == 1 && !error.Shape.SequenceEqual(value.Shape))
        {
            // A closed form's error is one scalar zero for the whole batch: spread it over the batch shape.
            var filled = new double[value.Length];
            Array.Fill(filled, error.Values[0]);
            WriteTensor(w, filled, [.. value.Shape]);
        }
        else
        {
            WriteTensor(w, error.Values, [.. error.Shape]);
        }

        w.WriteNumber("samples", result.SampleCount);
        if (result.Reason is not null)
        {
            // Why the value is +∞ by a rule, or why it cannot be vouched for.
            w.WriteString("reason", result.Reason);
        }
    });

    public static string Error(string message) => Line(w => w.WriteString("error", message));

    public static string MethodName(KlMethod method) => method switch
    {
        KlMethod.ClosedForm => "closed-form",
        KlMethod.Quadrature => "quadrature",
        KlMethod.MonteCarlo => "monte-carlo",
        KlMethod.Bound => "bound",
        KlMethod.NearestNeighbor => "nearest-neighbor",
        _ => method.ToString().ToLowerInvariant(),
    };

    public static void WriteNumber(Utf8JsonWriter writer, double value)
    {
        if (double.IsFinite(value))
        {
            writer.WriteNumberValue(value);
        }
        else
        {
            writer.WriteStringValue(double.IsNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity");
        }
    }

    /// <summary>A rank-0 tensor as a number, otherwise nested arrays following <paramref name="shape"/>.</summary>
    private static void WriteTensor(Utf8JsonWriter writer, ReadOnlySpan<double> values, int[] shape)
    {
        if (shape.Length == 0)
        {
            WriteNumber(writer, values[0]);
            return;
        }

        int offset = 0;
        WriteAxis(writer, values, shape, 0, ref offset);
    }

    private static void WriteAxis(Utf8JsonWriter writer, ReadOnlySpan<double> values, int[] shape, int axis, ref int offset)
    {
        writer.WriteStartArray();
        for (int i = 0; i < shape[axis]; i++)
        {
            if (axis == shape.Length - 1)
            {
                WriteNumber(writer, values[offset++]);
            }
            else
            {
                WriteAxis(writer, values, shape, axis + 1, ref offset);
            }
        }

        writer.WriteEndArray();
    }
}
