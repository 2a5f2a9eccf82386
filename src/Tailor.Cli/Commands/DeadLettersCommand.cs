using System.CommandLine;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Spectre.Console;
using Tailor.Core.Storage;
using Tailor.Application.DeadLetters;
using Tailor.Server.Hosting;
using static Tailor.Cli.Commands.CliErrors;

namespace Tailor.Cli.Commands;

/// <summary>
/// <c>tailor dead-letters list|show|replay</c>: what the background stages set aside (docs/operations.md). Works on the
/// store directly; replay runs the same use case as <c>POST /api/dead-letters/{id}/replay</c>, and a running server
/// takes the replayed work in within a second.
/// </summary>
internal static class DeadLettersCommand
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static Command Create(StoreOptions store)
    {
        var command = new Command("dead-letters", "List, inspect and replay what background stages set aside");
        command.Subcommands.Add(ListCommand(store));
        command.Subcommands.Add(ShowCommand(store));
        command.Subcommands.Add(ReplayCommand(store));
        return command;
    }

    private static Command ListCommand(StoreOptions store)
    {
        var stage = new Option<string?>("--stage") { Description = "Only this stage (profiles, segments, triggers, deliveries, campaigns, tracking-plan)" };
        var pending = new Option<bool>("--pending") { Description = "Only entries not replayed yet" };
        var before = new Option<long?>("--before") { Description = "Only entries with a smaller id (the next page)" };
        var limit = new Option<int>("--limit") { Description = "At most this many", DefaultValueFactory = _ => 50 };
        var command = new Command("list", "Dead letters, newest first") { stage, pending, before, limit };
        store.AddTo(command);
        command.SetAction(async (result, ct) =>
        {
            await using var tailor = await store.OpenAsync(result, ct);
            var letters = await tailor.DeadLetters.ListDeadLettersAsync(new DeadLetterQuery(result.GetValue(stage), result.GetValue(pending) ? true : null, result.GetValue(before),
                Math.Clamp(result.GetValue(limit), 1, 1000)), ct);
            var table = new Table().AddColumns("id", "stage", "key", "at", "attempts", "state", "reason");
            foreach (var d in letters)
                table.AddRow(d.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), Markup.Escape(d.Stage), Markup.Escape(d.Key), d.CreatedAt.ToString("u", System.Globalization.CultureInfo.InvariantCulture),
                    d.Attempts.ToString(System.Globalization.CultureInfo.InvariantCulture), d.Pending ? "pending" : "replayed", Markup.Escape(Shorten(d.Reason)));
            AnsiConsole.Write(table);
            return 0;
        });
        return command;
    }

    private static Command ShowCommand(StoreOptions store)
    {
        var id = new Argument<long>("id") { Description = "Dead letter id" };
        var command = new Command("show", "One dead letter with its payload and error, as JSON") { id };
        store.AddTo(command);
        command.SetAction(async (result, ct) =>
        {
            await using var tailor = await store.OpenAsync(result, ct);
            if (await tailor.DeadLetters.GetDeadLetterAsync(result.GetValue(id), ct) is not { } letter) return Error("id", $"no dead letter {result.GetValue(id)}");
            Console.WriteLine(JsonSerializer.Serialize(letter, Json));
            return 0;
        });
        return command;
    }

    private static Command ReplayCommand(StoreOptions store)
    {
        var id = new Argument<long?>("id") { Description = "Dead letter id", Arity = ArgumentArity.ZeroOrOne };
        var stage = new Option<string?>("--stage") { Description = "Replay every pending dead letter of this stage instead" };
        var smtp = new Option<string?>("--smtp") { Description = "SMTP server for a replayed campaign email, host:port (env TAILOR_SMTP)", DefaultValueFactory = _ => Environment.GetEnvironmentVariable("TAILOR_SMTP") };
        var command = new Command("replay", "Put a dead letter (or a whole stage) through its stage again; replaying twice has no further effect") { id, stage, smtp };
        store.AddTo(command);
        command.SetAction(async (result, ct) =>
        {
            if (result.GetValue(id) is null == result.GetValue(stage) is null) return Error("id", "give a dead letter id or --stage, not both");
            // The server's own services, built but not started: the same replay as the API's.
            var options = new TailorServerOptions { DataDirectory = result.GetValue(store.Data)!, Postgres = result.GetValue(store.Postgres), Smtp = result.GetValue(smtp) };
            options.Email.ReadEnvironment(Environment.GetEnvironmentVariable); // a replayed email is signed and sent like the server's
            await using var app = await TailorServer.BuildAsync(options, ct, builder => builder.Logging.ClearProviders());
            var writer = app.Services.GetRequiredService<Server.Ingestion.EventLogWriter>();
            await writer.StartAsync(ct); // a replay may append to the log through the writer, a hosted service
            try
            {
                var replays = app.Services.GetRequiredService<DeadLetterReplays>();
                if (result.GetValue(stage) is { } name)
                {
                    if (!replays.Stages.Contains(name)) return Error("--stage", $"must be one of {string.Join(", ", replays.Stages.Order(StringComparer.Ordinal))}");
                    var outcomes = await replays.ReplayStageAsync(name, ct);
                    foreach (var o in outcomes) Print(o);
                    AnsiConsole.MarkupLine($"{outcomes.Count(o => o.Status == DeadLetterReplayOutcome.Replayed)} replayed, {outcomes.Count(o => o.Status == DeadLetterReplayOutcome.Failed)} failed");
                    return outcomes.Any(o => o.Status == DeadLetterReplayOutcome.Failed) ? 1 : 0;
                }
                var outcome = await replays.ReplayAsync(result.GetValue(id)!.Value, ct);
                Print(outcome);
                return outcome.Status switch
                {
                    DeadLetterReplayOutcome.Replayed or DeadLetterReplayOutcome.AlreadyReplayed => 0,
                    DeadLetterReplayOutcome.NotFound or DeadLetterReplayOutcome.NoReplayer => 2,
                    _ => 1,
                };
            }
            finally
            {
                await writer.StopAsync(CancellationToken.None);
                await app.Services.GetRequiredService<Storage.TailorDatabase>().DisposeAsync();
            }
        });
        return command;
    }

    private static void Print(DeadLetterReplayOutcome o)
    {
        var detail = o.Error ?? o.Letter?.ReplayNote ?? "";
        Console.WriteLine($"{o.Id}: {o.Status} {detail}".TrimEnd());
    }

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..77] + "...";
}
