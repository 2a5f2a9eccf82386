using System.CommandLine;
using System.Text.Json;
using Spectre.Console;
using Tailor.Core.Storage;
using Tailor.Core.Triggers;
using Tailor.Application.Delivery;
using Tailor.Application;
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
        command.Subcommands.Add(EmailStatsCommand.Create(store, campaigns: false));
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
            await using var session = await Session.OpenAsync(store, result, ct);
            if (validateOnly)
            {
                var valid = await session.Triggers.ValidateAsync(definition, ct);
                if (!valid.Succeeded) return Error(valid.Problem!);
                AnsiConsole.MarkupLine($"[green]valid:[/] {Markup.Escape(valid.Value!.Name)} ({valid.Value.Steps.Count} steps)");
                return 0;
            }
            var created = await session.Triggers.CreateAsync(definition, ct);
            if (!created.Succeeded) return Error(created.Problem!);
            var stored = created.Value!;
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
            await using var session = await Session.OpenAsync(store, result, ct);
            var tailor = session.Store;
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
            await using var session = await Session.OpenAsync(store, result, ct);
            var tailor = session.Store;
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
            await using var session = await Session.OpenAsync(store, result, ct);
            var set = await session.Triggers.SetEnabledAsync(result.GetValue(id)!, enable, ct);
            if (!set.Succeeded) return Error("trigger", $"no trigger '{result.GetValue(id)}'");
            var t = set.Value!;
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
            await using var session = await Session.OpenAsync(store, result, ct);
            var tried = await session.Triggers.DryRunAsync(result.GetValue(id)!, result.GetValue(profile), null, ct);
            if (tried.Problem is { Kind: ProblemKind.NotFound, Field: "trigger" }) return Error("trigger", $"no trigger '{result.GetValue(id)}'");
            if (tried.Problem is { Kind: ProblemKind.NotFound, Field: "profile" }) return Error("profile", $"no profile '{result.GetValue(profile)}'");
            if (!tried.Succeeded) return Error(tried.Problem!);
            var dry = tried.Value!;
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
            await using var session = await Session.OpenAsync(store, result, ct);
            var found = await session.Triggers.RunsAsync(result.GetValue(id)!, result.GetValue(profile), result.GetValue(limit), ct);
            if (!found.Succeeded) return Error("trigger", $"no trigger '{result.GetValue(id)}'");
            var (_, runs, log) = found.Value!;
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
            await using var session = await Session.OpenAsync(store, result, ct);
            var table = new Table().AddColumns("id", "kind", "attempts", "last error");
            foreach (var d in await session.Store.DeadLettersAsync(result.GetValue(trigger), 100, ct))
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
            await using var session = await Session.OpenAsync(store, result, ct);
            if (!(await session.Triggers.RetryDeadLetterAsync(result.GetValue(id)!, ct)).Succeeded) return Error("delivery", $"no dead letter '{result.GetValue(id)}'");
            AnsiConsole.MarkupLine($"Queued {Markup.Escape(result.GetValue(id)!)} again");
            return 0;
        });
        return command;
    }

    /// <summary>
    /// The store with a loaded trigger engine over it and the trigger use cases; the store closes with it. No follower
    /// runs in this process, so nothing is woken: a running server picks the change up within a second.
    /// </summary>
    private sealed class Session(IAsyncDisposable owned, ITriggerStore store, TriggerOperations triggers) : IAsyncDisposable
    {
        public ITriggerStore Store { get; } = store;
        public TriggerOperations Triggers { get; } = triggers;

        public static async Task<Session> OpenAsync(StoreOptions options, ParseResult result, CancellationToken ct)
        {
            var store = await options.OpenAsync(result, ct);
            var time = TimeProvider.System;
            var ids = new IdSource(time);
            // Global caps are a server option; a CLI dry run checks the trigger's own caps only.
            var engine = new TriggerEngine(store.Triggers, store.Segments, store.Profiles, store.Positions, time, () => ids.New("run"),
                new FrequencyPolicy(store.Contacts, []), new ActionPayloads(new LiquidEngine()));
            await engine.ReloadAsync(ct);
            return new Session(store, store.Triggers, new TriggerOperations(store.Triggers, store.Segments, store.Profiles, engine, ids, time, wake: TriggerWakeups.None));
        }

        public ValueTask DisposeAsync() => owned.DisposeAsync();
    }

    private static async Task<StoredTrigger?> FindAsync(ITriggerStore store, string idOrName, CancellationToken ct) =>
        await store.GetTriggerAsync(idOrName, ct) ?? (await store.ListTriggersAsync(ct)).FirstOrDefault(t => t.Name == idOrName);

    private static string Count(IReadOnlyDictionary<string, long> counts, string key) =>
        counts.GetValueOrDefault(key).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static int Error(OperationProblem problem) => Error(problem.Field, problem.Rule);

    private static int Error(string field, string rule) => CliErrors.Error(field, rule);
}
