using System.CommandLine;
using System.Text.Json;
using Spectre.Console;
using Tailor.Application.Privacy;
using Tailor.Core.Storage;
using Tailor.Server.Admin;
using static Tailor.Cli.Commands.CliErrors;

namespace Tailor.Cli.Commands;

/// <summary><c>tailor audit</c>: the audit trail, newest first, as <c>GET /api/audit</c> reads it (docs/security.md).</summary>
internal static class AuditCommand
{
    public static Command Create(StoreOptions store)
    {
        var since = new Option<string?>("--since") { Description = "Only entries this recent, e.g. 24h or 30d" };
        var actor = new Option<string?>("--actor") { Description = "Only one key's entries (key_…), or cli:USER" };
        var action = new Option<string?>("--action") { Description = "Only actions starting with this, e.g. \"POST /api/segments\"" };
        var limit = new Option<int>("--limit") { Description = $"At most this many entries (1–{AuditTrail.MaxListed})", DefaultValueFactory = _ => 50 };
        var json = new Option<bool>("--json") { Description = "Print the entries as JSON" };
        var command = new Command("audit", "Who did what, when and from where: admin changes, profile reads, exports, refused keys and CLI commands")
        {
            since, actor, action, limit, json,
        };
        store.AddTo(command);
        command.SetAction(async (result, ct) =>
        {
            DateTimeOffset? from = null;
            if (result.GetValue(since) is { } text)
            {
                if (!KeyGrace.TryParseDuration(text, out var back)) return Error("--since", "must be a duration such as 30m, 24h or 30d");
                from = DateTimeOffset.UtcNow - back;
            }
            await using var tailor = await store.OpenAsync(result, ct);
            var listed = await new AuditTrail(tailor.Audit, TimeProvider.System)
                .ListAsync(new AuditQuery(from, null, result.GetValue(actor), result.GetValue(action), null, result.GetValue(limit)), ct);
            if (listed.Value is not { } entries) return Error(listed.Problem!.Field == "limit" ? "--limit" : listed.Problem.Field, listed.Problem.Rule);
            if (result.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(entries, JsonSerializerOptions.Web));
                return 0;
            }
            var table = new Table().AddColumns("seq", "at", "who", "action", "target", "outcome", "from");
            foreach (var e in entries)
                table.AddRow(e.Seq.ToString(System.Globalization.CultureInfo.InvariantCulture), e.At.ToString("u"), Markup.Escape($"{e.ActorName} ({e.Actor})"),
                    Markup.Escape(e.Action), Markup.Escape(e.Target ?? ""), e.Outcome == 0 ? "" : e.Outcome.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    Markup.Escape(e.Origin ?? ""));
            AnsiConsole.Write(table);
            return 0;
        });
        return command;
    }
}
