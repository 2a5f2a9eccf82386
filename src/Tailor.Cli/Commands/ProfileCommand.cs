using System.CommandLine;
using System.Text.Json;
using Spectre.Console;
using Tailor.Core.Identity;
using Tailor.Core.Storage;
using Tailor.Server.Profiles;

namespace Tailor.Cli.Commands;

/// <summary><c>tailor profile ID</c>: prints a profile as JSON, found by profile id or by any identity.</summary>
internal static class ProfileCommand
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static Command Create(StoreOptions store)
    {
        var id = new Argument<string>("id") { Description = "A profile id, or an identity value with --type" };
        var type = new Option<string?>("--type") { Description = $"ProfileIdentifier type of ID: {string.Join(", ", IdentityTypes.All)} (default: try profile id, then userId, email, anonymousId)" };
        type.AcceptOnlyFromAmong([.. IdentityTypes.All]);
        var events = new Option<int>("--events") { Description = "Also print this many of the profile's latest events", DefaultValueFactory = _ => 0 };
        var command = new Command("profile", "Show one profile: identities, traits, computed traits, consent, tags") { id, type, events };
        store.AddTo(command);
        command.SetAction(async (result, ct) =>
        {
            await using var tailor = await store.OpenAsync(result, ct);
            var value = result.GetValue(id)!;
            var profile = result.GetValue(type) is { } t
                ? await tailor.FindProfileAsync(new ProfileIdentifier(t, value), ct)
                : await tailor.GetProfileAsync(value, ct)
                    ?? await tailor.FindProfileAsync(new ProfileIdentifier(IdentityTypes.UserId, value), ct)
                    ?? await tailor.FindProfileAsync(new ProfileIdentifier(IdentityTypes.Email, value), ct)
                    ?? await tailor.FindProfileAsync(new ProfileIdentifier(IdentityTypes.AnonymousId, value), ct);
            if (profile is null)
            {
                AnsiConsole.MarkupLine($"[red]No profile has the identity[/] {Markup.Escape(value)}");
                return 1;
            }
            Console.WriteLine(JsonSerializer.Serialize(ProfileView.From(profile), Json));
            if (result.GetValue(events) is > 0 and var count)
            {
                var table = new Table().AddColumns("time", "type", "name", "messageId");
                foreach (var e in await tailor.ProfileEventsAsync(new EventQuery(profile.Id, Limit: count), ct))
                    table.AddRow(e.Event.Timestamp.ToString("u"), e.Event.Type.ToString(), Markup.Escape(e.Event.Name ?? ""), Markup.Escape(e.Event.MessageId));
                AnsiConsole.Write(table);
            }
            return 0;
        });
        return command;
    }
}
