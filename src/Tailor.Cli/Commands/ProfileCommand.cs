using System.CommandLine;
using System.Text.Json;
using Spectre.Console;
using Tailor.Core.Identity;
using Tailor.Application.Profiles;
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
            var profiles = new ProfileOperations(tailor.Profiles, tailor.Events);
            var value = result.GetValue(id)!;
            var profile = await profiles.FindAsync(value, result.GetValue(type), ct);
            if (profile is null)
            {
                AnsiConsole.MarkupLine($"[red]No profile has the identity[/] {Markup.Escape(value)}");
                return 1;
            }
            Console.WriteLine(JsonSerializer.Serialize(ProfileView.From(profile), Json));
            if (result.GetValue(events) is > 0 and var count)
            {
                var table = new Table().AddColumns("time", "type", "name", "messageId");
                foreach (var e in (await profiles.EventsAsync(profile.Id, null, null, null, null, Math.Min(count, 1000), ct)).Value ?? [])
                    table.AddRow(e.Event.Timestamp.ToString("u"), e.Event.Type.ToString(), Markup.Escape(e.Event.Name ?? ""), Markup.Escape(e.Event.MessageId));
                AnsiConsole.Write(table);
            }
            return 0;
        });
        return command;
    }
}
