using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Tailor.Application;
using Tailor.Application.Campaigns;

namespace Tailor.Cli.Commands;

/// <summary>
/// <c>tailor campaigns stats ID</c> and <c>tailor triggers stats ID</c>: delivered, opened, clicked (unique and total),
/// unsubscribed and converted, from the same use case as <c>GET /api/campaigns/{id}/stats</c> (docs/email.md).
/// </summary>
internal static class EmailStatsCommand
{
    /// <param name="campaigns">True for a campaign's counts, false for a trigger's.</param>
    public static Command Create(StoreOptions store, bool campaigns)
    {
        var id = new Argument<string>(campaigns ? "campaign" : "trigger") { Description = campaigns ? "Campaign id" : "Trigger id or name" };
        var conversion = new Option<string?>("--conversion") { Description = $"The event that counts as a conversion (default \"{EmailStatsOperations.DefaultConversion}\")" };
        var window = new Option<string?>("--window") { Description = $"How long after the send a conversion counts: 30m, 48h, 7d … at most 365d (default {EmailStatsOperations.DefaultWindow})" };
        var command = new Command("stats", "Emails delivered, opened, clicked (unique and total), unsubscribed and converted") { id, conversion, window };
        store.AddTo(command);
        command.SetAction(async (result, ct) =>
        {
            await using var tailor = await store.OpenAsync(result, ct);
            var operations = new EmailStatsOperations(tailor.EmailStats, tailor.Campaigns, tailor.Triggers);
            var stats = campaigns
                ? await operations.CampaignAsync(result.GetValue(id)!, result.GetValue(conversion), result.GetValue(window), ct)
                : await operations.TriggerAsync(result.GetValue(id)!, result.GetValue(conversion), result.GetValue(window), ct);
            if (stats.Problem is { } problem)
                return CliErrors.Error(problem.Field, problem.Kind == ProblemKind.NotFound ? $"no {problem.Field} '{result.GetValue(id)}'" : problem.Rule);
            var s = stats.Value!;
            static string N(long n) => n.ToString("N0", CultureInfo.InvariantCulture);
            AnsiConsole.MarkupLine($"{Markup.Escape(s.Name)} ({Markup.Escape(s.Origin)})");
            var table = new Table().AddColumns("", "profiles", "total");
            table.AddRow("delivered", "", N(s.Delivered));
            table.AddRow("opened", N(s.Opened.Unique), N(s.Opened.Total));
            table.AddRow("clicked", N(s.Clicked.Unique), N(s.Clicked.Total));
            table.AddRow("unsubscribed", N(s.Unsubscribed), "");
            table.AddRow(Markup.Escape($"converted ({s.Converted.Event} within {s.Converted.Window})"), N(s.Converted.Unique), N(s.Converted.Total));
            AnsiConsole.Write(table);
            return 0;
        });
        return command;
    }
}
