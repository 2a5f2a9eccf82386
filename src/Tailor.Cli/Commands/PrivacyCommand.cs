using System.CommandLine;
using System.Text.Json;
using Spectre.Console;
using Tailor.Application.Privacy;
using Tailor.Application.Profiles;
using static Tailor.Cli.Commands.CliErrors;

namespace Tailor.Cli.Commands;

/// <summary><c>tailor privacy export</c>: data-subject requests from the command line, as <c>/api/privacy</c> serves them (docs/privacy.md).</summary>
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
                TimeProvider.System).WriteAsync(profile, stream, JsonSerializerOptions.Web, ct);
            if (path is not null) AnsiConsole.MarkupLine($"Exported profile {profile.Id} to [bold]{Markup.Escape(path)}[/].");
            return 0;
        });
        return new Command("privacy", "Data-subject requests: export everything held on a person") { export };
    }
}
