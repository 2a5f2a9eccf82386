using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;
using Tailor.Analytics.Clustering;
using Tailor.Application.Analytics;
using Tailor.Application.Analytics.Clustering;

namespace Tailor.Cli.Commands.Analytics;

/// <summary>
/// <c>tailor analytics cluster</c>: clusters profiles by traits and computed traits (the <c>cluster</c> job, stored as a
/// run; <c>--publish</c> makes one segment per cluster), or with <c>--csv FILE</c> a user's own <c>id,feature…</c> file,
/// computed here and not stored (the API never reads a path).
/// </summary>
internal static class ClusterCommand
{
    public static Command Create(StoreOptions store)
    {
        var traits = new Option<string[]>("--traits") { Description = "Traits to use as features (comma-separated or repeated)", AllowMultipleArgumentsPerToken = true };
        var computed = new Option<string[]>("--computed") { Description = "Computed traits to use as features: orderCount, totalRevenue, averageOrderValue, eventCount, engagementScore, eventCounts.<Event>, daysSinceLastOrder, daysSinceLastSeen", AllowMultipleArgumentsPerToken = true };
        var csv = new Option<FileInfo?>("--csv") { Description = "Cluster this file instead of the profiles: header id,feature1,feature2,… then one row per subject" };
        var transform = new Option<FeatureTransform>("--transform") { Description = "none or log1p", DefaultValueFactory = _ => FeatureTransform.None };
        var scaling = new Option<FeatureScaling>("--scaling") { Description = "zscore, minmax or none", DefaultValueFactory = _ => FeatureScaling.ZScore };
        var pca = new Option<int?>("--pca") { Description = "Project on this many principal components before clustering" };
        var k = new Option<int?>("--k") { Description = "A fixed number of clusters (else the best of --min-k … --max-k)" };
        var minK = new Option<int>("--min-k") { Description = "Smallest k tried", DefaultValueFactory = _ => 2 };
        var maxK = new Option<int>("--max-k") { Description = "Largest k tried", DefaultValueFactory = _ => 8 };
        var method = new Option<ClusterMethod>("--method") { Description = "kmeans or ward (ward: at most 10000 rows)", DefaultValueFactory = _ => ClusterMethod.KMeans };
        var restarts = new Option<int>("--restarts") { Description = "k-means restarts per k", DefaultValueFactory = _ => 10 };
        var seed = new Option<int>("--seed") { Description = "Seed of k-means and of the silhouette sample", DefaultValueFactory = _ => 0 };
        var publish = new Option<bool>("--publish") { Description = "Create or update one segment per cluster (rule: trait cluster = \"<name>\")" };
        var parent = new Option<string?>("--parent") { Description = "Nest the published segments under this segment (name or id)" };
        var minSize = new Option<int>("--min-size") { Description = "Clusters smaller than this are not published; the segments' minimum size", DefaultValueFactory = _ => 50 };
        var run = new RunOptions();
        var command = new Command("cluster", "Cluster profiles (or a CSV) with k-means or Ward; suggest k; name the clusters; publish them as segments")
        {
            traits, computed, csv, transform, scaling, pca, k, minK, maxK, method, restarts, seed, publish, parent, minSize,
        };
        run.AddTo(command);
        store.AddTo(command);
        command.SetAction(async (result, ct) =>
        {
            if (result.GetValue(csv) is { } file)
            {
                if (result.GetValue(publish)) return CliErrors.Error("--publish", "applies to profiles, not to a CSV file");
                var options = new ClusterAnalysisOptions
                {
                    Transform = result.GetValue(transform), Scaling = result.GetValue(scaling), PcaComponents = result.GetValue(pca),
                    MinK = result.GetValue(k) ?? result.GetValue(minK), MaxK = result.GetValue(k) ?? result.GetValue(maxK),
                    Method = result.GetValue(method), Restarts = result.GetValue(restarts), Seed = result.GetValue(seed),
                };
                return await FromCsvAsync(file, options, result.GetValue(run.Json), result.GetValue(run.Charts), ct);
            }
            var parameters = new JsonObject
            {
                ["traits"] = List(result.GetValue(traits)), ["computed"] = List(result.GetValue(computed)),
                ["transform"] = result.GetValue(transform).ToString(), ["scaling"] = result.GetValue(scaling).ToString(),
                ["method"] = result.GetValue(method).ToString(), ["restarts"] = result.GetValue(restarts), ["seed"] = result.GetValue(seed),
                ["minK"] = result.GetValue(minK), ["maxK"] = result.GetValue(maxK), ["publish"] = result.GetValue(publish), ["minSize"] = result.GetValue(minSize),
            };
            if (result.GetValue(pca) is int components) parameters["pca"] = components;
            if (result.GetValue(k) is int fixedK) parameters["k"] = fixedK;
            if (result.GetValue(parent) is { } parentName) parameters["parentSegment"] = parentName;
            return await AnalyticsCli.RunAsync(store, run, result, "cluster", parameters, ct, Render);
        });
        return command;
    }

    private static JsonArray List(string[]? values) =>
        [.. (values ?? []).SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).Select(v => (JsonNode)v)];

    private static async Task<int> FromCsvAsync(FileInfo file, ClusterAnalysisOptions options, bool asJson, DirectoryInfo? charts, CancellationToken ct)
    {
        if (!file.Exists) return CliErrors.Error("--csv", $"no file at {file.FullName}");
        ClusterAnalysisResult analysis;
        try
        {
            FeatureMatrix matrix;
            using (var reader = file.OpenText()) matrix = FeatureCsv.Read(reader, ClusteringLimits.MaxRows, ct);
            options.Validate(matrix.Rows, matrix.Columns);
            analysis = asJson
                ? ClusterAnalysis.Run(matrix, options, null, ct)
                : await AnalyticsCli.WithProgressAsync(progress => Task.Run(() => ClusterAnalysis.Run(matrix, options,
                    new Reporter(p => progress.Report(new AnalyticsProgress(p.Step, (double)p.Done / p.Total))), ct), ct));
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException)
        {
            return CliErrors.Error("--csv", ex.Message);
        }
        if (charts is not null)
        {
            charts.Create();
            foreach (var chart in ClusterCharts.All(analysis))
            {
                var path = Path.Combine(charts.FullName, chart.FileName);
                await File.WriteAllTextAsync(path, chart.Svg, ct);
                if (!asJson) AnsiConsole.MarkupLine($"saved {Markup.Escape(path)}");
            }
        }
        var summary = ClusterSummary.ToJson(analysis, 0);
        if (asJson) Console.WriteLine(JsonSerializer.Serialize(summary, AnalyticsCli.Json));
        else Render(summary);
        return 0;
    }

    /// <summary>The result as two tables: the quality of every k, then the clusters at the chosen k.</summary>
    private static void Render(JsonElement result)
    {
        var ks = new Table().AddColumns("k", "within-cluster SS", "silhouette");
        foreach (var e in result.GetProperty("evaluations").EnumerateArray())
        {
            var s = e.GetProperty("silhouette");
            ks.AddRow(e.GetProperty("k").GetInt32().ToString(CultureInfo.InvariantCulture), e.GetProperty("withinClusterSumOfSquares").GetDouble().ToString("0.###", CultureInfo.InvariantCulture),
                s.ValueKind == JsonValueKind.Number ? s.GetDouble().ToString("0.0000", CultureInfo.InvariantCulture) + (e.GetProperty("silhouetteSampled").GetBoolean() ? " (sampled)" : "") : "–");
        }
        AnsiConsole.Write(ks);
        AnsiConsole.MarkupLine($"suggested: {Markup.Escape(result.GetProperty("suggestion").GetProperty("reason").GetString() ?? "")}");
        var features = result.GetProperty("features").EnumerateArray().Select(f => f.GetString()!).ToArray();
        var clusters = new Table().AddColumns(["cluster", "name", "size", .. features.Select(f => Markup.Escape(f) + " (mean, z)")]);
        foreach (var c in result.GetProperty("clusters").EnumerateArray())
        {
            var means = c.GetProperty("means");
            var z = c.GetProperty("standardizedMeans");
            clusters.AddRow([c.GetProperty("cluster").GetInt32().ToString(CultureInfo.InvariantCulture), Markup.Escape(c.GetProperty("name").GetString() ?? ""),
                c.GetProperty("size").GetInt32().ToString(CultureInfo.InvariantCulture),
                .. features.Select(f => string.Create(CultureInfo.InvariantCulture, $"{means.GetProperty(f).GetDouble():0.##} ({z.GetProperty(f).GetDouble():+0.00;-0.00})"))]);
        }
        AnsiConsole.Write(clusters);
        if (result.TryGetProperty("segments", out var segments) && segments.ValueKind == JsonValueKind.Array)
        {
            foreach (var s in segments.EnumerateArray())
                AnsiConsole.MarkupLine($"segment {Markup.Escape(s.GetProperty("name").GetString() ?? "")}: {Markup.Escape(s.GetProperty("outcome").GetString() ?? "")}");
        }
    }

    private sealed class Reporter(Action<ClusterProgress> report) : IProgress<ClusterProgress>
    {
        public void Report(ClusterProgress value) => report(value);
    }
}
