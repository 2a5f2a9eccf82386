using System.CommandLine;
using System.Text.Json;
using Spectre.Console;
using Tailor.Core.TrackingPlans;
using Tailor.Application.TrackingPlans;
using static Tailor.Cli.Commands.CliErrors;

namespace Tailor.Cli.Commands;

/// <summary>
/// <c>tailor tracking-plan …</c>: the JSON Schema of each track event's properties and each source's mode
/// (docs/ingestion.md). A running server picks changes made here up within 10 seconds.
/// </summary>
internal static class TrackingPlanCommand
{
    public static Command Create(StoreOptions store)
    {
        var command = new Command("tracking-plan", "Event schemas (JSON Schema 2020-12) and per-source modes: allow, flag, block");
        command.Subcommands.Add(PutCommand(store));
        command.Subcommands.Add(GetCommand(store));
        command.Subcommands.Add(ListCommand(store));
        command.Subcommands.Add(DeleteCommand(store));
        command.Subcommands.Add(ModeCommand(store));
        return command;
    }

    private static TrackingPlanEditor Editor(Storage.TailorDatabase store) => new(store.TrackingPlan, store.Access, TimeProvider.System);

    private static Command PutCommand(StoreOptions store)
    {
        var eventName = new Argument<string>("event") { Description = "The track event's name, e.g. \"Order Completed\"" };
        var schema = new Option<string?>("--schema") { Description = "The schema of its properties, as JSON" };
        var schemaFile = new Option<FileInfo?>("--schema-file") { Description = "Read the schema from a file" };
        var command = new Command("put", "Create or replace the schema of an event's properties") { eventName, schema, schemaFile };
        store.AddTo(command);
        command.SetAction(async (result, ct) =>
        {
            var text = result.GetValue(schema) ?? (result.GetValue(schemaFile) is { } file ? await File.ReadAllTextAsync(file.FullName, ct) : null);
            if (text is null) return Error("schema", "is required: --schema JSON or --schema-file FILE");
            await using var tailor = await store.OpenAsync(result, ct);
            var name = result.GetValue(eventName)!;
            var (created, error) = await Editor(tailor).PutSchemaAsync(name, text, ct);
            if (error is not null) return Error(error.Field, error.Rule);
            AnsiConsole.MarkupLine($"{(created ? "Created" : "Replaced")} the schema of [bold]{Markup.Escape(name)}[/]");
            return 0;
        });
        return command;
    }

    private static Command GetCommand(StoreOptions store)
    {
        var eventName = new Argument<string>("event") { Description = "The track event's name" };
        var command = new Command("get", "Print the schema of an event's properties") { eventName };
        store.AddTo(command);
        command.SetAction(async (result, ct) =>
        {
            await using var tailor = await store.OpenAsync(result, ct);
            if (await tailor.TrackingPlan.GetEventSchemaAsync(result.GetValue(eventName)!, ct) is not { } schema) return Error("event", "has no schema");
            Console.WriteLine(schema.Schema);
            return 0;
        });
        return command;
    }

    private static Command ListCommand(StoreOptions store)
    {
        var command = new Command("list", "List the event schemas and every source's mode");
        store.AddTo(command);
        command.SetAction(async (result, ct) =>
        {
            await using var tailor = await store.OpenAsync(result, ct);
            var schemas = new Table().AddColumns("event", "updated", "schema");
            foreach (var s in await tailor.TrackingPlan.ListEventSchemasAsync(ct))
                schemas.AddRow(Markup.Escape(s.EventName), s.UpdatedAt.ToString("u"), Markup.Escape(Compact(s.Schema)));
            AnsiConsole.Write(schemas);
            var modes = new Table().AddColumns("source", "id", "mode");
            foreach (var (source, mode) in await Editor(tailor).ModesAsync(ct))
                modes.AddRow(Markup.Escape(source.Name), source.Id, mode.ToWire());
            AnsiConsole.Write(modes);
            return 0;
        });
        return command;
    }

    private static Command DeleteCommand(StoreOptions store)
    {
        var eventName = new Argument<string>("event") { Description = "The track event's name" };
        var command = new Command("delete", "Remove the schema of an event (its events are no longer checked)") { eventName };
        store.AddTo(command);
        command.SetAction(async (result, ct) =>
        {
            await using var tailor = await store.OpenAsync(result, ct);
            var name = result.GetValue(eventName)!;
            if (!await Editor(tailor).DeleteSchemaAsync(name, ct)) return Error("event", "has no schema");
            AnsiConsole.MarkupLine($"Deleted the schema of [bold]{Markup.Escape(name)}[/]");
            return 0;
        });
        return command;
    }

    private static Command ModeCommand(StoreOptions store)
    {
        var source = new Argument<string>("source") { Description = "The source's name or id" };
        var mode = new Argument<string>("mode") { Description = "allow (no check), flag (log with context.violations) or block (dead letter)" };
        var command = new Command("mode", "Set how a source's events are checked against the plan") { source, mode };
        store.AddTo(command);
        command.SetAction(async (result, ct) =>
        {
            if (!TrackingModes.TryParse(result.GetValue(mode), out var parsed)) return Error("mode", "must be one of allow, flag, block");
            await using var tailor = await store.OpenAsync(result, ct);
            if (await Editor(tailor).SetModeAsync(result.GetValue(source)!, parsed, ct) is not { } found) return Error("source", "must be the name or id of a source");
            AnsiConsole.MarkupLine($"Source [bold]{Markup.Escape(found.Name)}[/] ({found.Id}) is now in [bold]{parsed.ToWire()}[/] mode");
            return 0;
        });
        return command;
    }

    private static string Compact(string json)
    {
        using var document = JsonDocument.Parse(json);
        var text = JsonSerializer.Serialize(document.RootElement);
        return text.Length <= 80 ? text : text[..77] + "...";
    }
}
