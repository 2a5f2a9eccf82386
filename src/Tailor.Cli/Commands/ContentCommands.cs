using System.CommandLine;
using System.Text.Json;
using Spectre.Console;
using Tailor.Application;
using Tailor.Application.Campaigns;
using Tailor.Application.Content;
using Tailor.Core.Content;
using Tailor.Core.Segments;
using Tailor.Core.Segments.Evaluation;
using Tailor.Core.Storage;
using Tailor.Server.Content;
using static Tailor.Cli.Commands.CliErrors;

namespace Tailor.Cli.Commands;

/// <summary>
/// <c>tailor templates|blocks|placements|campaigns …</c>: content in the store (docs/content.md). A running server
/// reads content changed here within <see cref="ContentCatalog.RefreshAfter"/>; the HTTP API changes it at once.
/// </summary>
internal static class ContentCommands
{
    public static Command Templates(StoreOptions store)
    {
        var command = new Command("templates", "Liquid templates: create, list, preview, delete");
        command.Subcommands.Add(CreateTemplate(store));
        command.Subcommands.Add(ListTemplates(store));
        command.Subcommands.Add(PreviewTemplate(store));
        command.Subcommands.Add(DeleteTemplate(store));
        return command;
    }

    private static Command CreateTemplate(StoreOptions store)
    {
        var name = new Argument<string>("name") { Description = "A unique name" };
        var file = new Option<FileInfo>("--file") { Description = "The Liquid body", Required = true };
        var subject = new Option<string?>("--subject") { Description = "An email subject line (Liquid)" };
        var command = new Command("create", "Save a template (replacing one of the same name); refused with line and column when it does not parse") { name, file, subject };
        store.AddTo(command);
        command.SetAction(async (result, ct) =>
        {
            var body = await File.ReadAllTextAsync(result.GetValue(file)!.FullName, ct);
            await using var tailor = await store.OpenAsync(result, ct);
            var saved = await Operations(tailor.Content, tailor.Segments).SaveTemplateAsync(result.GetValue(name), body, result.GetValue(subject), SaveMode.Upsert, ct);
            if (saved.Problem is { } problem) return Error(problem.Field, problem.Rule);
            AnsiConsole.MarkupLine($"{(saved.Value!.Created ? "Created" : "Replaced")} template [bold]{Markup.Escape(saved.Value.Document.Name)}[/]");
            return 0;
        });
        return command;
    }

    private static Command ListTemplates(StoreOptions store)
    {
        var command = new Command("list", "List templates");
        store.AddTo(command);
        command.SetAction(async (result, ct) =>
        {
            await using var tailor = await store.OpenAsync(result, ct);
            var table = new Table().AddColumns("name", "subject", "updated");
            foreach (var d in await tailor.Content.ListContentAsync(ContentKinds.Template, ct))
            {
                var t = JsonSerializer.Deserialize<TemplateDocument>(d.Json, BlockDocument.Json)!;
                table.AddRow(Markup.Escape(d.Name), Markup.Escape(t.Subject ?? ""), d.UpdatedAt.ToString("u"));
            }
            AnsiConsole.Write(table);
            return 0;
        });
        return command;
    }

    private static Command PreviewTemplate(StoreOptions store)
    {
        var name = new Argument<string>("name") { Description = "The template" };
        var profile = new Option<string?>("--profile") { Description = "Profile id or userId to render for (default: nobody, the non-personalised version)" };
        var command = new Command("preview", "Render a template for a profile and list every variable without a value, with its line") { name, profile };
        store.AddTo(command);
        command.SetAction(async (result, ct) =>
        {
            await using var tailor = await store.OpenAsync(result, ct);
            var engine = new LiquidEngine();
            using var catalog = new ContentCatalog(tailor.Content, engine, TimeProvider.System);
            var content = await catalog.ReloadAsync(ct);
            if (!content.Templates.TryGetValue(result.GetValue(name)!, out var template)) return Error("name", "must name an existing template");
            var preview = new ContentPreview(tailor.Segments, tailor.Profiles, TimeProvider.System);
            ProfileFacts? facts = null;
            if (result.GetValue(profile) is { } id && (facts = await preview.FactsAsync(id, content.EventNames, ct)) is null)
                return Error("profile", $"no live profile has the id or userId {id}");
            var popular = PopularItems.From(await tailor.Content.RecentTrackEventsAsync(PopularItems.EventNames.ToArray(), 5000, ct), 12);
            var scope = await preview.ScopeAsync(facts, content.SegmentValues, popular, RequestContext.None, ct);
            try
            {
                var rendered = await engine.RenderAsync(template.Parsed, scope, new RenderSettings(Strict: true, Blocks: content.Blocks), ct);
                Console.WriteLine(rendered.Output);
                foreach (var m in rendered.Missing)
                    AnsiConsole.MarkupLine($"[yellow]missing:[/] {Markup.Escape(m.Path)} (line {m.Line}{(m.Block is null ? "" : $" of block {Markup.Escape(m.Block)}")}{(m.HasDefault ? ", has a default" : "")})");
                foreach (var b in rendered.Blocks)
                    AnsiConsole.MarkupLine($"[blue]block[/] {Markup.Escape(b.Block)}: {Markup.Escape(b.Variant)} — {Markup.Escape(b.Reason)}");
                return 0;
            }
            catch (TemplateRenderException e)
            {
                return Error("body", e.Message);
            }
        });
        return command;
    }

    private static Command DeleteTemplate(StoreOptions store) => Delete(store, "template", ContentKinds.Template);

    private static Command Delete(StoreOptions store, string what, string kind)
    {
        var name = new Argument<string>("name");
        var command = new Command("delete", $"Delete a {what}") { name };
        store.AddTo(command);
        command.SetAction(async (result, ct) =>
        {
            await using var tailor = await store.OpenAsync(result, ct);
            if (!await Operations(tailor.Content, tailor.Segments).DeleteAsync(kind, result.GetValue(name)!, ct)) return Error("name", $"must name an existing {what}");
            AnsiConsole.MarkupLine($"Deleted {what} [bold]{Markup.Escape(result.GetValue(name)!)}[/]");
            return 0;
        });
        return command;
    }

    public static Command Blocks(StoreOptions store) => ListOnly(store, "blocks", "Content blocks (create and change them with POST /api/blocks)", ContentKinds.Block, "block");

    public static Command Placements(StoreOptions store) => ListOnly(store, "placements", "Placements (create and change them with POST /api/placements)", ContentKinds.Placement, "placement");

    private static Command ListOnly(StoreOptions store, string name, string description, string kind, string what)
    {
        var command = new Command(name, description);
        var list = new Command("list", $"List {name} as stored (JSON)");
        store.AddTo(list);
        list.SetAction(async (result, ct) =>
        {
            await using var tailor = await store.OpenAsync(result, ct);
            foreach (var d in await tailor.Content.ListContentAsync(kind, ct)) Console.WriteLine($"{d.Name}\t{d.Json}");
            return 0;
        });
        command.Subcommands.Add(list);
        command.Subcommands.Add(Delete(store, what, kind));
        return command;
    }

    public static Command Campaigns(StoreOptions store)
    {
        var command = new Command("campaigns", "Email campaigns: list with their counts (create and send with the HTTP API)");
        var list = new Command("list", "List campaigns with status and counts");
        store.AddTo(list);
        list.SetAction(async (result, ct) =>
        {
            await using var tailor = await store.OpenAsync(result, ct);
            var time = TimeProvider.System;
            var campaigns = new CampaignOperations(tailor.Campaigns, tailor.Content, tailor.Segments, new CampaignStarter(tailor.Segments, tailor.Campaigns, time), new LiquidEngine(), new IdSource(time), time);
            var table = new Table().AddColumns("id", "name", "template", "segment", "status", "audience", "sent", "no consent", "capped", "failed", "interrupted");
            foreach (var (c, n) in await campaigns.ListAsync(ct))
            {
                string Count(string status) => n.GetValueOrDefault(status).ToString("N0", System.Globalization.CultureInfo.InvariantCulture);
                table.AddRow(c.Id, Markup.Escape(c.Name), Markup.Escape(c.Template), Markup.Escape(c.Segment), c.Status, c.AudienceSize.ToString("N0", System.Globalization.CultureInfo.InvariantCulture),
                    Count(RecipientStatus.Sent), Count(RecipientStatus.SuppressedConsent), Count(RecipientStatus.SuppressedCap), Count(RecipientStatus.Failed), Count(RecipientStatus.Interrupted));
            }
            AnsiConsole.Write(table);
            return 0;
        });
        command.Subcommands.Add(list);
        command.Subcommands.Add(EmailStatsCommand.Create(store, campaigns: true));
        return command;
    }

    /// <summary>The content use cases over the store's content and segment roles, on the system clock.</summary>
    private static ContentOperations Operations(IContentStore content, ISegmentStore segments) =>
        new(content, segments, new LiquidEngine(), TimeProvider.System);
}
