using System.CommandLine;
using System.Text.Json;
using Spectre.Console;
using Tailor.Application;
using Tailor.Application.Access;
using Tailor.Application.Sources;
using Tailor.Core.Content;
using Tailor.Core.Events;
using Tailor.Core.Sources;
using Tailor.Storage;
using Tailor.Storage.Sources;
using static Tailor.Cli.Commands.CliErrors;

namespace Tailor.Cli.Commands.Sources;

/// <summary>
/// <c>tailor sources …</c>: every source — the tracking API's write-key sources and the connector sources (shopify,
/// webhook, postgres; docs/connectors.md) — with the same use cases as <c>/api/sources</c>. <c>rotate</c> and
/// <c>revoke</c> (write keys) come from <see cref="AccessCommands"/>. A running server sees changes made here within 5 seconds.
/// </summary>
internal static class SourcesCommand
{
    private static readonly IdSource Ids = new(TimeProvider.System);
    private static readonly JsonSerializerOptions Print = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true, DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static Command Create(StoreOptions store)
    {
        var access = AccessCommands.Sources(store);
        var command = new Command("sources", "Manage sources: write-key sources and shopify, webhook and postgres sources")
        {
            CreateCommand(store), ListCommand(store), GetCommand(store), UpdateCommand(store), DeleteCommand(store), TestCommand(store),
            PauseCommand(store, true), PauseCommand(store, false), StatusCommand(store), SourcePrivacyCommand.Create(store),
        };
        foreach (var verb in access.Subcommands.Where(c => c.Name is "rotate" or "revoke").ToList()) command.Subcommands.Add(verb);
        return command;
    }

    /// <summary>The source use cases over an opened store, on the system clock.</summary>
    private static SourceOperations Operations(TailorDatabase tailor)
    {
        var liquid = new LiquidEngine();
        var mapper = new InboundMapper(liquid, new MessageParser(IngestionLimits.Default, () => Ids.New("tailor")));
        return new SourceOperations(tailor.Sources, tailor.DeadLetters, mapper, new PostgresRowReader(), liquid, Ids, TimeProvider.System);
    }

    /// <summary>The options that describe a source, shared by create and update.</summary>
    private sealed class Settings
    {
        public Option<string?> Secret { get; } = new("--secret") { Description = "Signing secret of a shopify or webhook source (env TAILOR_SOURCE_SECRET)", DefaultValueFactory = _ => Environment.GetEnvironmentVariable("TAILOR_SOURCE_SECRET") };
        public Option<string?> Connection { get; } = new("--connection-string") { Description = "PostgreSQL connection string of a postgres source, a read-only role (env TAILOR_SOURCE_CONNECTION)", DefaultValueFactory = _ => Environment.GetEnvironmentVariable("TAILOR_SOURCE_CONNECTION") };
        public Option<string?> Mapping { get; } = new("--mapping") { Description = "The mapping as JSON, or @FILE to read it from a file" };
        public Option<string?> Header { get; } = new("--signature-header") { Description = "Header with the HMAC-SHA256 of the body (default X-Signature)" };
        public Option<string?> Prefix { get; } = new("--signature-prefix") { Description = "Text before the digest, e.g. sha256=" };
        public Option<string?> Encoding { get; } = new("--signature-encoding") { Description = "hex (default) or base64" };
        public Option<string?> Query { get; } = new("--query") { Description = "A postgres source's SELECT" };
        public Option<string?> Cursor { get; } = new("--cursor-column") { Description = "The column that grows with each change, e.g. updated_at" };
        public Option<string?> Key { get; } = new("--key-column") { Description = "The row's key, e.g. id" };
        public Option<int?> Every { get; } = new("--every") { Description = "Seconds between pulls (default 300)" };
        public Option<int?> Batch { get; } = new("--batch-size") { Description = "Most rows per pull (default 1000)" };
        public Option<int?> Rate { get; } = new("--rate") { Description = "Most webhook requests a minute (default 600)" };
        public Option<int?> MaxBody { get; } = new("--max-body") { Description = "Largest webhook body in bytes (default 1048576)" };

        public void AddTo(Command command)
        {
            foreach (var option in new Option[] { Secret, Connection, Mapping, Header, Prefix, Encoding, Query, Cursor, Key, Every, Batch, Rate, MaxBody }) command.Options.Add(option);
        }

        /// <summary>The request the options make, over <paramref name="current"/> (an update changes only what is given).</summary>
        public async Task<(SourceRequest? Request, string? Field, string? Rule)> RequestAsync(System.CommandLine.ParseResult result, string name, string kind, SourceSettings? current, CancellationToken ct)
        {
            JsonElement? mapping = current?.Mapping;
            if (result.GetValue(Mapping) is { } text)
            {
                try
                {
                    var json = text.StartsWith('@') ? await File.ReadAllTextAsync(text[1..], ct) : text;
                    using var document = JsonDocument.Parse(json);
                    mapping = document.RootElement.Clone();
                }
                catch (Exception e) when (e is JsonException or IOException)
                {
                    return (null, "--mapping", $"must be JSON or @FILE with JSON ({e.Message})");
                }
            }
            return (new SourceRequest(name, kind, result.GetValue(Secret), result.GetValue(Connection), mapping,
                result.GetValue(Header) ?? current?.SignatureHeader, result.GetValue(Prefix) ?? current?.SignaturePrefix, result.GetValue(Encoding) ?? current?.SignatureEncoding,
                result.GetValue(Query) ?? current?.Query, result.GetValue(Cursor) ?? current?.CursorColumn, result.GetValue(Key) ?? current?.KeyColumn,
                result.GetValue(Every) ?? current?.EverySeconds, result.GetValue(Batch) ?? current?.BatchSize, result.GetValue(Rate) ?? current?.RatePerMinute,
                result.GetValue(MaxBody) ?? current?.MaxBodyBytes), null, null);
        }
    }

    private static Command CreateCommand(StoreOptions store)
    {
        var name = new Argument<string>("name") { Description = "A unique name, e.g. shop" };
        var kind = new Option<string>("--kind") { Description = "tracking (a write key; default), shopify, webhook or postgres", DefaultValueFactory = _ => SourceKinds.Tracking };
        var writeKey = new Option<string?>("--write-key") { Description = "For a tracking source: use this write key instead of a generated one" };
        var settings = new Settings();
        var command = new Command("create", "Create a source: a write-key source, or a shopify, webhook or postgres source") { name, kind, writeKey };
        settings.AddTo(command);
        store.AddTo(command);
        command.SetAction(async (result, ct) =>
        {
            await using var tailor = await store.OpenAsync(result, ct);
            if (result.GetValue(kind) == SourceKinds.Tracking)
            {
                var created = await new AccessOperations(tailor.Access, Ids, TimeProvider.System).CreateSourceAsync(result.GetValue(name), result.GetValue(writeKey), ct);
                if (created.Value is not { } tracking) return Error(created.Problem!.Field, created.Problem.Rule);
                AnsiConsole.MarkupLine($"Source [bold]{Markup.Escape(tracking.Name)}[/] ({tracking.Id}) write key: [bold]{Markup.Escape(tracking.WriteKey)}[/]");
                return 0;
            }
            var (request, field, rule) = await settings.RequestAsync(result, result.GetValue(name)!, result.GetValue(kind)!, null, ct);
            if (request is null) return Error(field!, rule!);
            var source = await Operations(tailor).CreateAsync(request, ct);
            if (source.Value is not { } view) return Error(source.Problem!.Field, source.Problem.Rule);
            AnsiConsole.MarkupLine($"Source [bold]{Markup.Escape(view.Name)}[/] ({view.Id}), kind {view.Kind}" + (view.ReceiveUrl is { } url ? $": senders post to {url}" : ""));
            return 0;
        });
        return command;
    }

    private static Command ListCommand(StoreOptions store)
    {
        var command = new Command("list", "List every source: write-key sources with their keys, connector sources with their state");
        store.AddTo(command);
        command.SetAction(async (result, ct) =>
        {
            await using var tailor = await store.OpenAsync(result, ct);
            var table = new Table().AddColumns("name", "id", "kind", "write key / receive url", "created", "status");
            foreach (var s in await tailor.Access.ListSourcesAsync(ct))
                table.AddRow(Markup.Escape(s.Name), s.Id, SourceKinds.Tracking, Markup.Escape(s.WriteKey), s.CreatedAt.ToString("u"), s.RevokedAt is { } at ? $"revoked {at:u}" : "active");
            foreach (var s in await Operations(tailor).ListAsync(ct))
                table.AddRow(Markup.Escape(s.Name), s.Id, s.Kind, Markup.Escape(s.ReceiveUrl ?? "(pulled)"), s.CreatedAt.ToString("u"), s.State);
            AnsiConsole.Write(table);
            return 0;
        });
        return command;
    }

    private static Argument<string> SourceArgument() => new("source") { Description = "Source id or name" };

    private static Command GetCommand(StoreOptions store)
    {
        var source = SourceArgument();
        var command = new Command("get", "Print a connector source as JSON (its secret hidden)") { source };
        store.AddTo(command);
        command.SetAction(async (result, ct) =>
        {
            await using var tailor = await store.OpenAsync(result, ct);
            var found = await Operations(tailor).GetAsync(result.GetValue(source)!, ct);
            return found.Value is { } view ? Json(view) : Error(found.Problem!.Field, found.Problem.Rule);
        });
        return command;
    }

    private static Command UpdateCommand(StoreOptions store)
    {
        var source = SourceArgument();
        var rename = new Option<string?>("--name") { Description = "A new name" };
        var settings = new Settings();
        var command = new Command("update", "Change a connector source's settings (only those given; a secret not given is kept)") { source, rename };
        settings.AddTo(command);
        store.AddTo(command);
        command.SetAction(async (result, ct) =>
        {
            await using var tailor = await store.OpenAsync(result, ct);
            var operations = Operations(tailor);
            var id = result.GetValue(source)!;
            var stored = await tailor.Sources.GetSourceAsync(id, ct) ?? await tailor.Sources.FindSourceByNameAsync(id, ct);
            if (stored is null) return Error("source", "must be an existing connector source");
            var (request, field, rule) = await settings.RequestAsync(result, result.GetValue(rename) ?? stored.Name, stored.Kind, stored.Settings, ct);
            if (request is null) return Error(field!, rule!);
            var updated = await operations.UpdateAsync(stored.Id, request, ct);
            return updated.Value is { } view ? Json(view) : Error(updated.Problem!.Field, updated.Problem.Rule);
        });
        return command;
    }

    private static Command DeleteCommand(StoreOptions store)
    {
        var source = SourceArgument();
        var command = new Command("delete", "Delete a connector source (its events stay in the log)") { source };
        store.AddTo(command);
        command.SetAction(async (result, ct) =>
        {
            await using var tailor = await store.OpenAsync(result, ct);
            var deleted = await Operations(tailor).DeleteAsync(result.GetValue(source)!, ct);
            if (deleted.Value is not { } view) return Error(deleted.Problem!.Field, deleted.Problem.Rule);
            AnsiConsole.MarkupLine($"Source [bold]{Markup.Escape(view.Name)}[/] deleted");
            return 0;
        });
        return command;
    }

    private static Command TestCommand(StoreOptions store)
    {
        var source = SourceArgument();
        var sample = new Option<FileInfo?>("--sample") { Description = "A payload as the sender would post it (JSON file); a postgres source without one reads its next rows" };
        var topic = new Option<string?>("--topic") { Description = "For a shopify sample: its topic, e.g. orders/create" };
        var command = new Command("test", "Print the Segment messages a sample maps to; nothing is stored") { source, sample, topic };
        store.AddTo(command);
        command.SetAction(async (result, ct) =>
        {
            JsonElement? body = null;
            if (result.GetValue(sample) is { } file)
            {
                try
                {
                    using var document = JsonDocument.Parse(await File.ReadAllTextAsync(file.FullName, ct));
                    body = document.RootElement.Clone();
                }
                catch (Exception e) when (e is JsonException or IOException)
                {
                    return Error("--sample", $"must be a JSON file ({e.Message})");
                }
            }
            await using var tailor = await store.OpenAsync(result, ct);
            var preview = await Operations(tailor).TestAsync(result.GetValue(source)!, body, result.GetValue(topic), ct);
            return preview.Value is { } value ? Json(value) : Error(preview.Problem!.Field, preview.Problem.Rule);
        });
        return command;
    }

    private static Command PauseCommand(StoreOptions store, bool pause)
    {
        var source = SourceArgument();
        var command = new Command(pause ? "pause" : "resume", pause ? "Pause a source: webhooks get 503 (senders retry), pulls stop" : "Resume a paused source") { source };
        store.AddTo(command);
        command.SetAction(async (result, ct) =>
        {
            await using var tailor = await store.OpenAsync(result, ct);
            var changed = await Operations(tailor).SetPausedAsync(result.GetValue(source)!, pause, ct);
            if (changed.Value is not { } view) return Error(changed.Problem!.Field, changed.Problem.Rule);
            AnsiConsole.MarkupLine($"Source [bold]{Markup.Escape(view.Name)}[/] is {view.State}");
            return 0;
        });
        return command;
    }

    private static Command StatusCommand(StoreOptions store)
    {
        var source = SourceArgument();
        var command = new Command("status", "Print a source's state, events, dead letters, last error and, for a pull, its cursor and runs") { source };
        store.AddTo(command);
        command.SetAction(async (result, ct) =>
        {
            await using var tailor = await store.OpenAsync(result, ct);
            var status = await Operations(tailor).StatusAsync(result.GetValue(source)!, ct);
            return status.Value is { } value ? Json(value) : Error(status.Problem!.Field, status.Problem.Rule);
        });
        return command;
    }

    private static int Json<T>(T value)
    {
        Console.WriteLine(JsonSerializer.Serialize(value, Print));
        return 0;
    }
}
