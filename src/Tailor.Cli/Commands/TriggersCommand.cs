using System.CommandLine;
using System.Text.Json;
using Spectre.Console;
using Tailor.Core.Storage;
using Tailor.Core.Triggers;
using Tailor.Application.Delivery;
using Tailor.Application.Triggers;
using Tailor.Core.Content;

namespace Tailor.Cli.Commands;

/// <summary>
/// <c>tailor triggers …</c>: create and validate triggers from their JSON definition (docs/triggers.md), enable,
/// disable, dry-run against a profile, list runs with their execution log, and retry dead letters. Works on the
/// store directly; a running server picks the changes up within a second.
/// </summary>
internal static class TriggersCommand
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static Command Create(StoreOptions store)
    {
        var command = new Command("triggers", "Manage triggers: journeys that turn behaviour into actions");
        command.Subcommands.Add(CreateCommand(store, validateOnly: false));
        command.Subcommands.Add(CreateCommand(store, validateOnly: true));
        command.Subcommands.Add(ListCommand(store));
        command.Subcommands.Add(ShowCommand(store));
        command.Subcommands.Add(EnableCommand(store, true));
        command.Subcommands.Add(EnableCommand(store, false));
        command.Subcommands.Add(TestCommand(store));
        command.Subcommands.Add(RunsCommand(store));
        command.Subcommands.Add(DeadLettersCommand(store));
        command.Subcommands.Add(RetryCommand(store));
        return command;
    }

    private static Command CreateCommand(StoreOptions store, bool validateOnly)
    {
        var file = new Argument<FileInfo>("file") { Description = "The trigger definition, JSON (docs/triggers.md)" };
        var command = new Command(validateOnly ? "validate" : "create", validateOnly ? "Check a definition without saving it" : "Create a trigger from a definition file") { file };
        store.AddTo(command);
        command.SetAction(async (result, ct) =>
        {
            var path = result.GetValue(file)!;
            if (!path.Exists) return Error("file", $"{path.FullName} does not exist");
            JsonElement definition;
            try
            {
                using var document = JsonDocument.Parse(await File.ReadAllTextAsync(path.FullName, ct));
                definition = document.RootElement.Clone();
            }
            catch (JsonException ex)
            {
                return Error("$", $"must be valid JSON ({ex.Message})");
            }
            await using var tailor = await store.OpenAsync(result, ct);
            var catalog = new TriggerCatalog(await tailor.ListTriggersAsync(ct));
            var segments = (await tailor.ListSegmentsAsync(ct)).Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
            TriggerDefinition parsed;
            try
            {
                parsed = TriggerValidator.Validate(definition, catalog, segments);
            }
            catch (TriggerDefinitionException ex)
            {
                return Error(ex.Path, ex.Rule);
            }
            if (validateOnly)
            {
                AnsiConsole.MarkupLine($"[green]valid:[/] {Markup.Escape(parsed.Name)} ({parsed.Steps.Count} steps)");
                return 0;
            }
            var stored = TriggerValidator.NewTrigger(parsed, definition, DateTimeOffset.UtcNow);
            await tailor.SaveTriggerAsync(stored, ct);
            AnsiConsole.MarkupLine($"Created trigger [bold]{Markup.Escape(stored.Name)}[/] ({stored.Id})");
            AnsiConsole.MarkupLine($"  webhook signing secret: [bold]{stored.Secret}[/]");
            return 0;
        });
        return command;
    }

    private static Command ListCommand(StoreOptions store)
    {
        var command = new Command("list", "List triggers");
        store.AddTo(command);
        command.SetAction(async (result, ct) =>
        {
            await using var tailor = await store.OpenAsync(result, ct);
            var table = new Table().AddColumns("id", "name", "enabled", "waiting", "completed", "exited");
            foreach (var t in await tailor.ListTriggersAsync(ct))
            {
                var stats = await tailor.TriggerStatsAsync(t.Id, ct);
                table.AddRow(t.Id, Markup.Escape(t.Name), t.Enabled ? "yes" : "no", Count(stats.Runs, "waiting"), Count(stats.Runs, "completed"), Count(stats.Runs, "exited"));
            }
            AnsiConsole.Write(table);
            return 0;
        });
        return command;
    }

    private static Command ShowCommand(StoreOptions store)
    {
        var id = new Argument<string>("trigger") { Description = "Trigger id or name" };
        var command = new Command("show", "Show a trigger's definition and counts") { id };
        store.AddTo(command);
        command.SetAction(async (result, ct) =>
        {
            await using var tailor = await store.OpenAsync(result, ct);
            if (await FindAsync(tailor, result.GetValue(id)!, ct) is not { } t) return Error("trigger", $"no trigger '{result.GetValue(id)}'");
            using var definition = JsonDocument.Parse(t.Definition);
            var stats = await tailor.TriggerStatsAsync(t.Id, ct);
            Console.WriteLine(JsonSerializer.Serialize(new { t.Id, t.Name, t.Enabled, Definition = definition.RootElement, stats.Runs, stats.Deliveries }, Json));
            return 0;
        });
        return command;
    }

    private static Command EnableCommand(StoreOptions store, bool enable)
    {
        var id = new Argument<string>("trigger") { Description = "Trigger id or name" };
        var command = new Command(enable ? "enable" : "disable", enable ? "Let profiles enter the trigger" : "Stop entries; waiting runs exit when their timer falls due") { id };
        store.AddTo(command);
        command.SetAction(async (result, ct) =>
        {
            await using var tailor = await store.OpenAsync(result, ct);
            if (await FindAsync(tailor, result.GetValue(id)!, ct) is not { } t) return Error("trigger", $"no trigger '{result.GetValue(id)}'");
            await tailor.SaveTriggerAsync(t with { Enabled = enable, UpdatedAt = DateTimeOffset.UtcNow }, ct);
            AnsiConsole.MarkupLine($"{(enable ? "Enabled" : "Disabled")} trigger [bold]{Markup.Escape(t.Name)}[/]");
            return 0;
        });
        return command;
    }

    private static Command TestCommand(StoreOptions store)
    {
        var id = new Argument<string>("trigger") { Description = "Trigger id or name" };
        var profile = new Option<string>("--profile") { Description = "The profile id to try", Required = true };
        var command = new Command("test", "What would happen if the profile entered now (dry run: nothing is stored or sent)") { id, profile };
        store.AddTo(command);
        command.SetAction(async (result, ct) =>
        {
            await using var tailor = await store.OpenAsync(result, ct);
            if (await FindAsync(tailor, result.GetValue(id)!, ct) is not { } t) return Error("trigger", $"no trigger '{result.GetValue(id)}'");
            // Global caps are a server option; the CLI dry run checks the trigger's own caps only.
            var engine = new TriggerEngine(tailor.Triggers, tailor.Segments, tailor.Profiles, tailor.Positions, TimeProvider.System, () => "dry-run",
                new FrequencyPolicy(tailor.Contacts, []), new ActionPayloads(new LiquidEngine()));
            await engine.ReloadAsync(ct);
            var dry = await engine.DryRunAsync(engine.Catalog.ById(t.Id)!, result.GetValue(profile)!, null, ct);
            if (dry is null) return Error("profile", $"no profile '{result.GetValue(profile)}'");
            foreach (var step in dry.Steps) AnsiConsole.MarkupLine($"{step.At:u}  {Markup.Escape(step.Step ?? "-"),-12} [bold]{step.Kind}[/]  {Markup.Escape(step.Detail)}");
            AnsiConsole.MarkupLine($"ends: [bold]{dry.Status.ToString().ToLowerInvariant()}[/] ({Markup.Escape(dry.Outcome ?? "")})");
            return 0;
        });
        return command;
    }

    private static Command RunsCommand(StoreOptions store)
    {
        var id = new Argument<string>("trigger") { Description = "Trigger id or name" };
        var profile = new Option<string?>("--profile") { Description = "Only this profile's runs" };
        var limit = new Option<int>("--limit") { Description = "How many runs, newest first", DefaultValueFactory = _ => 20 };
        var command = new Command("runs", "A trigger's runs with their outcome and execution log") { id, profile, limit };
        store.AddTo(command);
        command.SetAction(async (result, ct) =>
        {
            await using var tailor = await store.OpenAsync(result, ct);
            if (await FindAsync(tailor, result.GetValue(id)!, ct) is not { } t) return Error("trigger", $"no trigger '{result.GetValue(id)}'");
            var runs = await tailor.RunsAsync(t.Id, result.GetValue(profile), result.GetValue(limit), ct);
            var log = (await tailor.ExecutionLogAsync([.. runs.Select(r => r.Id)], ct)).ToLookup(e => e.RunId);
            foreach (var run in runs)
            {
                AnsiConsole.MarkupLine($"[bold]{run.Id}[/] profile {Markup.Escape(run.ProfileId)}: {run.Status.ToString().ToLowerInvariant()} {Markup.Escape(run.Outcome ?? (run.DueAt is { } due ? $"until {due:u}" : ""))}");
                foreach (var e in log[run.Id]) AnsiConsole.MarkupLine($"  {e.At:u}  {Markup.Escape(e.Step ?? "-"),-12} {e.Kind,-16} {Markup.Escape(e.Detail)}");
            }
            return 0;
        });
        return command;
    }

    private static Command DeadLettersCommand(StoreOptions store)
    {
        var trigger = new Option<string?>("--trigger") { Description = "Only this trigger's (id)" };
        var command = new Command("dead-letters", "Deliveries that failed their last try") { trigger };
        store.AddTo(command);
        command.SetAction(async (result, ct) =>
        {
            await using var tailor = await store.OpenAsync(result, ct);
            var table = new Table().AddColumns("id", "kind", "attempts", "last error");
            foreach (var d in await tailor.DeadLettersAsync(result.GetValue(trigger), 100, ct))
                table.AddRow(Markup.Escape(d.Id), d.Kind, d.Attempts.ToString(System.Globalization.CultureInfo.InvariantCulture), Markup.Escape(d.LastError ?? ""));
            AnsiConsole.Write(table);
            return 0;
        });
        return command;
    }

    private static Command RetryCommand(StoreOptions store)
    {
        var id = new Argument<string>("delivery") { Description = "The dead letter's id (its idempotency key)" };
        var command = new Command("retry", "Put a dead letter back in the outbox for another round of tries") { id };
        store.AddTo(command);
        command.SetAction(async (result, ct) =>
        {
            await using var tailor = await store.OpenAsync(result, ct);
            if (!await tailor.RetryDeadLetterAsync(result.GetValue(id)!, DateTimeOffset.UtcNow, ct)) return Error("delivery", $"no dead letter '{result.GetValue(id)}'");
            AnsiConsole.MarkupLine($"Queued {Markup.Escape(result.GetValue(id)!)} again");
            return 0;
        });
        return command;
    }

    private static async Task<StoredTrigger?> FindAsync(ITailorStore store, string idOrName, CancellationToken ct) =>
        await store.GetTriggerAsync(idOrName, ct) ?? (await store.ListTriggersAsync(ct)).FirstOrDefault(t => t.Name == idOrName);

    private static string Count(IReadOnlyDictionary<string, long> counts, string key) =>
        counts.GetValueOrDefault(key).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static int Error(string field, string rule)
    {
        AnsiConsole.MarkupLine($"[red]error:[/] {Markup.Escape(field)}: {Markup.Escape(rule)}");
        return 2;
    }
}
