using System.CommandLine;
using System.Text.Json;
using Tailor.Application.Sources;
using Tailor.Core.Sources;
using static Tailor.Cli.Commands.CliErrors;

namespace Tailor.Cli.Commands.Sources;

/// <summary>
/// <c>tailor sources privacy SOURCE [--mode keep|pseudonymous|drop] [--allow-traits …] [--deny-traits …]
/// [--allow-properties …] [--deny-properties …]</c>: a source's privacy settings (docs/privacy.md), through the same use
/// case as <c>GET/PUT /api/sources/{id}/privacy</c> (<see cref="SourcePrivacyOperations"/>). Without options it prints
/// them; with options it changes only what is given (a list given as <c>""</c> is emptied) and prints the result.
/// </summary>
internal static class SourcePrivacyCommand
{
    private static readonly JsonSerializerOptions Print = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true, DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static Command Create(StoreOptions store)
    {
        var source = new Argument<string>("source") { Description = "Source id or name (any kind: write-key or connector source)" };
        var mode = new Option<string?>("--mode") { Description = "Events without analytics consent: keep (default), pseudonymous or drop" };
        mode.AcceptOnlyFromAmong([.. SourcePrivacy.Modes]);
        var lists = new (Option<string?> Option, Func<SourcePrivacy, string[]?, SourcePrivacy> With)[]
        {
            (new("--allow-traits") { Description = "Only these traits are kept (comma-separated; \"\" for all)" }, (p, v) => p with { AllowTraits = v }),
            (new("--deny-traits") { Description = "These traits are removed (comma-separated; \"\" for none)" }, (p, v) => p with { DenyTraits = v }),
            (new("--allow-properties") { Description = "Only these properties are kept (comma-separated; \"\" for all)" }, (p, v) => p with { AllowProperties = v }),
            (new("--deny-properties") { Description = "These properties are removed (comma-separated; \"\" for none)" }, (p, v) => p with { DenyProperties = v }),
        };
        var command = new Command("privacy", "Print or change a source's privacy settings: analytics consent mode, allow and deny lists of traits and properties") { source, mode };
        foreach (var (option, _) in lists) command.Options.Add(option);
        store.AddTo(command);
        command.SetAction(async (result, ct) =>
        {
            var time = TimeProvider.System;
            await using var tailor = await store.OpenAsync(result, ct);
            var operations = new SourcePrivacyOperations(tailor.Sources, tailor.Access, PrivacyCommand.SourcePolicies(tailor, result.GetValue(store.Data)!, time), time);
            var current = await operations.GetAsync(result.GetValue(source)!, ct);
            if (current.Value is not { } view) return Error("source", current.Problem!.Rule);
            var settings = view.Privacy;
            var changed = false;
            if (result.GetValue(mode) is { } m) (settings, changed) = (settings with { WithoutAnalyticsConsent = m }, true);
            foreach (var (option, with) in lists)
            {
                if (result.GetValue(option) is not { } text) continue;
                var names = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
                (settings, changed) = (with(settings, names.Length == 0 ? null : names), true);
            }
            if (changed)
            {
                var saved = await operations.SetAsync(view.SourceId, settings, ct);
                if (saved.Value is not { } savedView) return Error(CliField(saved.Problem!.Field), saved.Problem.Rule);
                view = savedView;
            }
            // The counts of dropped events and fields are each node's own since it started: a server's status has them.
            Console.WriteLine(JsonSerializer.Serialize(new { view.SourceId, view.Privacy }, Print));
            return 0;
        });
        return command;
    }

    /// <summary>The option a settings field came from (<c>privacy.denyTraits[2]</c> → <c>--deny-traits</c>), for the error.</summary>
    private static string CliField(string field) => field switch
    {
        _ when field.Contains("withoutAnalyticsConsent", StringComparison.Ordinal) => "--mode",
        _ when field.Contains("allowTraits", StringComparison.Ordinal) => "--allow-traits" + Index(field),
        _ when field.Contains("denyTraits", StringComparison.Ordinal) => "--deny-traits" + Index(field),
        _ when field.Contains("allowProperties", StringComparison.Ordinal) => "--allow-properties" + Index(field),
        _ when field.Contains("denyProperties", StringComparison.Ordinal) => "--deny-properties" + Index(field),
        _ => field,
    };

    private static string Index(string field) => field.IndexOf('[') is var at and >= 0 ? field[at..] : "";
}
