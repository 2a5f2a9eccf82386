using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using Tailor.Application;
using Tailor.Application.Experiments;
using Tailor.Core.Experiments;
using Tailor.Core.Storage;
using Tailor.Storage;
using static Tailor.Cli.Commands.CliErrors;

namespace Tailor.Cli.Commands.Experiments;

/// <summary>
/// <c>tailor experiments …</c>: create a draft from a JSON definition, start, stop, list and read results
/// (docs/experiments.md). The same use cases as <c>/api/experiments</c>; a running server picks a start or stop up
/// within 5 seconds.
/// </summary>
internal static class ExperimentsCommand
{
    private static readonly JsonSerializerOptions Indented = new(ExperimentDefinition.Json) { WriteIndented = true };

    public static Command Create(StoreOptions store)
    {
        var command = new Command("experiments", "A/B, multivariate and holdout tests: create, start, stop, list, results");
        command.Subcommands.Add(CreateCommand(store));
        command.Subcommands.Add(StateCommand(store, "start", "Start a draft: units are assigned and exposures logged from now", (o, k, ct) => o.StartAsync(k, ct)));
        command.Subcommands.Add(StateCommand(store, "stop", "Stop a running experiment (results stay readable)", (o, k, ct) => o.StopAsync(k, ct)));
        command.Subcommands.Add(ListCommand(store));
        command.Subcommands.Add(ResultsCommand(store));
        command.Subcommands.Add(AnalyzeCommand.Create()); // the statistics from summary data (docs/experiments.md, "Statistics")
        return command;
    }

    private static ExperimentOperations Operations(TailorDatabase db) =>
        new(db.Experiments, db.Segments, db.Content, new RunningExperiments(db.Experiments, db.Segments, TimeProvider.System), TimeProvider.System);

    private static Command CreateCommand(StoreOptions store)
    {
        var file = new Argument<FileInfo>("file") { Description = "The definition as JSON (as POST /api/experiments takes it)" };
        var command = new Command("create", "Create a draft experiment from a JSON definition") { file };
        store.AddTo(command);
        command.SetAction(async (result, ct) =>
        {
            ExperimentDefinition? definition;
            try
            {
                definition = JsonSerializer.Deserialize<ExperimentDefinition>(await File.ReadAllTextAsync(result.GetValue(file)!.FullName, ct), ExperimentDefinition.Json);
            }
            catch (Exception e) when (e is JsonException or IOException)
            {
                return Error("file", $"must be a readable JSON experiment definition: {e.Message}");
            }
            await using var tailor = await store.OpenAsync(result, ct);
            var created = await Operations(tailor).CreateAsync(definition, ct);
            if (created.Problem is { } problem) return Error(problem.Field, problem.Rule);
            AnsiConsole.MarkupLine($"Created the draft [bold]{Markup.Escape(created.Value!.Key)}[/] with arms {Markup.Escape(string.Join(", ", created.Value.Definition.Arms().Select(a => $"{a.Arm} {a.Weight:P1}")))}");
            return 0;
        });
        return command;
    }

    private static Command StateCommand(StoreOptions store, string name, string description, Func<ExperimentOperations, string, CancellationToken, Task<OperationResult<Experiment>>> change)
    {
        var key = new Argument<string>("key") { Description = "The experiment's key" };
        var command = new Command(name, description) { key };
        store.AddTo(command);
        command.SetAction(async (result, ct) =>
        {
            await using var tailor = await store.OpenAsync(result, ct);
            var changed = await change(Operations(tailor), result.GetValue(key)!, ct);
            if (changed.Problem is { } problem) return Error(problem.Field, problem.Rule);
            AnsiConsole.MarkupLine($"[bold]{Markup.Escape(changed.Value!.Key)}[/] is {Wire(changed.Value.Status)}");
            return 0;
        });
        return command;
    }

    private static Command ListCommand(StoreOptions store)
    {
        var command = new Command("list", "List every experiment with its subject, status and arms");
        store.AddTo(command);
        command.SetAction(async (result, ct) =>
        {
            await using var tailor = await store.OpenAsync(result, ct);
            var table = new Table().AddColumns("key", "subject", "status", "arms", "started", "stopped");
            foreach (var e in await Operations(tailor).ListAsync(ct))
                table.AddRow(Markup.Escape(e.Key), Markup.Escape($"{e.Definition.Subject.Kind.ToString().ToLowerInvariant()} {e.Definition.Subject.Name}".Trim()), Wire(e.Status),
                    Markup.Escape(string.Join(", ", e.Definition.Arms().Select(a => a.Arm))), e.StartedAt?.ToString("u") ?? "", e.StoppedAt?.ToString("u") ?? "");
            AnsiConsole.Write(table);
            return 0;
        });
        return command;
    }

    private static Command ResultsCommand(StoreOptions store)
    {
        var key = new Argument<string>("key") { Description = "The experiment's key" };
        var segment = new Option<string?>("--segment") { Description = "Only the units currently in this segment" };
        var breakdown = new Option<string?>("--breakdown") { Description = "Comma-separated segment names (1 to 10): the results for each segment's current members, per variant within each (as ?breakdown= of the API)" };
        var json = new Option<bool>("--json") { Description = "Print the results as JSON" };
        var command = new Command("results", "Units per arm and each metric's per-arm sums and means") { key, segment, breakdown, json };
        store.AddTo(command);
        command.SetAction(async (result, ct) =>
        {
            await using var tailor = await store.OpenAsync(result, ct);
            // Results are the experiments follower's tally: without a server running, fold what it has not folded yet.
            var tallies = new ExperimentTallies(tailor.Experiments, tailor.Triggers, tailor.Segments, tailor.Positions, TimeProvider.System);
            try
            {
                while (await tallies.StepAsync(5000, ct) > 0) { }
            }
            catch (PositionConflictException)
            {
                // A running server's follower is folding them.
            }
            if (result.GetValue(breakdown) is { } names)
            {
                if (result.GetValue(segment) is not null) return Error("breakdown", "must not be combined with --segment");
                var parts = await Operations(tailor).BreakdownAsync(result.GetValue(key)!, names.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries), ct);
                if (parts.Problem is { } breakdownProblem) return Error(breakdownProblem.Field, breakdownProblem.Rule);
                if (result.GetValue(json))
                {
                    // The whole experiment first, then one entry per segment: the shape of the API's answer.
                    Console.WriteLine(JsonSerializer.Serialize(new { results = parts.Value![0], breakdown = parts.Value.Skip(1).ToArray() }, Indented));
                    return 0;
                }
                foreach (var part in parts.Value!) Print(part);
                return 0;
            }
            var results = await Operations(tailor).ResultsAsync(result.GetValue(key)!, result.GetValue(segment), ct);
            if (results.Problem is { } problem) return Error(problem.Field, problem.Rule);
            var r = results.Value!;
            if (result.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(r, Indented));
                return 0;
            }
            Print(r);
            return 0;
        });
        return command;
    }

    private static void Print(ExperimentResults r)
    {
        AnsiConsole.MarkupLine($"[bold]{Markup.Escape(r.Experiment.Key)}[/] ({Wire(r.Experiment.Status)}){(r.Segment is null ? "" : $", segment {Markup.Escape(r.Segment)}")}: " +
            $"{string.Join(", ", r.Exposures.Arms.Select(a => $"{a.Arm} {a.Units} units"))}; {r.Exposures.ChangedByMerge} merged across arms");
        foreach (var m in r.Metrics)
        {
            var table = new Table().Title($"{m.Metric.Name} ({m.Role.ToString().ToLowerInvariant()}, {m.Metric.Kind.ToString().ToLowerInvariant()})")
                .AddColumns("arm", "units", "mean", "Σy", "Σy²", "Σx (pre)", "Σd");
            foreach (var a in m.Arms)
            {
                var mean = m.Metric.Kind == MetricKind.Ratio ? (a.DenominatorSum == 0 ? double.NaN : a.Sum / a.DenominatorSum) : a.Units == 0 ? double.NaN : a.Sum / a.Units;
                table.AddRow(Markup.Escape(a.Arm), a.Units.ToString(CultureInfo.InvariantCulture), mean.ToString("G6", CultureInfo.InvariantCulture),
                    a.Sum.ToString("G8", CultureInfo.InvariantCulture), a.SumSquares.ToString("G8", CultureInfo.InvariantCulture),
                    a.CovariateSum.ToString("G8", CultureInfo.InvariantCulture), a.DenominatorSum.ToString("G8", CultureInfo.InvariantCulture));
            }
            AnsiConsole.Write(table);
            foreach (var effect in m.Effects ?? [])
                AnsiConsole.MarkupLine($"  effect {Markup.Escape(effect.Name)}: {effect.Estimate?.ToString("G6", CultureInfo.InvariantCulture) ?? "n/a"} (SE {effect.StandardError?.ToString("G4", CultureInfo.InvariantCulture) ?? "n/a"})");
        }
    }

    private static string Wire(ExperimentStatus status) => status.ToString().ToLowerInvariant();
}
