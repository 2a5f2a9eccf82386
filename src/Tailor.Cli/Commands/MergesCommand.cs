using System.CommandLine;
using System.Text.Json;
using Spectre.Console;
using Tailor.Core.Identity;
using Tailor.Core.Pipeline;
using Tailor.Core.Profiles;
using Tailor.Application.Pipeline;

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
            var found = await tailor.GetProfileAsync(value, ct)
                ?? await tailor.FindProfileAsync(new Identity(IdentityTypes.UserId, value), ct)
                ?? await tailor.FindProfileAsync(new Identity(IdentityTypes.Email, value), ct)
                ?? await tailor.FindProfileAsync(new Identity(IdentityTypes.AnonymousId, value), ct);
            if (found is null)
            {
                AnsiConsole.MarkupLine($"[red]No profile has the identity[/] {Markup.Escape(value)}");
                return 1;
            }
            var id = found.Id;
            var table = new Table().AddColumns("id", "at", "survivor", "merged away", "reason", "undone");
            foreach (var m in await tailor.MergesAsync(id, ct))
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
            if (await tailor.GetMergeAsync(id, ct) is not { } record)
            {
                AnsiConsole.MarkupLine($"[red]No merge[/] {id}");
                return 1;
            }
            if (ProfilePipeline.UndoRefusal(record) is { } why)
            {
                AnsiConsole.MarkupLine($"[red]Merge {id} cannot be undone:[/] {Markup.Escape(why)}");
                return 2;
            }
            // Logged like the API's request, then applied by catching the pipeline up (a running server may get there first).
            await tailor.AppendAsync([MergeUndoRequest.Create(id, $"undo-{Guid.CreateVersion7():N}", TimeProvider.System.GetUtcNow(), "cli")], ct);
            var pipeline = new ProfilePipeline(tailor.Events, tailor.Positions, tailor.Profiles, tailor.Merges, tailor.Triggers, new ProfileReducer(EngagementWeights.Default) { Limits = ProfileLimitsEnvironment.Read() },
                TimeProvider.System, () => $"prf_{Guid.CreateVersion7():N}");
            await pipeline.CatchUpAsync(ct);
            var after = await tailor.GetMergeAsync(id, ct);
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

    private static Command Refusals(StoreOptions store)
    {
        var profile = new Option<string?>("--profile") { Description = "Only this profile's refusals" };
        var limit = new Option<int>("--limit") { Description = "How many, newest first", DefaultValueFactory = _ => 100 };
        var command = new Command("refusals", "What the merge guards and profile caps refused") { profile, limit };
        store.AddTo(command);
        command.SetAction(async (result, ct) =>
        {
            await using var tailor = await store.OpenAsync(result, ct);
            var id = result.GetValue(profile) is { } p ? (await tailor.GetProfileAsync(p, ct))?.Id ?? p : null;
            var table = new Table().AddColumns("at", "profile", "kind", "detail", "messageId");
            foreach (var r in await tailor.RefusalsAsync(id, Math.Clamp(result.GetValue(limit), 1, 1000), ct))
                table.AddRow(r.At.ToString("u"), r.ProfileId ?? "", r.Kind, Markup.Escape(r.Detail), Markup.Escape(r.MessageId));
            AnsiConsole.Write(table);
            return 0;
        });
        return command;
    }
}
