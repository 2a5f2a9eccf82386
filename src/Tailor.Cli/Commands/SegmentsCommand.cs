using System.CommandLine;
using System.Text.Json;
using Spectre.Console;
using Tailor.Core.Segments;
using Rule = Tailor.Core.Segments.Rules.Rule;
using Tailor.Core.Segments.Text;
using Tailor.Core.Storage;
using Tailor.Application.Segments;

namespace Tailor.Cli.Commands;

/// <summary><c>tailor segments …</c>: create, inspect, explain and recompute segments (rules in the text form, docs/rules.md).</summary>
internal static class SegmentsCommand
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static Command Create(StoreOptions store)
    {
        var command = new Command("segments", "Manage segments: rules over profiles whose members are kept current");
        command.Subcommands.Add(CreateCommand(store));
        command.Subcommands.Add(ListCommand(store));
        command.Subcommands.Add(MembersCommand(store));
        command.Subcommands.Add(ExplainCommand(store));
        command.Subcommands.Add(RecomputeCommand(store));
        command.Subcommands.Add(PreviewCommand(store));
        command.Subcommands.Add(DeleteCommand(store));
        return command;
    }

    private static Command CreateCommand(StoreOptions store)
    {
        var name = new Argument<string>("name") { Description = "A unique name, e.g. \"Recent Buyers\"" };
        var rule = new Option<string?>("--rule") { Description = "The rule in the text form, e.g. 'performed \"Order Completed\" in last 30 days'" };
        var ruleFile = new Option<FileInfo?>("--rule-file") { Description = "Read the rule from a file (text form)" };
        var parent = new Option<string?>("--parent") { Description = "Parent segment: members must also be in it" };
        var minSize = new Option<int>("--min-size") { Description = "Below this many members personalization uses the parent", DefaultValueFactory = _ => SegmentDefinition.DefaultMinSize };
        var command = new Command("create", "Create (or, with an existing name, change) a segment and compute its members") { name, rule, ruleFile, parent, minSize };
        store.AddTo(command);
        command.SetAction(async (result, ct) =>
        {
            var text = result.GetValue(rule) ?? (result.GetValue(ruleFile) is { } file ? await File.ReadAllTextAsync(file.FullName, ct) : null);
            if (text is null) return Error("rule", "is required: --rule TEXT or --rule-file FILE");
            Rule parsed;
            try
            {
                parsed = RuleParser.Parse(text);
            }
            catch (RuleSyntaxException ex)
            {
                return Error("rule", ex.Message);
            }
            await using var session = await Session.OpenAsync(store, result, ct);
            var (tailor, engine) = (session.Store, session.Engine);
            var segmentName = result.GetValue(name)!;
            var existing = engine.Catalog.ByName(segmentName);
            var parentSegment = result.GetValue(parent) is { } p ? engine.Catalog.ByName(p) : null;
            if (result.GetValue(parent) is not null && parentSegment is null) return Error("parent", "must be the name of an existing segment");
            var now = DateTimeOffset.UtcNow;
            var segment = new SegmentDefinition(existing?.Id ?? $"seg_{Guid.CreateVersion7():N}", segmentName, parsed, parentSegment?.Id,
                result.GetValue(minSize), existing?.Definition.CreatedAt ?? now, now);
            if (SegmentValidator.Validate(segment, engine.Catalog) is { } error) return Error(error.Field, error.Rule);
            await tailor.SaveSegmentAsync(segment, ct);
            await engine.ReloadAsync(ct);
            AnsiConsole.MarkupLine($"{(existing is null ? "Created" : "Changed")} segment [bold]{Markup.Escape(segmentName)}[/] ({segment.Id}): {Markup.Escape(RulePrinter.Print(parsed))}");
            await RecomputeWithProgressAsync(engine, segment.Id, ct);
            return 0;
        });
        return command;
    }

    private static Command ListCommand(StoreOptions store)
    {
        var command = new Command("list", "List segments with their sizes");
        store.AddTo(command);
        command.SetAction(async (result, ct) =>
        {
            await using var tailor = await store.OpenAsync(result, ct);
            var sizes = await tailor.SegmentSizesAsync(ct);
            var catalog = new SegmentCatalog(await tailor.ListSegmentsAsync(ct));
            var table = new Table().AddColumns("name", "size", "min size", "parent", "rule");
            foreach (var c in catalog.InOrder.OrderBy(c => c.Name, StringComparer.Ordinal))
            {
                var size = sizes.GetValueOrDefault(c.Id);
                table.AddRow(Markup.Escape(c.Name), size < c.Definition.MinSize ? $"{size} [yellow](too small)[/]" : $"{size}", $"{c.Definition.MinSize}",
                    Markup.Escape(c.Definition.ParentId is { } parent ? catalog.ById(parent)?.Name ?? "" : ""), Markup.Escape(RulePrinter.Print(c.Definition.Rule)));
            }
            AnsiConsole.Write(table);
            return 0;
        });
        return command;
    }

    private static Command MembersCommand(StoreOptions store)
    {
        var name = new Argument<string>("name");
        var limit = new Option<int>("--limit") { DefaultValueFactory = _ => 100, Description = "How many members to list" };
        var command = new Command("members", "List a segment's members") { name, limit };
        store.AddTo(command);
        command.SetAction(async (result, ct) =>
        {
            await using var tailor = await store.OpenAsync(result, ct);
            var catalog = new SegmentCatalog(await tailor.ListSegmentsAsync(ct));
            if (catalog.ByName(result.GetValue(name)!) is not { } segment) return Error("name", "must be an existing segment");
            var table = new Table().AddColumns("profile", "member since");
            foreach (var m in await tailor.MembersAsync(segment.Id, null, result.GetValue(limit), ct)) table.AddRow(m.ProfileId, m.Since.ToString("u"));
            AnsiConsole.Write(table);
            return 0;
        });
        return command;
    }

    private static Command ExplainCommand(StoreOptions store)
    {
        var name = new Argument<string>("name");
        var profile = new Argument<string>("profile") { Description = "Profile id" };
        var command = new Command("explain", "Why a profile is in a segment or not") { name, profile };
        store.AddTo(command);
        command.SetAction(async (result, ct) =>
        {
            await using var session = await Session.OpenAsync(store, result, ct);
            var engine = session.Engine;
            if (engine.Catalog.ByName(result.GetValue(name)!) is not { } segment) return Error("name", "must be an existing segment");
            var explanation = await engine.ExplainAsync(segment.Id, result.GetValue(profile)!, ct);
            if (explanation is null) return Error("profile", "no profile has this id");
            Console.WriteLine(JsonSerializer.Serialize(explanation, Json));
            return explanation.Matched ? 0 : 3;
        });
        return command;
    }

    private static Command RecomputeCommand(StoreOptions store)
    {
        var name = new Argument<string>("name");
        var command = new Command("recompute", "Re-evaluate a segment over every profile, with progress") { name };
        store.AddTo(command);
        command.SetAction(async (result, ct) =>
        {
            await using var session = await Session.OpenAsync(store, result, ct);
            var engine = session.Engine;
            if (engine.Catalog.ByName(result.GetValue(name)!) is not { } segment) return Error("name", "must be an existing segment");
            await RecomputeWithProgressAsync(engine, segment.Id, ct);
            return 0;
        });
        return command;
    }

    private static Command PreviewCommand(StoreOptions store)
    {
        var rule = new Argument<string>("rule") { Description = "The rule in the text form" };
        var command = new Command("preview", "Estimate how many profiles a rule matches, with examples, without saving it") { rule };
        store.AddTo(command);
        command.SetAction(async (result, ct) =>
        {
            Rule parsed;
            try { parsed = RuleParser.Parse(result.GetValue(rule)!); }
            catch (RuleSyntaxException ex) { return Error("rule", ex.Message); }
            await using var session = await Session.OpenAsync(store, result, ct);
            var engine = session.Engine;
            var preview = await engine.PreviewAsync(parsed, 2000, ct);
            AnsiConsole.MarkupLine($"{(preview.Exact ? "Matches" : "About")} [bold]{preview.Estimate:N0}[/] of {preview.Profiles:N0} profiles{(preview.Exact ? "" : $" (sampled {preview.Sampled:N0})")}");
            foreach (var id in preview.SampleMembers) AnsiConsole.WriteLine($"  {id}");
            return 0;
        });
        return command;
    }

    private static Command DeleteCommand(StoreOptions store)
    {
        var name = new Argument<string>("name");
        var command = new Command("delete", "Delete a segment with its members and history") { name };
        store.AddTo(command);
        command.SetAction(async (result, ct) =>
        {
            await using var tailor = await store.OpenAsync(result, ct);
            var catalog = new SegmentCatalog(await tailor.ListSegmentsAsync(ct));
            if (catalog.ByName(result.GetValue(name)!) is not { } segment) return Error("name", "must be an existing segment");
            var dependents = catalog.WithDependents([segment.Id]).Where(c => c.Id != segment.Id).Select(c => c.Name).ToList();
            if (dependents.Count > 0) return Error("name", $"segments refer to this one and must change first: {string.Join(", ", dependents)}");
            await tailor.DeleteSegmentAsync(segment.Id, ct);
            AnsiConsole.MarkupLine($"Deleted segment [bold]{Markup.Escape(segment.Name)}[/]");
            return 0;
        });
        return command;
    }

    private static async Task RecomputeWithProgressAsync(SegmentEngine engine, string segmentId, CancellationToken ct)
    {
        RecomputeResult result = null!;
        await AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .StartAsync(async progress =>
            {
                var task = progress.AddTask("Evaluating profiles", maxValue: 1);
                result = await engine.RecomputeAsync(segmentId, new Reporter(p => { task.MaxValue = Math.Max(1, p.Total); task.Value = p.Done; }), ct);
                task.Value = task.MaxValue;
            });
        AnsiConsole.MarkupLine($"{result.Profiles:N0} profiles evaluated: {result.Entered:N0} entered, {result.Exited:N0} left");
    }

    private sealed class Reporter(Action<RecomputeProgress> report) : IProgress<RecomputeProgress>
    {
        public void Report(RecomputeProgress value) => report(value);
    }

    /// <summary>A store with a segment engine over it, loaded and ready.</summary>
    private sealed class Session(ITailorStore store, SegmentEngine engine) : IAsyncDisposable
    {
        public ITailorStore Store { get; } = store;
        public SegmentEngine Engine { get; } = engine;

        public static async Task<Session> OpenAsync(StoreOptions options, ParseResult result, CancellationToken ct)
        {
            var store = await options.OpenAsync(result, ct);
            var engine = new SegmentEngine(store.Segments, store.Positions, store.Profiles, TimeProvider.System);
            await engine.ReloadAsync(ct);
            return new Session(store, engine);
        }

        public async ValueTask DisposeAsync()
        {
            Engine.Dispose();
            await Store.DisposeAsync();
        }
    }

    private static int Error(string field, string rule)
    {
        AnsiConsole.MarkupLine($"[red]error:[/] {Markup.Escape(field)}: {Markup.Escape(rule)}");
        return 2;
    }
}
