using System.CommandLine;
using System.Text.Json;
using Spectre.Console;
using Tailor.Core.Pipeline;
using Tailor.Core.Profiles;
using Tailor.Application;
using Tailor.Application.Merges;
using Tailor.Application.Pipeline;
using Tailor.Core.Storage;

namespace Tailor.Cli.Commands;

/// <summary><c>tailor merges</c>: list a profile's merges, undo one, and show what the merge guards and caps refused.</summary>
internal static class MergesCommand
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static Command Create(StoreOptions store)
    {
        var command = new Command("merges", "Profile merges: list, undo, and what the guards refused") { List(store), Undo(store), Refusals(store) };
        return command;
    }

    private static Command List(StoreOptions store)
    {
        var profile = new Argument<string>("profile") { Description = "A profile id, userId, email or anonymousId" };
        var command = new Command("list", "The merges a profile took part in") { profile };
        store.AddTo(command);
        command.SetAction(async (result, ct) =>
        {
            await using var tailor = await store.OpenAsync(result, ct);
            var value = result.GetValue(profile)!;
            var listed = await Operations(tailor).ListAsync(value, ct);
            if (!listed.Succeeded)
            {
                AnsiConsole.MarkupLine($"[red]No profile has the identity[/] {Markup.Escape(value)}");
                return 1;
            }
            var table = new Table().AddColumns("id", "at", "survivor", "merged away", "reason", "undone");
            foreach (var m in listed.Value!)
                table.AddRow($"{m.Id}", m.At.ToString("u"), m.WinnerId, m.LoserId, Markup.Escape(m.Reason), m.UndoneAt?.ToString("u") ?? "");
            AnsiConsole.Write(table);
            return 0;
        });
        return command;
    }

    private static Command Undo(StoreOptions store)
    {
        var merge = new Argument<long>("merge") { Description = "The merge id (tailor merges list PROFILE)" };
        var command = new Command("undo", "Undo a merge: both profiles come back as if it had never happened") { merge };
        store.AddTo(command);
        command.SetAction(async (result, ct) =>
        {
            var id = result.GetValue(merge);
            await using var tailor = await store.OpenAsync(result, ct);
            var request = await Operations(tailor).RequestUndoAsync(id, "cli", ct);
            if (request.Problem is { Kind: ProblemKind.NotFound })
            {
                AnsiConsole.MarkupLine($"[red]No merge[/] {id}");
                return 1;
            }
            if (!request.Succeeded)
            {
                AnsiConsole.MarkupLine($"[red]Merge {id}[/] {Markup.Escape(request.Problem!.Rule)}");
                return 2;
            }
            // Logged like the API's request, then applied by catching the pipeline up (a running server may get there first).
            await tailor.Events.AppendAsync([request.Value!], ct);
            await OfflineFold.CatchUpAsync(tailor.Events, tailor.Positions, tailor.Profiles, tailor.Merges, tailor.Triggers,
                new ProfileReducer(EngagementWeights.Default) { Limits = ProfileLimitsEnvironment.Read() }, TimeProvider.System, null, null, ct);
            var after = await tailor.Merges.GetMergeAsync(id, ct);
            Console.WriteLine(JsonSerializer.Serialize(after?.Merge, Json));
            if (after?.Merge.UndoneAt is null)
            {
                AnsiConsole.MarkupLine($"[red]Merge {id} was not undone[/] (see tailor merges refusals)");
                return 2;
            }
            return 0;
        });
        return command;
    }

    private static MergeOperations Operations(Storage.TailorDatabase store) =>
        new(store.Merges, store.Profiles, new IdSource(TimeProvider.System), TimeProvider.System);

    private static Command Refusals(StoreOptions store)
    {
        var profile = new Option<string?>("--profile") { Description = "Only this profile's refusals" };
        var limit = new Option<int>("--limit") { Description = "How many, newest first", DefaultValueFactory = _ => 100 };
        var command = new Command("refusals", "What the merge guards and profile caps refused") { profile, limit };
        store.AddTo(command);
        command.SetAction(async (result, ct) =>
        {
            await using var tailor = await store.OpenAsync(result, ct);
            var id = result.GetValue(profile) is { } p ? (await tailor.Profiles.GetProfileAsync(p, ct))?.Id ?? p : null;
            var table = new Table().AddColumns("at", "profile", "kind", "detail", "messageId");
            foreach (var r in await tailor.Merges.RefusalsAsync(id, Math.Clamp(result.GetValue(limit), 1, 1000), ct))
                table.AddRow(r.At.ToString("u"), r.ProfileId ?? "", r.Kind, Markup.Escape(r.Detail), Markup.Escape(r.MessageId));
            AnsiConsole.Write(table);
            return 0;
        });
        return command;
    }
}
