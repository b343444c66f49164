using System.Text.Json;
using KlDivergence.Divergences;

namespace KlDivergence.Cli;

/// <summary>
/// The <c>kl</c> command-line tool (contract: CLI.md). <see cref="Run"/> is the whole program with its streams
/// passed in, so tests can drive it in process; <c>Main</c> calls it with the console's.
/// </summary>
public static class KlProgram
{
    /// <summary>Exit code for success (and for <c>kl batch</c> once every line was read, whatever the answers).</summary>
    public const int Success = 0;

    /// <summary>Exit code when <c>kl divergence</c> could not answer its request (the error object is on stdout).</summary>
    public const int RequestFailed = 1;

    /// <summary>Exit code for bad command-line usage (the usage message is on stderr).</summary>
    public const int UsageError = 2;

    /// <summary>The usage text.</summary>
    public const string Usage = """
        usage:
          kl divergence --p SPEC --q SPEC [--method auto|closed-form|quadrature|monte-carlo] [--samples N] [--seed S]
              KL(p || q) for two distributions given as JSON SPECs; prints one JSON result line.
          kl batch
              reads JSON Lines requests {"p": SPEC, "q": SPEC, "method": ..., "samples": N, "seed": S} from stdin,
              writes one JSON result (or {"error": ...}) per line, in order.
          kl families      every family and its parameter names (one JSON object per line)
          kl pairs         every registered closed-form pair (one JSON object per line)

        SPEC: {"family": "Normal", "loc": 0, "scale": 1}; a parameter given as an array makes a batch; matrices are arrays of rows.
        example: kl divergence --p '{"family":"Normal","loc":0,"scale":2}' --q '{"family":"Normal","loc":1,"scale":4}'
        """;

    /// <summary>Runs the tool on <paramref name="args"/> and returns the process exit code.</summary>
    public static int Run(string[] args, TextReader stdin, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdin);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        if (args.Length == 0)
        {
            return UsageFailure(stderr, "no command given");
        }

        if (args.Any(a => a is "--help" or "-h" or "help"))
        {
            stdout.WriteLine(Usage);
            return Success;
        }

        string command = args[0];
        string[] rest = args[1..];
        switch (command)
        {
            case "divergence":
                return Divergence(rest, stdout, stderr);
            case "batch" or "families" or "pairs" when rest.Length > 0:
                return UsageFailure(stderr, $"'{command}' takes no arguments, got '{rest[0]}'");
            case "batch":
                return Batch(stdin, stdout);
            case "families":
                Families(stdout);
                return Success;
            case "pairs":
                Pairs(stdout);
                return Success;
            default:
                return UsageFailure(stderr, $"unknown command '{command}'");
        }
    }

    /// <summary>Answers one already-read JSON Lines request: a result line or an error line.</summary>
    public static string AnswerLine(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        if (string.IsNullOrWhiteSpace(line))
        {
            return JsonOutput.Error("empty line: expected a JSON request object {\"p\": SPEC, \"q\": SPEC}");
        }

        try
        {
            using var document = JsonDocument.Parse(line);
            return JsonOutput.Result(Request.Parse(document.RootElement).Evaluate());
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return JsonOutput.Error(ErrorMessage(e));
        }
    }

    /// <summary>The message shown for a failure: the library's message without .NET's parameter and actual-value suffixes.</summary>
    public static string ErrorMessage(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        switch (exception)
        {
            case RequestException:
                return exception.Message;
            case JsonException json:
                return $"malformed JSON: {json.Message}";
            case ArgumentException or InvalidOperationException or ArithmeticException or NotSupportedException:
                string message = exception.Message;
                if (exception is ArgumentOutOfRangeException { ActualValue: not null })
                {
                    int at = message.LastIndexOf(Environment.NewLine + "Actual value was", StringComparison.Ordinal);
                    if (at >= 0)
                    {
                        message = message[..at];
                    }
                }

                if (exception is ArgumentException { ParamName: { } name })
                {
                    string suffix = $" (Parameter '{name}')";
                    if (message.EndsWith(suffix, StringComparison.Ordinal))
                    {
                        message = message[..^suffix.Length];
                    }
                }

                return message;
            default:
                return $"internal error ({exception.GetType().Name}): {exception.Message}";
        }
    }

    private static int Divergence(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i < args.Length; i++)
        {
            string arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                return UsageFailure(stderr, $"unexpected argument '{arg}'");
            }

            string name;
            string value;
            int eq = arg.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                name = arg[2..eq];
                value = arg[(eq + 1)..];
            }
            else
            {
                name = arg[2..];
                if (i + 1 >= args.Length)
                {
                    return UsageFailure(stderr, $"option --{name} needs a value");
                }

                value = args[++i];
            }

            if (name is not ("p" or "q" or "method" or "samples" or "seed"))
            {
                return UsageFailure(stderr, $"unknown option --{name}");
            }

            if (!options.TryAdd(name, value))
            {
                return UsageFailure(stderr, $"option --{name} given twice");
            }
        }

        foreach (string required in (string[])["p", "q"])
        {
            if (!options.ContainsKey(required))
            {
                return UsageFailure(stderr, $"missing --{required} SPEC");
            }
        }

        var method = KlMethodChoice.Auto;
        if (options.TryGetValue("method", out string? methodName))
        {
            if (Request.ParseMethod(methodName) is not { } parsed)
            {
                return UsageFailure(stderr, $"--method must be one of {string.Join(", ", Request.MethodNames)}, got '{methodName}'");
            }

            method = parsed;
        }

        int? samples = null;
        if (options.TryGetValue("samples", out string? samplesText))
        {
            if (!int.TryParse(samplesText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int n) || n < 2)
            {
                return UsageFailure(stderr, $"--samples must be an integer >= 2, got '{samplesText}'");
            }

            samples = n;
        }

        ulong? seed = null;
        if (options.TryGetValue("seed", out string? seedText))
        {
            if (!ulong.TryParse(seedText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out ulong s))
            {
                return UsageFailure(stderr, $"--seed must be a non-negative integer, got '{seedText}'");
            }

            seed = s;
        }

        try
        {
            using var p = ParseSpecArgument(options["p"], "p");
            using var q = ParseSpecArgument(options["q"], "q");
            var result = new Request(p.RootElement, q.RootElement, method, samples, seed).Evaluate();
            stdout.WriteLine(JsonOutput.Result(result));
            return Success;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            stdout.WriteLine(JsonOutput.Error(ErrorMessage(e)));
            return RequestFailed;
        }
    }

    private static JsonDocument ParseSpecArgument(string text, string name)
    {
        try
        {
            return JsonDocument.Parse(text);
        }
        catch (JsonException e)
        {
            throw new RequestException($"{name}: malformed JSON: {e.Message}", e);
        }
    }

    private static int Batch(TextReader stdin, TextWriter stdout)
    {
        while (stdin.ReadLine() is { } line)
        {
            stdout.WriteLine(AnswerLine(line));
            stdout.Flush();
        }

        return Success;
    }

    private static void Families(TextWriter stdout)
    {
        foreach (var family in FamilyTable.All)
        {
            stdout.WriteLine(JsonOutput.Line(w =>
            {
                w.WriteString("family", family.Name);
                w.WriteStartArray("parameters");
                foreach (string parameter in family.Parameters)
                {
                    w.WriteStringValue(parameter);
                }

                w.WriteEndArray();
                if (family.Groups.Count > 0)
                {
                    w.WriteStartArray("oneOf");
                    foreach (string[] group in family.Groups)
                    {
                        w.WriteStartArray();
                        foreach (string parameter in group)
                        {
                            w.WriteStringValue(parameter);
                        }

                        w.WriteEndArray();
                    }

                    w.WriteEndArray();
                }
            }));
        }
    }

    private static void Pairs(TextWriter stdout)
    {
        var pairs = KlRegistry.Default.ReachablePairs
            .Select(pair => (P: pair.P.Name, Q: pair.Q.Name))
            .OrderBy(pair => pair.P, StringComparer.Ordinal)
            .ThenBy(pair => pair.Q, StringComparer.Ordinal);
        foreach (var (p, q) in pairs)
        {
            stdout.WriteLine(JsonOutput.Line(w =>
            {
                w.WriteString("p", p);
                w.WriteString("q", q);
            }));
        }
    }

    private static int UsageFailure(TextWriter stderr, string problem)
    {
        stderr.WriteLine($"kl: {problem}");
        stderr.WriteLine(Usage);
        return UsageError;
    }
}
