using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;
using Tailor.Application.Analytics.Propensity;

namespace Tailor.Cli.Commands.Analytics;

/// <summary><c>tailor analytics propensity</c>: trains, validates and (if it earns it) promotes a churn or next-purchase model, then writes the scores.</summary>
internal static class PropensityCommand
{
    public static Command Create(StoreOptions store)
    {
        var target = new Option<string>("--target") { Description = "churn or next_purchase", DefaultValueFactory = _ => "churn" };
        var horizon = new Option<int>("--horizon-days") { Description = "Label window after the cutoff, in days", DefaultValueFactory = _ => 90 };
        var cutoff = new Option<DateTimeOffset?>("--cutoff") { Description = "Where features end and labels begin (default: as-of minus the horizon)" };
        var orderEvent = new Option<string>("--order-event") { Description = "The track event that is an order", DefaultValueFactory = _ => "Order Completed" };
        var revenue = new Option<string>("--revenue-property") { Description = "The order property holding its revenue", DefaultValueFactory = _ => "revenue" };
        var events = new Option<string[]>("--event") { Description = "A track event to count per window (repeatable; default: the e-commerce spec's browsing and cart events)", AllowMultipleArgumentsPerToken = false };
        var folds = new Option<int>("--folds") { Description = "Cross-validation folds (2-10)", DefaultValueFactory = _ => 5 };
        var seed = new Option<int>("--seed") { Description = "Seed of the folds and of LightGBM", DefaultValueFactory = _ => 42 };
        var options = new RunOptions();
        var command = new Command("propensity", "Train a churn or next-purchase model with a time split, compare it with recency alone, promote it if it validates better, write churn_score / next_purchase_score")
        {
            target, horizon, cutoff, orderEvent, revenue, events, folds, seed,
        };
        options.AddTo(command);
        store.AddTo(command);
        command.SetAction((result, ct) =>
        {
            var parameters = new JsonObject
            {
                ["target"] = result.GetValue(target), ["horizonDays"] = result.GetValue(horizon), ["orderEvent"] = result.GetValue(orderEvent),
                ["revenueProperty"] = result.GetValue(revenue), ["folds"] = result.GetValue(folds), ["seed"] = result.GetValue(seed),
            };
            if (result.GetValue(cutoff) is { } at) parameters["cutoff"] = at.ToString("O", CultureInfo.InvariantCulture);
            if (result.GetValue(events) is { Length: > 0 } names) parameters["events"] = new JsonArray([.. names.Select(n => (JsonNode?)JsonValue.Create(n))]);
            return AnalyticsCli.RunAsync(store, options, result, PropensityJob.KindName, parameters, ct, Render);
        });
        return command;
    }

    /// <summary>The verdict and promotion in words, then both models side by side and the calibration of the chosen one.</summary>
    private static void Render(JsonElement r)
    {
        var v = r.GetProperty("validation");
        AnsiConsole.MarkupLine($"{Markup.Escape(r.GetProperty("target").GetString()!)} in {r.GetProperty("horizonDays").GetInt32()} days, cutoff {r.GetProperty("cutoff").GetDateTimeOffset():u}: " +
            $"{v.GetProperty("rows").GetInt32()} customers, {v.GetProperty("positives").GetInt32()} positive");
        AnsiConsole.MarkupLine(Markup.Escape(r.GetProperty("verdict").GetString()!));
        AnsiConsole.MarkupLine(Markup.Escape(r.GetProperty("promotion").GetString()!));
        var models = new Table().AddColumns("model", "CV AUC", "± sd", "pooled AUC", "log-loss");
        foreach (var name in new[] { "gradientBoosting", "baseline" })
        {
            var m = v.GetProperty(name);
            models.AddRow(m.GetProperty("model").GetString()!, F(m, "meanAuc"), F(m, "aucStandardDeviation"), F(m, "pooledAuc"), F(m, "logLoss"));
        }
        AnsiConsole.Write(models);
        var chosen = v.GetProperty("chosen").GetString() == "gradient_boosting" ? v.GetProperty("gradientBoosting") : v.GetProperty("baseline");
        var calibration = new Table().AddColumns("bin", "customers", "mean predicted", "observed");
        foreach (var bin in chosen.GetProperty("calibration").EnumerateArray())
            calibration.AddRow($"{bin.GetProperty("lower").GetDouble():0.0}–{bin.GetProperty("upper").GetDouble():0.0}", $"{bin.GetProperty("count").GetInt32()}", F(bin, "meanPredicted"), F(bin, "observedRate"));
        AnsiConsole.Write(calibration);
    }

    private static string F(JsonElement e, string name) => e.GetProperty(name).GetDouble().ToString("0.000", CultureInfo.InvariantCulture);
}
