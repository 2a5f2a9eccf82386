using System.CommandLine;
using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;
using Tailor.Analytics.Associations;
using Tailor.Analytics.Recommendations;

namespace Tailor.Cli.Commands.Analytics;

/// <summary>
/// <c>tailor analytics recommend | evaluate FILE | rules [--baskets FILE]</c> (docs/analytics.md, "Recommendations" and
/// "Frequently bought together"). <c>recommend</c> and <c>rules</c> without a file run the stored jobs; a user's own
/// file is read here and handed to the pure numerics (the API never reads a path).
/// </summary>
internal static class RecommendCommands
{
    public static Command Recommend(StoreOptions store)
    {
        var run = new RunOptions();
        var model = new Option<string?>("--model") { Description = "auto (chosen by the offline evaluation; default), popularity, item-knn, ease or als" };
        var top = new Option<int?>("--top") { Description = "Items stored per profile (default 50)" };
        var related = new Option<int?>("--related") { Description = "Related items stored per item (default 20)" };
        var factors = new Option<int?>("--factors") { Description = "ALS factors (default 32)" };
        var iterations = new Option<int?>("--iterations") { Description = "ALS iterations (default 15)" };
        var lambda = new Option<double?>("--ease-lambda") { Description = "EASE regularisation λ (default 200)" };
        var command = new Command("recommend", "Train the recommendation model on product views, adds and orders; precompute and serve each profile's top-N and each item's related items")
            { model, top, related, factors, iterations, lambda };
        run.AddTo(command);
        store.AddTo(command);
        command.SetAction((result, ct) =>
        {
            var parameters = new JsonObject();
            Put(parameters, "model", result.GetValue(model));
            Put(parameters, "top", result.GetValue(top));
            Put(parameters, "related", result.GetValue(related));
            Put(parameters, "factors", result.GetValue(factors));
            Put(parameters, "iterations", result.GetValue(iterations));
            Put(parameters, "easeLambda", result.GetValue(lambda));
            return AnalyticsCli.RunAsync(store, run, result, "recommend", parameters, ct, RenderRecommend);
        });
        return command;
    }

    public static Command Evaluate()
    {
        var file = new Argument<FileInfo>("file") { Description = "Interactions: CSV user,item,timestamp[,weight] (or the UCI Online Retail file as is; .gz read too)" };
        var models = new Option<string>("--models") { Description = "Models to compare with the popularity baseline", DefaultValueFactory = _ => "item-knn,ease,als" };
        var json = new Option<bool>("--json") { Description = "Print the evaluation as JSON" };
        var output = new Option<DirectoryInfo?>("--out") { Description = "Save evaluation.json and the chart evaluation.svg into this directory" };
        var command = new Command("evaluate", "Offline evaluation on an interactions file: per user the last 20% by time held out; precision@10, recall@10, NDCG@10 and coverage per model against popularity")
            { file, models, json, output };
        command.SetAction(async (result, ct) =>
        {
            var path = result.GetValue(file)!;
            if (!path.Exists) return CliErrors.Error("file", "does not exist");
            var names = result.GetValue(models)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (names.FirstOrDefault(n => !RecommenderSettings.Models.Contains(n)) is { } unknown)
                return CliErrors.Error("--models", $"\"{unknown}\" is not one of {string.Join(", ", RecommenderSettings.Models)}");
            List<Interaction> rows;
            try
            {
                using var reader = Open(path);
                rows = InteractionFile.Read(reader);
            }
            catch (FormatException ex)
            {
                return CliErrors.Error("file", ex.Message);
            }
            if (rows.Count == 0) return CliErrors.Error("file", "holds no interactions");
            var items = rows.Select(r => r.Item).Distinct(StringComparer.Ordinal).Count();
            if (names.Contains("ease") && items > EaseRecommender.MaxItems)
            {
                names = [.. names.Where(n => n != "ease")];
                if (!result.GetValue(json)) AnsiConsole.MarkupLine($"[yellow]ease left out: {items} items is more than the {EaseRecommender.MaxItems} it holds in memory[/]");
            }
            var asJson = result.GetValue(json);
            var report = asJson
                ? OfflineEvaluation.Run(rows, names, new RecommenderSettings(), ct: ct)
                : await Progress(update => OfflineEvaluation.Run(rows, names, new RecommenderSettings(), report: update, ct: ct));
            var text = JsonSerializer.Serialize(report, AnalyticsCli.Json);
            if (result.GetValue(output) is { } directory)
            {
                directory.Create();
                await File.WriteAllTextAsync(Path.Combine(directory.FullName, "evaluation.json"), text, ct);
                await File.WriteAllTextAsync(Path.Combine(directory.FullName, "evaluation.svg"), EvaluationChart.Svg(report), ct);
                if (!asJson) AnsiConsole.MarkupLine($"saved {Markup.Escape(Path.Combine(directory.FullName, "evaluation.json"))} and evaluation.svg");
            }
            if (asJson) Console.WriteLine(text);
            else RenderEvaluation(report);
            return 0;
        });
        return command;
    }

    public static Command Rules(StoreOptions store)
    {
        var run = new RunOptions();
        var baskets = new Option<FileInfo?>("--baskets") { Description = "Mine this file instead of the stored orders: CSV basket,item with a header (or the UCI Online Retail file; .gz read too)" };
        var support = new Option<double?>("--min-support") { Description = "Minimum share of baskets holding the whole rule (default 0.01)" };
        var confidence = new Option<double?>("--min-confidence") { Description = "Minimum confidence (default 0.2)" };
        var lift = new Option<double?>("--min-lift") { Description = "Minimum lift (default 1)" };
        var minLength = new Option<int?>("--min-length") { Description = "Fewest items in a rule (default 2)" };
        var maxLength = new Option<int?>("--max-length") { Description = "Most items in a rule (default 3)" };
        var command = new Command("rules", "Frequently bought together: association rules (FP-Growth) from the stored orders, or from a baskets file")
            { baskets, support, confidence, lift, minLength, maxLength };
        run.AddTo(command);
        store.AddTo(command);
        command.SetAction(async (result, ct) =>
        {
            var parameters = new JsonObject();
            Put(parameters, "minSupport", result.GetValue(support));
            Put(parameters, "minConfidence", result.GetValue(confidence));
            Put(parameters, "minLift", result.GetValue(lift));
            Put(parameters, "minLength", result.GetValue(minLength));
            Put(parameters, "maxLength", result.GetValue(maxLength));
            if (result.GetValue(baskets) is not { } file) return await AnalyticsCli.RunAsync(store, run, result, "rules", parameters, ct, RenderRules);
            var defaults = new RuleOptions();
            var options = new RuleOptions(result.GetValue(support) ?? defaults.MinSupport, result.GetValue(confidence) ?? defaults.MinConfidence,
                result.GetValue(lift) ?? defaults.MinLift, result.GetValue(minLength) ?? defaults.MinLength, result.GetValue(maxLength) ?? defaults.MaxLength);
            if (options.Problem() is { } problem) return CliErrors.Error("--" + Kebab(problem.Field), problem.Rule);
            if (!file.Exists) return CliErrors.Error("--baskets", "does not exist");
            List<string[]> read;
            try
            {
                using var reader = Open(file);
                read = BasketFile.Read(reader);
            }
            catch (FormatException ex)
            {
                return CliErrors.Error("--baskets", ex.Message);
            }
            var rules = AssociationRules.Mine(read, options, ct);
            var figures = JsonSerializer.SerializeToElement(new { baskets = read.Count, rules = rules.Count, strongest = rules }, AnalyticsCli.Json);
            if (result.GetValue(run.Json)) Console.WriteLine(JsonSerializer.Serialize(figures, AnalyticsCli.Json));
            else RenderRules(figures);
            return 0;
        });
        return command;
    }

    private static void Put(JsonObject parameters, string name, object? value)
    {
        if (value is not null) parameters[name] = JsonValue.Create(value);
    }

    private static string Kebab(string camel) => string.Concat(camel.Select(c => char.IsUpper(c) ? "-" + char.ToLowerInvariant(c) : c.ToString()));

    private static TextReader Open(FileInfo file)
    {
        Stream stream = file.OpenRead();
        if (file.Name.EndsWith(".gz", StringComparison.OrdinalIgnoreCase)) stream = new GZipStream(stream, CompressionMode.Decompress);
        return new StreamReader(stream);
    }

    private static async Task<T> Progress<T>(Func<Action<string, double>, T> work)
    {
        T value = default!;
        await AnsiConsole.Progress().AutoClear(true).Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask("reading", maxValue: 1.0);
                value = await Task.Run(() => work((stage, fraction) =>
                {
                    task.Description = Markup.Escape(stage);
                    task.Value = Math.Clamp(fraction, 0, 1);
                }));
            });
        return value;
    }

    private static void RenderEvaluation(EvaluationReport report)
    {
        AnsiConsole.MarkupLine($"{report.UsersEvaluated} of {report.Users} users evaluated, {report.Items} items, {report.TrainInteractions} interactions for training, {report.HeldOutInteractions} held out");
        var table = new Table().AddColumns("model", $"precision@{report.K}", $"recall@{report.K}", $"NDCG@{report.K}", "coverage", "training s");
        foreach (var m in report.Models)
            table.AddRow(m.Model == report.Winner ? $"[green]{m.Model}[/]" : m.Model, $"{m.Precision:0.0000}", $"{m.Recall:0.0000}", $"{m.Ndcg:0.0000}", $"{m.Coverage:0.0000}", $"{m.TrainSeconds:0.00}");
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine($"chosen: [green]{Markup.Escape(report.Winner)}[/] — {Markup.Escape(report.Reason)}");
    }

    private static void RenderRecommend(JsonElement result)
    {
        if (!result.TryGetProperty("model", out var model)) { AnsiConsole.WriteLine(result.ToString()); return; }
        AnsiConsole.MarkupLine($"model [green]{Markup.Escape(model.GetString() ?? "")}[/] ({Markup.Escape(result.GetProperty("chosenBy").GetString() ?? "")}); " +
            $"{result.GetProperty("profiles")} profiles, {result.GetProperty("items")} items, {result.GetProperty("recommendationsStored")} recommendations and {result.GetProperty("neighboursStored")} related items stored");
        if (result.TryGetProperty("evaluation", out var evaluation))
            RenderEvaluation(evaluation.Deserialize<EvaluationReport>(AnalyticsCli.Json)!);
    }

    private static void RenderRules(JsonElement result)
    {
        AnsiConsole.MarkupLine($"{result.GetProperty("baskets")} baskets, {result.GetProperty("rules")} rules");
        var table = new Table().AddColumns("if bought", "then also", "support", "confidence", "lift");
        foreach (var r in result.GetProperty("strongest").EnumerateArray().Take(20))
            table.AddRow(Markup.Escape(string.Join(" + ", r.GetProperty("antecedent").EnumerateArray().Select(i => i.GetString()))),
                Markup.Escape(string.Join(" + ", r.GetProperty("consequent").EnumerateArray().Select(i => i.GetString()))),
                $"{r.GetProperty("support").GetDouble():0.0000}", $"{r.GetProperty("confidence").GetDouble():0.000}", $"{r.GetProperty("lift").GetDouble():0.00}");
        AnsiConsole.Write(table);
    }
}
