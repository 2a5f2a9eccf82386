using System.CommandLine;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Spectre.Console;
using Tailor.Application.Privacy;
using Tailor.Application.Profiles;
using Tailor.Core.Privacy;
using static Tailor.Cli.Commands.CliErrors;

namespace Tailor.Cli.Commands;

/// <summary><c>tailor privacy export</c> and <c>erase</c>: data-subject requests from the command line, as <c>/api/privacy</c> serves them (docs/privacy.md).</summary>
internal static class PrivacyCommand
{
    public static Command Create(StoreOptions store)
    {
        var type = new Option<string>("--type") { Description = "The identity's type: userId, anonymousId, email, …", Required = true };
        var value = new Option<string>("--value") { Description = "The identity's value", Required = true };
        var output = new Option<string?>("--out") { Description = "Write the archive to this file (default: standard output)" };
        var export = new Command("export", "Everything Tailor holds on the person with this identity, as one JSON document") { type, value, output };
        store.AddTo(export);
        export.SetAction(async (result, ct) =>
        {
            await using var tailor = await store.OpenAsync(result, ct);
            var found = await new ProfileOperations(tailor.Profiles, tailor.Events).LookupAsync(result.GetValue(type), result.GetValue(value), ct);
            if (found.Value is not { } profile) return Error($"--{found.Problem!.Field}", found.Problem.Rule);
            var path = result.GetValue(output);
            await using var stream = path is null ? Console.OpenStandardOutput() : File.Create(path);
            await new SubjectExport(tailor.Profiles, tailor.Events, tailor.Segments, tailor.Triggers, tailor.Campaigns, tailor.Experiments, tailor.Recommendations,
                TimeProvider.System, tailor.Privacy).WriteAsync(profile, stream, JsonSerializerOptions.Web, ct);
            if (path is not null) AnsiConsole.MarkupLine($"Exported profile {profile.Id} to [bold]{Markup.Escape(path)}[/].");
            return 0;
        });
        return new Command("privacy", "Data-subject requests: export or erase everything held on a person") { export, Erase(store) };
    }

    /// <summary><c>tailor privacy erase --type email --value … [--yes]</c>: as <c>POST /api/privacy/erase</c>.</summary>
    private static Command Erase(StoreOptions store)
    {
        var type = new Option<string>("--type") { Description = "The identity's type (userId, anonymousId, email, phone, deviceId) or profileId", Required = true };
        var value = new Option<string>("--value") { Description = "The identity's value, or the profile id", Required = true };
        var yes = new Option<bool>("--yes") { Description = "Do not ask for confirmation (required when not run in a terminal)" };
        var erase = new Command("erase", "Remove everything Tailor holds on the person and keep late events from recreating them") { type, value, yes };
        store.AddTo(erase);
        erase.SetAction(async (result, ct) =>
        {
            if (!result.GetValue(yes))
            {
                if (Console.IsInputRedirected || !AnsiConsole.Profile.Capabilities.Interactive) return Error("--yes", "is required when not run in a terminal: erasure cannot be undone");
                if (!AnsiConsole.Confirm($"Erase everything held on {Markup.Escape(result.GetValue(type)!)} {Markup.Escape(result.GetValue(value)!)}? This cannot be undone", false))
                    return 1;
            }
            await using var tailor = await store.OpenAsync(result, ct);
            var user = Environment.UserName;
            var erasure = new SubjectErasure(tailor.Profiles, tailor.Privacy, SubjectHasher(result.GetValue(store.Data)!), new AuditTrail(tailor.Audit, TimeProvider.System),
                TimeProvider.System, []);
            var erased = await erasure.EraseAsync(result.GetValue(type), result.GetValue(value), $"cli:{user}", user, Environment.MachineName, ct);
            if (erased.Value is not { } summary) return Error($"--{erased.Problem!.Field}", erased.Problem.Rule);
            AnsiConsole.MarkupLine($"Erased profile {summary.ProfileId} ({summary.Profiles} profile(s), {summary.Rows.Values.Sum()} rows); {summary.Suppressed} identifier(s) suppressed.");
            if (summary.WriteAheadLogEmptied == false)
                AnsiConsole.MarkupLine("[yellow]The write-ahead log file could not be emptied (readers held it for 5 s, or its checkpoint failed): old pages of the erased rows stay in tailor.db-wal until it starts over.[/]");
            return 0;
        });
        return erase;
    }

    /// <summary>
    /// The hasher of suppression entries, under the key ring the node uses (<c>Tailor:Privacy:Keys</c> or <c>KeyFile</c>
    /// from the data directory's appsettings.json or the environment, else the data directory's key file).
    /// </summary>
    internal static ISubjectHasher SubjectHasher(string dataDirectory)
    {
        var privacy = Options(dataDirectory);
        return new KeyRingSubjectHasher(new LookupHasher(Tailor.Storage.Privacy.PrivacyKeyFile.Resolve(privacy.Keys, privacy.KeyFile, dataDirectory).Keys));
    }

    /// <summary>The sources' privacy policies as a node applies them (same store, same pseudonym key), for an import from the command line.</summary>
    internal static Tailor.Application.Sources.SourcePolicies SourcePolicies(Tailor.Storage.TailorDatabase tailor, string dataDirectory, TimeProvider time)
    {
        var privacy = Options(dataDirectory);
        var keys = Tailor.Storage.Privacy.PrivacyKeyFile.Resolve(privacy.Keys, privacy.KeyFile, dataDirectory).Keys;
        return new Tailor.Application.Sources.SourcePolicies(tailor.Sources, tailor.Profiles, Tailor.Application.Sources.PseudonymKey.From(privacy.PseudonymKey, keys), time);
    }

    /// <summary>The privacy settings the node reads (<c>Tailor:Privacy</c> from the data directory's appsettings.json or the environment).</summary>
    private static Tailor.Server.Privacy.PrivacyOptions Options(string dataDirectory)
    {
        var privacy = new Tailor.Server.Privacy.PrivacyOptions();
        Tailor.Server.Hosting.TailorConfiguration.Build(Environment.GetEnvironmentVariables(), [new("DataDirectory", dataDirectory)], [])
            .GetSection("Tailor:Privacy").Bind(privacy);
        return privacy;
    }
}
