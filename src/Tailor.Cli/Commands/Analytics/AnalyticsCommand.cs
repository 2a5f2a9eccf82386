using System.CommandLine;
using System.Text.Json;
using Spectre.Console;

namespace Tailor.Cli.Commands.Analytics;

/// <summary>
/// <c>tailor analytics …</c>: learn from the data (docs/analytics.md) — one subcommand per kind of run, each the same job
/// the API runs, plus <c>runs</c> and <c>show</c> to read stored runs.
/// </summary>
internal static class AnalyticsCommand
{
    public static Command Create(StoreOptions store)
    {
        var command = new Command("analytics", "Learn from the data: RFM, clusters, lifetime value, propensity, recommendations, rules");
        // One line per kind of run.
        command.Subcommands.Add(RfmCommand.Create(store));
        command.Subcommands.Add(ClvCommand.Create(store));
        command.Subcommands.Add(PropensityCommand.Create(store));
        command.Subcommands.Add(RunsCommand(store));
        command.Subcommands.Add(ShowCommand(store));
        command.Subcommands.Add(ScheduleCommand(store));
        command.Subcommands.Add(SchedulesCommand(store));
        command.Subcommands.Add(UnscheduleCommand(store));
        return command;
    }

    private static Command RunsCommand(StoreOptions store)
    {
        var kind = new Option<string?>("--kind") { Description = "Only runs of this kind" };
        var limit = new Option<int>("--limit") { Description = "How many runs", DefaultValueFactory = _ => 20 };
        var json = new Option<bool>("--json") { Description = "Print JSON" };
        var command = new Command("runs", "List stored runs, newest first") { kind, limit, json };
        store.AddTo(command);
        command.SetAction(async (result, ct) =>
        {
            await using var session = await AnalyticsSession.OpenAsync(store, result, ct);
            var runs = await session.Runs.ListAsync(result.GetValue(kind), result.GetValue(limit), ct);
            if (result.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(runs, AnalyticsCli.Json));
                return 0;
            }
            var table = new Table().AddColumns("id", "kind", "status", "as of", "started", "seconds", "profiles", "in use");
            foreach (var run in runs)
                table.AddRow(run.Id, run.Kind, run.Status.ToString().ToLowerInvariant(), $"{run.AsOf:u}", $"{run.StartedAt:u}",
                    run.FinishedAt is { } end ? $"{(end - run.StartedAt).TotalSeconds:0.0}" : "", $"{run.ProfilesWritten}", run.Promoted ? "yes" : "");
            AnsiConsole.Write(table);
            return 0;
        });
        return command;
    }

    private static Command ShowCommand(StoreOptions store)
    {
        var id = new Argument<string>("id") { Description = "The run id (run_…)" };
        var json = new Option<bool>("--json") { Description = "Print JSON" };
        var charts = new Option<DirectoryInfo?>("--charts") { Description = "Save the run's charts (and model files) into this directory" };
        var command = new Command("show", "Show one run: parameters, result or error, artifacts") { id, json, charts };
        store.AddTo(command);
        command.SetAction(async (result, ct) =>
        {
            await using var session = await AnalyticsSession.OpenAsync(store, result, ct);
            var found = await session.Runs.GetAsync(result.GetValue(id)!, ct);
            if (!found.Succeeded) return CliErrors.Error("id", found.Problem!.Rule);
            if (result.GetValue(charts) is { } directory) await AnalyticsCli.SaveArtifactsAsync(session.Runs, found.Value!, directory, result.GetValue(json), ct);
            if (result.GetValue(json)) Console.WriteLine(JsonSerializer.Serialize(found.Value, AnalyticsCli.Json));
            else AnalyticsCli.Report(found.Value!);
            return 0;
        });
        return command;
    }

    private static Command ScheduleCommand(StoreOptions store)
    {
        var kind = new Argument<string>("kind") { Description = "The kind of run to repeat, e.g. cluster" };
        var every = new Option<string>("--every") { Description = "The interval: 30m, 6h, 1d, 7d (5m to 366d)", Required = true };
        var parameters = new Option<string?>("--parameters") { Description = "The run's parameters as a JSON object (docs/analytics.md)" };
        var command = new Command("schedule", "Repeat a kind of run every interval; a running server queues each run when it falls due") { kind, every, parameters };
        store.AddTo(command);
        command.SetAction(async (result, ct) =>
        {
            JsonElement? given = null;
            if (result.GetValue(parameters) is { } text)
            {
                try
                {
                    given = JsonDocument.Parse(text).RootElement.Clone();
                }
                catch (JsonException ex)
                {
                    return CliErrors.Error("parameters", $"must be valid JSON ({ex.Message})");
                }
            }
            await using var session = await AnalyticsSession.OpenAsync(store, result, ct);
            var created = await session.Schedules.CreateAsync(result.GetValue(kind), given, result.GetValue(every), null, ct);
            if (!created.Succeeded) return CliErrors.Error(created.Problem!.Field, created.Problem.Rule);
            AnsiConsole.MarkupLine($"Scheduled {Markup.Escape(created.Value!.Kind)} every {Markup.Escape(result.GetValue(every)!)} ({created.Value.Id}); first run at {created.Value.NextAt:u}");
            return 0;
        });
        return command;
    }

    private static Command SchedulesCommand(StoreOptions store)
    {
        var command = new Command("schedules", "List schedules, the next due first");
        store.AddTo(command);
        command.SetAction(async (result, ct) =>
        {
            await using var session = await AnalyticsSession.OpenAsync(store, result, ct);
            var table = new Table().AddColumns("id", "kind", "every", "next run", "last run", "parameters");
            foreach (var s in await session.Schedules.ListAsync(ct))
                table.AddRow(s.Id, s.Kind, $"{s.Every}", $"{s.NextAt:u}", s.LastRunId ?? "", Markup.Escape(s.Parameters.GetRawText()));
            AnsiConsole.Write(table);
            return 0;
        });
        return command;
    }

    private static Command UnscheduleCommand(StoreOptions store)
    {
        var id = new Argument<string>("id") { Description = "The schedule id (sch_…)" };
        var command = new Command("unschedule", "Stop a schedule") { id };
        store.AddTo(command);
        command.SetAction(async (result, ct) =>
        {
            await using var session = await AnalyticsSession.OpenAsync(store, result, ct);
            var deleted = await session.Schedules.DeleteAsync(result.GetValue(id)!, ct);
            if (!deleted.Succeeded) return CliErrors.Error("id", deleted.Problem!.Rule);
            AnsiConsole.MarkupLine($"Stopped schedule {Markup.Escape(result.GetValue(id)!)}");
            return 0;
        });
        return command;
    }
}
