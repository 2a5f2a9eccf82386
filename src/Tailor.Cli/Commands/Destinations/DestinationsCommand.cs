using System.CommandLine;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Tailor.Application;
using Tailor.Application.Destinations;
using Tailor.Core.Destinations;
using Tailor.Server.Destinations;
using Tailor.Server.Hosting;
using static Tailor.Cli.Commands.CliErrors;

namespace Tailor.Cli.Commands.Destinations;

/// <summary>
/// <c>tailor destinations list|get|create|update|delete|pause|resume|status|test</c>: the same use cases as
/// <c>/api/destinations</c> (docs/connectors.md), on the store directly; a running server picks changes up at its next
/// step. Dead letters of destinations are listed and replayed with <c>tailor dead-letters --stage destinations</c>.
/// </summary>
internal static class DestinationsCommand
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true, DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };

    public static Command Create(StoreOptions store)
    {
        var command = new Command("destinations", "Warehouse exports, event forwarding, audience sync and stream keys");
        command.Subcommands.Add(Simple(store, "list", "Every destination, secrets hidden", null, async (ops, _, ct) => Print(await ops.ListAsync(ct))));
        command.Subcommands.Add(Simple(store, "get", "One destination, secrets hidden", "id", async (ops, id, ct) => Print(await ops.GetAsync(id!, ct))));
        command.Subcommands.Add(Simple(store, "status", "State, positions, lag, counts, last error, pending dead letters", "id", async (ops, id, ct) => Print(await ops.StatusAsync(id!, ct))));
        command.Subcommands.Add(Simple(store, "pause", "Stop sending; the position is kept", "id", async (ops, id, ct) => Print(await ops.SetPausedAsync(id!, true, ct))));
        command.Subcommands.Add(Simple(store, "resume", "Carry on from the kept position", "id", async (ops, id, ct) => Print(await ops.SetPausedAsync(id!, false, ct))));
        command.Subcommands.Add(Simple(store, "delete", "Delete a destination and its positions", "id", async (ops, id, ct) => Print(await ops.DeleteAsync(id!, ct))));
        command.Subcommands.Add(CreateCommand(store));
        command.Subcommands.Add(UpdateCommand(store));
        command.Subcommands.Add(TestCommand(store));
        return command;
    }

    private static Command CreateCommand(StoreOptions store)
    {
        var name = new Argument<string>("name") { Description = "A unique name" };
        var kind = new Option<string>("--kind") { Description = "parquet, postgres, segment, audience or stream", Required = true };
        var settings = new Option<string?>("--settings") { Description = "The settings as JSON, e.g. '{\"directory\":\"/data/lake\"}' (docs/connectors.md)" };
        var command = new Command("create", "Create a destination") { name, kind, settings };
        store.AddTo(command);
        command.SetAction(async (result, ct) =>
        {
            if (ParseSettings(result.GetValue(settings)) is not { } parsed) return Error("--settings", "must be a JSON object of settings");
            await using var tailor = await store.OpenAsync(result, ct);
            return Print(await Operations(tailor).CreateAsync(new DestinationInput(result.GetValue(name), result.GetValue(kind), parsed), ct));
        });
        return command;
    }

    private static Command UpdateCommand(StoreOptions store)
    {
        var id = new Argument<string>("id") { Description = "Destination id" };
        var name = new Option<string?>("--name") { Description = "A new name" };
        var settings = new Option<string?>("--settings") { Description = "The new settings as JSON (replace the old; secrets left out are kept)" };
        var command = new Command("update", "Replace a destination's name or settings") { id, name, settings };
        store.AddTo(command);
        command.SetAction(async (result, ct) =>
        {
            DestinationSettings? parsed = null;
            if (result.GetValue(settings) is { } text && (parsed = ParseSettings(text)) is null) return Error("--settings", "must be a JSON object of settings");
            await using var tailor = await store.OpenAsync(result, ct);
            return Print(await Operations(tailor).UpdateAsync(result.GetValue(id)!, new DestinationInput(result.GetValue(name), null, parsed), ct));
        });
        return command;
    }

    private static Command TestCommand(StoreOptions store)
    {
        var id = new Argument<string>("id") { Description = "Destination id" };
        var sample = new Option<string?>("--sample") { Description = "A sample Segment message as JSON (a made-up Order Completed by default)" };
        var allow = new Option<string[]>("--webhook-allow") { Description = "Ranges the endpoint may be in although special (as for serve)", AllowMultipleArgumentsPerToken = true };
        var command = new Command("test", "Try a destination once with a sample; no position moves") { id, sample, allow };
        store.AddTo(command);
        command.SetAction(async (result, ct) =>
        {
            JsonElement? parsed = null;
            if (result.GetValue(sample) is { } text)
            {
                try { parsed = JsonDocument.Parse(text).RootElement.Clone(); }
                catch (JsonException) { return Error("--sample", "must be JSON"); }
            }
            var options = new TailorServerOptions { DataDirectory = result.GetValue(store.Data)!, Postgres = result.GetValue(store.Postgres) };
            options.Security.WebhookAllow = [.. result.GetValue(allow) ?? []];
            await using var app = await TailorServer.BuildAsync(options, ct, builder => builder.Logging.ClearProviders());
            try
            {
                var operations = app.Services.GetRequiredService<DestinationOperations>();
                if (await operations.FindAsync(result.GetValue(id)!, ct) is not { } destination) return Error("id", $"no destination {result.GetValue(id)}");
                var outcome = await app.Services.GetRequiredService<DestinationTester>().TestAsync(destination, parsed, ct);
                Console.WriteLine(JsonSerializer.Serialize(outcome, Json));
                return outcome.Ok ? 0 : 1;
            }
            finally
            {
                await app.Services.GetRequiredService<Storage.TailorDatabase>().DisposeAsync();
            }
        });
        return command;
    }

    private static Command Simple(StoreOptions store, string name, string description, string? idName, Func<DestinationOperations, string?, CancellationToken, Task<int>> run)
    {
        var command = new Command(name, description);
        Argument<string>? id = null;
        if (idName is not null) command.Arguments.Add(id = new Argument<string>(idName) { Description = "Destination id" });
        store.AddTo(command);
        command.SetAction(async (result, ct) =>
        {
            await using var tailor = await store.OpenAsync(result, ct);
            return await run(Operations(tailor), id is null ? null : result.GetValue(id), ct);
        });
        return command;
    }

    private static DestinationOperations Operations(Storage.TailorDatabase tailor) =>
        new(tailor.Destinations, tailor.Positions, tailor.Events, tailor.DeadLetters, new IdSource(TimeProvider.System), TimeProvider.System);

    private static DestinationSettings? ParseSettings(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return new DestinationSettings();
        try { return JsonSerializer.Deserialize<DestinationSettings>(text, Json); }
        catch (JsonException) { return null; }
    }

    private static int Print<T>(T value)
    {
        Console.WriteLine(JsonSerializer.Serialize(value, Json));
        return 0;
    }

    private static int Print<T>(OperationResult<T> result)
    {
        if (result.Problem is { } problem) return Error(problem.Field, problem.Rule);
        return Print(result.Value);
    }
}
