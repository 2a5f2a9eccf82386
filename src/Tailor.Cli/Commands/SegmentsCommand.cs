using System.CommandLine;
using System.Text.Json;
using Spectre.Console;
using Tailor.Core.Segments;
using Rule = Tailor.Core.Segments.Rules.Rule;
using Tailor.Core.Segments.Text;
using Tailor.Core.Storage;
using Tailor.Application;
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
            var saved = await session.Segments.SaveByNameAsync(new SegmentInput(result.GetValue(name), parsed, result.GetValue(parent), result.GetValue(minSize)), ct);
            if (saved.Problem is { } refused) return Error(refused);
            var (segment, created) = saved.Value!;
            AnsiConsole.MarkupLine($"{(created ? "Created" : "Changed")} segment [bold]{Markup.Escape(segment.Name)}[/] ({segment.Id}): {Markup.Escape(RulePrinter.Print(parsed))}");
            await RecomputeWithProgressAsync(session.Segments, segment.Id, ct);
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
            await using var session = await Session.OpenAsync(store, result, ct);
            var (catalog, sizes) = await session.Segments.ListAsync(ct);
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
            await using var session = await Session.OpenAsync(store, result, ct);
            if (session.Segments.Find(result.GetValue(name)!) is not { } segment) return Error("name", "must be an existing segment");
            var table = new Table().AddColumns("profile", "member since");
            foreach (var m in await session.Store.MembersAsync(segment.Id, null, result.GetValue(limit), ct)) table.AddRow(m.ProfileId, m.Since.ToString("u"));
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
            var explained = await session.Segments.ExplainAsync(result.GetValue(name)!, result.GetValue(profile), ct);
            if (!explained.Succeeded) return Error(explained.Problem!);
            Console.WriteLine(JsonSerializer.Serialize(explained.Value, Json));
            return explained.Value!.Matched ? 0 : 3;
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
            if (session.Segments.Find(result.GetValue(name)!) is not { } segment) return Error("name", "must be an existing segment");
            await RecomputeWithProgressAsync(session.Segments, segment.Id, ct);
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
            var previewed = await session.Segments.PreviewAsync(parsed, null, ct);
            if (!previewed.Succeeded) return Error(previewed.Problem!);
            var preview = previewed.Value!;
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
            await using var session = await Session.OpenAsync(store, result, ct);
            var deleted = await session.Segments.DeleteAsync(result.GetValue(name)!, ct);
            if (!deleted.Succeeded) return Error(deleted.Problem!);
            AnsiConsole.MarkupLine($"Deleted segment [bold]{Markup.Escape(deleted.Value!.Name)}[/]");
            return 0;
        });
        return command;
    }

    private static async Task RecomputeWithProgressAsync(SegmentOperations segments, string segmentId, CancellationToken ct)
    {
        RecomputeResult result = null!;
        await AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .StartAsync(async progress =>
            {
                var task = progress.AddTask("Evaluating profiles", maxValue: 1);
                result = (await segments.RecomputeAsync(segmentId, new Reporter(p => { task.MaxValue = Math.Max(1, p.Total); task.Value = p.Done; }), ct)).Value!;
                task.Value = task.MaxValue;
            });
        AnsiConsole.MarkupLine($"{result.Profiles:N0} profiles evaluated: {result.Entered:N0} entered, {result.Exited:N0} left");
    }

    private sealed class Reporter(Action<RecomputeProgress> report) : IProgress<RecomputeProgress>
    {
        public void Report(RecomputeProgress value) => report(value);
    }

    /// <summary>The store with a loaded segment engine over it and the segment use cases; the store closes with it.</summary>
    private sealed class Session(IAsyncDisposable owned, ISegmentStore store, SegmentEngine engine, SegmentOperations segments) : IAsyncDisposable
    {
        public ISegmentStore Store { get; } = store;
        public SegmentOperations Segments { get; } = segments;

        public static async Task<Session> OpenAsync(StoreOptions options, ParseResult result, CancellationToken ct)
        {
            var store = await options.OpenAsync(result, ct);
            var engine = new SegmentEngine(store.Segments, store.Positions, store.Profiles, TimeProvider.System);
            await engine.ReloadAsync(ct);
            return new Session(store, store.Segments, engine, new SegmentOperations(store.Segments, store.Triggers, store.Campaigns, store.Content, engine, new IdSource(TimeProvider.System), TimeProvider.System));
        }

        public async ValueTask DisposeAsync()
        {
            engine.Dispose();
            await owned.DisposeAsync();
        }
    }

    /// <summary>A use case's failure: what was not found, or the first field and rule it broke.</summary>
    private static int Error(OperationProblem problem) =>
        problem.Kind == ProblemKind.NotFound
            ? Error(problem.Field == "segment" ? "name" : problem.Field, $"must be an existing {problem.Field}")
            : Error(problem.Field, problem.Rule);

    private static int Error(string field, string rule) => CliErrors.Error(field, rule);
}
