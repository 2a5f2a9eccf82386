using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;
using Tailor.Application.Analytics;
using Tailor.Core.Analytics;

namespace Tailor.Cli.Commands.Analytics;

/// <summary>How every <c>tailor analytics &lt;kind&gt;</c> command runs its job: with a progress bar, then the result as tables (or JSON), charts saved on request.</summary>
internal static class AnalyticsCli
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    /// <summary>
    /// Runs <paramref name="kind"/> with <paramref name="parameters"/> on the store and reports it. Exit codes: 0 succeeded,
    /// 1 the run failed, 2 the parameters were refused.
    /// </summary>
    /// <param name="render">Prints a kind's result as tables; default: the result as indented JSON.</param>
    public static async Task<int> RunAsync(StoreOptions store, RunOptions options, ParseResult result, string kind, JsonObject parameters,
        CancellationToken ct, Action<JsonElement>? render = null)
    {
        await using var session = await AnalyticsSession.OpenAsync(store, result, ct);
        var given = JsonSerializer.SerializeToElement(parameters);
        var asJson = result.GetValue(options.Json);
        var outcome = asJson
            ? await session.Runs.RunAsync(kind, given, result.GetValue(options.AsOf), null, ct)
            : await WithProgressAsync(progress => session.Runs.RunAsync(kind, given, result.GetValue(options.AsOf), progress, ct));
        if (!outcome.Succeeded) return CliErrors.Error(outcome.Problem!.Field, outcome.Problem.Rule);
        var run = outcome.Value!;
        if (result.GetValue(options.Charts) is { } directory) await SaveArtifactsAsync(session.Runs, run, directory, quiet: asJson, ct);
        if (asJson) Console.WriteLine(JsonSerializer.Serialize(run, Json));
        else Report(run, render);
        return run.Status == AnalyticsRunStatus.Succeeded ? 0 : 1;
    }

    /// <summary>Prints a finished run: its status line, then the result (or why it failed).</summary>
    public static void Report(AnalyticsRun run, Action<JsonElement>? render = null)
    {
        var took = run.FinishedAt is { } end ? $" in {(end - run.StartedAt).TotalSeconds:0.0} s" : "";
        if (run.Status != AnalyticsRunStatus.Succeeded)
        {
            AnsiConsole.MarkupLine($"[red]{run.Kind} run {run.Id} {run.Status.ToString().ToLowerInvariant()}[/]{took}: {Markup.Escape(run.Error ?? "")}");
            return;
        }
        AnsiConsole.MarkupLine($"[green]{run.Kind} run {run.Id} succeeded[/]{took}; data as of {run.AsOf:u}; {run.ProfilesWritten} profiles written{(run.Promoted ? "; promoted (now in use)" : "")}");
        if (run.Result is not { } figures) return;
        if (render is not null) render(figures);
        else AnsiConsole.WriteLine(JsonSerializer.Serialize(figures, Json));
        if (run.ArtifactNames is { Count: > 0 } names) AnsiConsole.MarkupLine($"[grey]artifacts: {Markup.Escape(string.Join(", ", names))} (--charts DIR saves them)[/]");
    }

    public static async Task SaveArtifactsAsync(AnalyticsRuns runs, AnalyticsRun run, DirectoryInfo directory, bool quiet, CancellationToken ct)
    {
        directory.Create();
        foreach (var name in run.ArtifactNames ?? [])
        {
            if ((await runs.ArtifactAsync(run.Id, name, ct)).Value is not { } artifact) continue;
            // Names come from the job, but never let one climb out of the directory.
            var path = Path.Combine(directory.FullName, Path.GetFileName(artifact.Name));
            await File.WriteAllBytesAsync(path, artifact.Content, ct);
            if (!quiet) AnsiConsole.MarkupLine($"saved {Markup.Escape(path)}");
        }
    }

    private static async Task<T> WithProgressAsync<T>(Func<IProgress<AnalyticsProgress>, Task<T>> work)
    {
        T value = default!;
        await AnsiConsole.Progress().AutoClear(true).Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask("starting", maxValue: 1.0);
                value = await work(new Reporter(p =>
                {
                    task.Description = Markup.Escape(p.Stage);
                    task.Value = Math.Clamp(p.Fraction, 0, 1);
                }));
                task.Value = 1.0;
            });
        return value;
    }

    private sealed class Reporter(Action<AnalyticsProgress> report) : IProgress<AnalyticsProgress>
    {
        public void Report(AnalyticsProgress value) => report(value);
    }
}
