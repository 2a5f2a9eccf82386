using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using CsvHelper;
using CsvHelper.Configuration;
using Spectre.Console;
using Tailor.Analytics.Experiments;
using Tailor.Application.Experiments;
using static Tailor.Cli.Commands.CliErrors;

namespace Tailor.Cli.Commands.Experiments;

/// <summary>
/// <c>tailor experiments analyze FILE</c>: analyses an experiment run anywhere, from per-arm sufficient statistics
/// (a <c>.json</c> file, the body of <c>POST /api/experiments/analyze</c>) or a per-unit CSV
/// (<c>unit,variant,value[,covariate]</c>). Flags override the options in the file. Needs no store.
/// </summary>
public static class AnalyzeCommand
{
    /// <summary>Most data rows a CSV may have.</summary>
    public const int MaxCsvRows = 10_000_000;

    /// <summary>Largest JSON file read.</summary>
    public const long MaxJsonBytes = 16 * 1024 * 1024;

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static Command Create()
    {
        var file = new Argument<FileInfo>("file") { Description = "Per-arm sums (.json, as the API takes them) or per-unit rows (.csv: unit,variant,value[,covariate])" };
        var method = new Option<string?>("--method") { Description = "sequential (default), fixed-horizon or bayesian" };
        var alpha = new Option<double?>("--alpha") { Description = "Significance level (default 0.05)" };
        var tuning = new Option<double?>("--sequential-tuning") { Description = "Sample size at which the confidence sequence is tightest (default 5000)" };
        var priorMean = new Option<double?>("--prior-mean") { Description = "Bayesian: mean of a normal prior on the relative lift (with --prior-sd); default flat" };
        var priorSd = new Option<double?>("--prior-sd") { Description = "Bayesian: standard deviation of that prior" };
        var planned = new Option<long?>("--planned-units") { Description = "Planned total units; fixed horizon calls no winner before it" };
        var correction = new Option<string?>("--correction") { Description = "holm (default), bh (Benjamini–Hochberg) or none" };
        var control = new Option<string?>("--control") { Description = "CSV: the control variant (default: the first in the file)" };
        var kind = new Option<string?>("--kind") { Description = "CSV: rate or mean (default: rate when every value is 0 or 1)" };
        var metric = new Option<string?>("--metric") { Description = "CSV: the metric's name (default: value)" };
        var json = new Option<bool>("--json") { Description = "Print every figure as JSON" };
        var charts = new Option<DirectoryInfo?>("--charts") { Description = "Write one SVG per metric (relative lift with its interval) into this directory: lift-1.svg, lift-2.svg, …" };
        var command = new Command("analyze", "Analyse an experiment from summary data: lifts, intervals, p-values, Bayesian chance to beat control, SRM, the decision")
        {
            file, method, alpha, tuning, priorMean, priorSd, planned, correction, control, kind, metric, json, charts,
        };
        command.SetAction(async (result, ct) =>
        {
            var path = result.GetValue(file)!;
            if (!path.Exists) return Error("file", $"'{path.FullName}' does not exist");
            AnalyzeRequest request;
            if (path.Extension.Equals(".csv", StringComparison.OrdinalIgnoreCase))
            {
                MetricKind? metricKind = result.GetValue(kind) switch
                {
                    null => null,
                    "rate" => MetricKind.Rate,
                    "mean" => MetricKind.Mean,
                    _ => (MetricKind)(-1),
                };
                if (metricKind == (MetricKind)(-1)) return Error("--kind", "must be rate or mean");
                var (sums, problem) = ReadCsv(path.FullName, result.GetValue(metric) ?? "value", metricKind, result.GetValue(control));
                if (problem is not null) return Error(problem.Field, problem.Rule);
                request = new AnalyzeRequest(sums!.Control, sums.Arms, sums.Metrics, null);
            }
            else
            {
                if (path.Length > MaxJsonBytes) return Error("file", $"must be at most {MaxJsonBytes / (1024 * 1024)} MB");
                try
                {
                    await using var stream = path.OpenRead();
                    request = await JsonSerializer.DeserializeAsync<AnalyzeRequest>(stream, Json, ct) ?? new AnalyzeRequest(null, null, null, null);
                }
                catch (JsonException e)
                {
                    return Error(e.Path is null or "$" ? "file" : e.Path.TrimStart('$', '.'), "must be valid JSON of the documented shape: " + e.Message);
                }
            }

            var options = request.Options ?? new AnalysisOptions();
            switch (result.GetValue(method))
            {
                case null: break;
                case "sequential": options = options with { Method = TestMethod.Sequential }; break;
                case "fixed-horizon" or "fixed": options = options with { Method = TestMethod.FixedHorizon }; break;
                case "bayesian": options = options with { Method = TestMethod.Bayesian }; break;
                default: return Error("--method", "must be sequential, fixed-horizon or bayesian");
            }
            switch (result.GetValue(correction))
            {
                case null: break;
                case "holm": options = options with { Correction = MultipleComparisonCorrection.Holm }; break;
                case "bh" or "benjamini-hochberg": options = options with { Correction = MultipleComparisonCorrection.BenjaminiHochberg }; break;
                case "none": options = options with { Correction = MultipleComparisonCorrection.None }; break;
                default: return Error("--correction", "must be holm, bh or none");
            }
            if (result.GetValue(alpha) is { } a) options = options with { Alpha = a };
            if (result.GetValue(tuning) is { } t) options = options with { SequentialTuning = t };
            if (result.GetValue(planned) is { } p) options = options with { PlannedUnits = p };
            if (result.GetValue(priorMean) is { } pm || result.GetValue(priorSd) is not null)
            {
                if (result.GetValue(priorSd) is not { } sd) return Error("--prior-sd", "is required with --prior-mean");
                options = options with { Prior = new NormalPrior(result.GetValue(priorMean) ?? 0, sd) };
            }

            var analysis = SummaryAnalysis.Analyze(request with { Options = options });
            if (analysis.Problem is { } refused) return Error(refused.Field, refused.Rule);
            if (result.GetValue(charts) is { } directory)
            {
                directory.Create();
                foreach (var chart in LiftChart.Render(analysis.Value!))
                    await File.WriteAllBytesAsync(Path.Combine(directory.FullName, chart.FileName), chart.Bytes(), ct);
            }
            if (result.GetValue(json)) Console.WriteLine(JsonSerializer.Serialize(analysis.Value!, Json));
            else Print(analysis.Value!);
            return 0;
        });
        return command;
    }

    /// <summary>Reads <c>unit,variant,value[,covariate]</c> (header required) into per-arm sums.</summary>
    internal static (ExperimentSums? Sums, InputProblem? Problem) ReadCsv(string path, string metricName, MetricKind? kind, string? control)
    {
        using var reader = new StreamReader(path);
        using var csv = new CsvReader(reader, new CsvConfiguration(CultureInfo.InvariantCulture) { DetectColumnCountChanges = false, BadDataFound = null });
        if (!csv.Read() || !csv.ReadHeader()) return (null, new("file", "must start with the header unit,variant,value[,covariate]"));
        var header = csv.HeaderRecord!.Select(h => h.Trim().ToLowerInvariant()).ToArray();
        if (header.Length is < 3 or > 4 || header[0] != "unit" || header[1] != "variant" || header[2] != "value" || (header.Length == 4 && header[3] != "covariate"))
            return (null, new("file", "must start with the header unit,variant,value[,covariate]"));
        var sums = new PerUnitSums();
        long line = 1;
        while (csv.Read())
        {
            line++;
            if (line - 1 > MaxCsvRows) return (null, new("file", $"must have at most {MaxCsvRows:N0} rows"));
            if (!double.TryParse(csv.GetField(2), NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
                return (null, new($"line {line}: value", "must be a number"));
            double? covariate = null;
            if (header.Length == 4)
            {
                if (!double.TryParse(csv.GetField(3), NumberStyles.Float, CultureInfo.InvariantCulture, out var x))
                    return (null, new($"line {line}: covariate", "must be a number"));
                covariate = x;
            }
            if (sums.Add(csv.GetField(0)?.Trim() ?? "", csv.GetField(1)?.Trim() ?? "", value, covariate) is { } problem)
                return (null, problem with { Field = $"line {line}: {problem.Field}" });
        }
        if (control is not null && !sums.Variants.Contains(control)) return (null, new("--control", $"must be one of the variants: {string.Join(", ", sums.Variants)}"));
        return (sums.ToSums(metricName, kind, control), null);
    }

    private static void Print(ExperimentAnalysis a)
    {
        var srm = a.SampleRatio;
        AnsiConsole.MarkupLine($"[bold]{Markup.Escape(a.Decision)}[/]");
        AnsiConsole.WriteLine();
        AnsiConsole.WriteLine($"method: {a.Method}, α = {a.Alpha}, sequential tuning = {a.SequentialTuning}, correction: {a.Correction}, prior: {a.Prior}");
        AnsiConsole.WriteLine($"units: {a.Units:N0}" + (a.PlannedUnits is { } p ? $" of {p:N0} planned ({a.Progress:P0})" : ""));
        AnsiConsole.WriteLine($"sample ratio: χ² = {srm.ChiSquare:0.###}, df = {srm.DegreesOfFreedom}, p = {srm.PValue:0.####} {(srm.Mismatch ? "— MISMATCH" : "(no mismatch at p < 0.001)")}");
        foreach (var m in a.Metrics)
        {
            var table = new Table().Title($"{Markup.Escape(m.Name)} ({m.Kind.ToString().ToLowerInvariant()})")
                .AddColumns("arm", "units", "value", "abs. lift [[interval]]", "rel. lift [[interval]]", "p", "adj. p", "P(beat)", "verdict");
            foreach (var arm in m.Arms)
            {
                var c = m.Comparisons.FirstOrDefault(x => x.Arm == arm.Arm);
                table.AddRow([.. new[] { arm.Arm, arm.Units.ToString("N0", CultureInfo.InvariantCulture), arm.Value.ToString("G5", CultureInfo.InvariantCulture),
                    c is null ? "control" : $"{c.AbsoluteLift.Value:G4} [{c.AbsoluteLift.Interval.Lower:G4}, {c.AbsoluteLift.Interval.Upper:G4}]",
                    c is null ? "" : $"{c.RelativeLift.Value:+0.0%;−0.0%} [{c.RelativeLift.Interval.Lower:+0.0%;−0.0%}, {c.RelativeLift.Interval.Upper:+0.0%;−0.0%}]",
                    c?.PValue is { } pv ? pv.ToString("0.####", CultureInfo.InvariantCulture) : "",
                    c?.AdjustedPValue is { } ap ? ap.ToString("0.####", CultureInfo.InvariantCulture) : "",
                    c?.Bayesian is { } b ? b.ChanceToBeatControl.ToString("P1", CultureInfo.InvariantCulture) : "",
                    c?.Verdict.ToString() ?? "" }.Select(Markup.Escape)]);
            }
            AnsiConsole.Write(table);
            foreach (var c in m.Comparisons)
                AnsiConsole.WriteLine($"  {c.Arm}: {c.Statistic}{(c.Cuped is { } cu ? $"; CUPED θ = {cu.Theta:G4} removed {cu.VarianceRemoved:P1} of the variance" : "")}");
        }
    }
}
