using System.Globalization;
using KlDivergence.Optimization;
using Spectre.Console;

namespace KlDivergence.Samples.SampleKit;

/// <summary>
/// Writes a sample's report: Spectre.Console tables, rules and progress bars on an interactive console, plain
/// text lines when the output is redirected or is not the console (tests and the tour parse those lines).
/// Key numbers are always written as stable <c>KEY = value</c> lines.
/// </summary>
public sealed class SampleConsole
{
    private readonly TextWriter output;

    public SampleConsole(TextWriter output)
    {
        this.output = output;
        Rich = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;
    }

    /// <summary>Whether Spectre.Console rendering is used.</summary>
    public bool Rich { get; }

    public static string F(double value, string format = "F4") => value.ToString(format, CultureInfo.InvariantCulture);

    public static string Vec(IEnumerable<double> values, string format = "F4") => "[" + string.Join(", ", values.Select(v => F(v, format))) + "]";

    public void Heading(string text)
    {
        if (Rich)
        {
            AnsiConsole.Write(new Rule($"[bold]{Markup.Escape(text)}[/]").LeftJustified());
        }
        else
        {
            output.WriteLine();
            output.WriteLine($"== {text}");
        }
    }

    public void Line(string text)
    {
        if (Rich)
        {
            AnsiConsole.WriteLine(text);
        }
        else
        {
            output.WriteLine(text);
        }
    }

    /// <summary>A key number as <c>KEY = value</c> (plain in both modes, so it is greppable).</summary>
    public void Key(string key, double value, string format = "F4", string? note = null) =>
        Line(note is null ? $"{key} = {F(value, format)}" : $"{key} = {F(value, format)} ({note})");

    public void Table(string title, IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows)
    {
        if (Rich)
        {
            var table = new Table { Title = new TableTitle(Markup.Escape(title)) }.RoundedBorder();
            foreach (var h in headers)
            {
                table.AddColumn(new TableColumn(Markup.Escape(h)).RightAligned());
            }

            foreach (var row in rows)
            {
                table.AddRow(row.Select(Markup.Escape).ToArray());
            }

            AnsiConsole.Write(table);
            return;
        }

        output.WriteLine($"-- {title}");
        output.WriteLine(string.Join(" | ", headers));
        foreach (var row in rows)
        {
            output.WriteLine(string.Join(" | ", row));
        }
    }

    /// <summary>
    /// Runs a fit, showing a progress bar on a rich console. <paramref name="fit"/> receives the callback to put
    /// into <see cref="MinimizeOptions.Callback"/> (null in plain mode).
    /// </summary>
    public T Fit<T>(string description, int steps, Func<Action<MinimizeProgress>?, T> fit)
    {
        if (!Rich)
        {
            return fit(null);
        }

        T result = default!;
        AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask(Markup.Escape(description), maxValue: Math.Max(steps, 1));
                result = fit(p => task.Value = p.Step + 1);
                task.Value = task.MaxValue;
            });
        return result;
    }

    /// <summary>Notes a written figure.</summary>
    public void Saved(string path) => Line($"figure: {path}");
}
