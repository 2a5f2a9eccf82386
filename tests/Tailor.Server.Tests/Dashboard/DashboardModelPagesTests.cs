using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Tailor.Server.Tests.Hosting;

namespace Tailor.Server.Tests.Dashboard;

/// <summary>
/// The model-evaluation and recommendation pages on runs really made from a small shop (<see cref="ModelRunsApp"/>):
/// every figure a page shows is the stored run's (<c>GET /api/analytics/runs/{id}</c>), and the sample of recommended
/// items is the list the content API serves for that profile.
/// </summary>
public sealed partial class DashboardModelPagesTests(ModelRunsApp app) : IClassFixture<ModelRunsApp>
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    [GeneratedRegex("<img src=\"data:image/svg(\\+|&#x2B;)xml;base64,[^\"]+\" alt=\"([^\"]*)\"")]
    private static partial Regex Chart();

    private static string F3(JsonNode? x) => ((double)x!).ToString("0.000", Invariant);

    private static string Percent(JsonNode? x) => ((double)x!).ToString("0.0%", Invariant);

    /// <summary>The text of the cells marked <c>data-value="name"</c> inside the element whose opening tag carries <paramref name="marker"/>, in order.</summary>
    private static List<string> Values(string html, string marker, string name)
    {
        var start = html.IndexOf(marker, StringComparison.Ordinal);
        Assert.True(start >= 0, $"no element marked {marker} on the page");
        var end = html.IndexOf(marker.StartsWith("<tr", StringComparison.Ordinal) ? "</tr>" : "</dl>", start, StringComparison.Ordinal);
        var part = html[start..end];
        return [.. Regex.Matches(part, $"data-value=\"{name}\">(.*?)</d[dt]>|data-value=\"{name}\">(.*?)</td>", RegexOptions.Singleline)
            .Select(m => WebUtility.HtmlDecode(m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value).Trim())];
    }

    private static string Value(string html, string marker, string name) => Assert.Single(Values(html, marker, name));

    private static List<string> Alts(string html) => [.. Chart().Matches(html).Select(m => WebUtility.HtmlDecode(m.Groups[2].Value))];

    [Fact]
    public async Task A_churn_run_shows_both_models_AUCs_calibration_and_top_features_as_stored()
    {
        var run = app.Runs["propensity"];
        var result = run["result"]!;
        var validation = result["validation"]!;
        using var browser = await DashboardClient.SignedInAsync(app.BaseAddress, app.AdminKey);

        var page = await browser.PageAsync($"/analytics/runs/{run["id"]}");

        Assert.Contains(WebUtility.HtmlEncode((string)result["verdict"]!), page, StringComparison.Ordinal);
        Assert.Equal(((int)validation["rows"]!).ToString("N0", Invariant), Value(page, "data-propensity", "rows"));
        Assert.StartsWith(((int)validation["positives"]!).ToString("N0", Invariant) + " (", Value(page, "data-propensity", "positives"), StringComparison.Ordinal);
        Assert.Equal((string)result["promotion"]!, Value(page, "data-propensity", "promotion"));
        Assert.Equal(((double)validation["aucGain"]!).ToString("+0.000;−0.000;0.000", Invariant), Value(page, "data-propensity", "aucGain"));
        Assert.StartsWith(((long)result["profilesScored"]!).ToString("N0", Invariant), Value(page, "data-propensity", "profilesScored"), StringComparison.Ordinal);
        var chosen = (string)validation["chosen"]!;
        Assert.Contains($"<tr data-model=\"{chosen}\" class=\"chosen\">", page, StringComparison.Ordinal);
        foreach (var model in new[] { validation["gradientBoosting"]!, validation["baseline"]! })
        {
            var row = $"<tr data-model=\"{(string)model["model"]!}\"";
            Assert.Equal(F3(model["meanAuc"]), Value(page, row, "meanAuc"));
            Assert.Equal(F3(model["aucStandardDeviation"]), Value(page, row, "aucStandardDeviation"));
            Assert.Equal(string.Join(", ", model["foldAuc"]!.AsArray().Select(F3)), Value(page, row, "foldAuc"));
            Assert.Equal(F3(model["pooledAuc"]), Value(page, row, "pooledAuc"));
            Assert.Equal(F3(model["logLoss"]), Value(page, row, "logLoss"));
        }
        Assert.Equal(3, (int)validation["folds"]!);
        Assert.True((double)validation[chosen == "gradient_boosting" ? "gradientBoosting" : "baseline"]!["meanAuc"]! > 0.6, "recent behaviour predicts churn in this shop");

        // Charts drawn on the server from the stored figures; their text alternatives carry them.
        var alts = Alts(page);
        Assert.Equal(3, alts.Count); // calibration, AUC by fold, top features
        string Name(JsonNode model) => ((string)model["model"]!).Replace('_', ' ');
        var calibrated = new[] { validation["gradientBoosting"]!, validation["baseline"]! }.Where(m => m["calibration"]!.AsArray().Count > 0);
        Assert.Equal("Calibration, mean predicted against observed rate per bin: " + string.Join("; ", calibrated.Select(m => $"{Name(m)}: "
            + string.Join(", ", m["calibration"]!.AsArray().Select(b => $"{F3(b!["meanPredicted"])} → {F3(b["observedRate"])}")))), alts[0]);
        var features = validation["topFeatures"]!.AsArray();
        Assert.NotEmpty(features);
        Assert.Equal("Share of split gain: " + string.Join("; ", features.Select(f => $"{(string)f!["feature"]!}: {Percent(f["share"])}")), alts[2]);
        var calibrationTable = Regex.Match(page, "<table aria-label=\"Calibration of the chosen model\" data-calibration>(.*?)</table>", RegexOptions.Singleline).Groups[1].Value;
        var chosenBins = validation[chosen == "gradient_boosting" ? "gradientBoosting" : "baseline"]!["calibration"]!.AsArray();
        Assert.Equal(chosenBins.Count, Regex.Count(calibrationTable, "<tr>") - 1);
        var featureTable = Regex.Match(page, "<table aria-labelledby=\"features\" data-features>(.*?)</table>", RegexOptions.Singleline).Groups[1].Value;
        Assert.Equal(features.Select(f => Percent(f!["share"])), Regex.Matches(featureTable, "data-value=\"share\">([^<]*)<").Select(m => m.Groups[1].Value));
    }

    [Fact]
    public async Task A_recommend_run_shows_the_offline_evaluation_as_stored_and_a_profiles_served_list()
    {
        var run = app.Runs["recommend"];
        var id = (string)run["id"]!;
        var result = run["result"]!;
        var evaluation = result["evaluation"]!;
        using var browser = await DashboardClient.SignedInAsync(app.BaseAddress, app.AdminKey);

        var page = await browser.PageAsync($"/analytics/runs/{id}");

        Assert.Equal((string)result["model"]!, Value(page, "data-recommend", "model"));
        Assert.Equal("offline evaluation", (string)result["chosenBy"]!);
        Assert.Equal($"offline evaluation: {(string)result["reason"]!}", Value(page, "data-recommend", "chosenBy"));
        Assert.Equal(((int)result["items"]!).ToString("N0", Invariant), Value(page, "data-recommend", "items"));
        Assert.StartsWith("yes", Value(page, "data-recommend", "served"), StringComparison.Ordinal);
        var k = (int)evaluation["k"]!;
        Assert.Contains($"Precision@{k}", page, StringComparison.Ordinal);
        var models = evaluation["models"]!.AsArray();
        Assert.Equal(["popularity", "item-knn", "ease", "als"], models.Select(m => (string)m!["model"]!));
        foreach (var model in models)
        {
            var row = $"<tr data-model=\"{(string)model!["model"]!}\"";
            Assert.Equal(F3(model["precision"]), Value(page, row, "precision"));
            Assert.Equal(F3(model["recall"]), Value(page, row, "recall"));
            Assert.Equal(F3(model["ndcg"]), Value(page, row, "ndcg"));
            Assert.Equal(Percent(model["coverage"]), Value(page, row, "coverage"));
        }
        Assert.Contains($"<tr data-model=\"{(string)evaluation["winner"]!}\" class=\"chosen\">", page, StringComparison.Ordinal);
        Assert.Equal($"Precision, recall, NDCG at {k} and coverage: " + string.Join("; ",
            models.Select(m => $"{(string)m!["model"]!}: {F3(m["precision"])}, {F3(m["recall"])}, {F3(m["ndcg"])}, {Percent(m["coverage"])}")), Assert.Single(Alts(page)));

        // A sample for a profile chosen by its userId: the list the content API serves it, in order.
        var profileId = (string)(await app.Admin.GetObjectAsync("/api/profiles/lookup?type=userId&value=u000"))["id"]!;
        var served = (await app.Admin.GetArrayAsync($"/api/recommendations/profiles/{profileId}?limit=10")).Select(i => (string)i!["id"]!).ToList();
        Assert.NotEmpty(served);
        var sample = await browser.PageAsync($"/analytics/runs/{id}?profile=u000");
        var table = Regex.Match(sample, $"<table aria-labelledby=\"sample\" data-sample=\"{profileId}\">(.*?)</table>", RegexOptions.Singleline);
        Assert.True(table.Success, "the sample table names the profile");
        Assert.Equal(served, Regex.Matches(table.Groups[1].Value, "<td><code>([^<]*)</code></td>").Select(m => m.Groups[1].Value));
        var unknown = await browser.PageAsync($"/analytics/runs/{id}?profile=nobody-here");
        Assert.Contains("No profile has this id or identity.", unknown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_clv_run_shows_the_customer_base_value_and_fitted_models_as_stored()
    {
        var run = app.Runs["clv"];
        var result = run["result"]!;
        using var browser = await DashboardClient.SignedInAsync(app.BaseAddress, app.AdminKey);

        var page = await browser.PageAsync($"/analytics/runs/{run["id"]}");

        var customers = (int)result["customers"]!;
        Assert.True(customers > 0 && customers <= ModelRunsApp.Customers, result.ToJsonString());
        Assert.StartsWith(customers.ToString("N0", Invariant) + " (" + ((int)result["repeatCustomers"]!).ToString("N0", Invariant) + " bought more than once",
            Value(page, "data-clv", "customers"), StringComparison.Ordinal);
        Assert.Equal(((int)result["orders"]!).ToString("N0", Invariant), Value(page, "data-clv", "orders"));
        Assert.Equal(((double)result["totalLifetimeValue"]!).ToString("N2", Invariant), Value(page, "data-clv", "totalLifetimeValue"));
        Assert.Equal(((double)result["totalLifetimeValue"]! / customers).ToString("N2", Invariant), Value(page, "data-clv", "perCustomer"));
        Assert.Equal(((double)result["totalExpectedPurchases"]!).ToString("N1", Invariant), Value(page, "data-clv", "totalExpectedPurchases"));
        Assert.Equal(((double)result["meanProbabilityAlive"]!).ToString("0.0%", Invariant), Value(page, "data-clv", "meanProbabilityAlive"));
        static string Parameters(JsonNode p) => string.Join(", ", p.AsObject().Select(kv => $"{kv.Key} = {((double)kv.Value!).ToString("0.####", Invariant)}"));
        Assert.Equal(Parameters(result["parameters"]!), Value(page, "<tr data-model=\"purchases\"", "parameters"));
        Assert.Equal(((double)result["logLikelihood"]!).ToString("0.00", Invariant), Value(page, "<tr data-model=\"purchases\"", "logLikelihood"));
        Assert.Equal(Parameters(result["spendParameters"]!), Value(page, "<tr data-model=\"spend\"", "parameters"));
        Assert.Equal(((double)result["spendLogLikelihood"]!).ToString("0.00", Invariant), Value(page, "<tr data-model=\"spend\"", "logLikelihood"));
        Assert.Equal(["r", "alpha", "a", "b"], result["parameters"]!.AsObject().Select(kv => kv.Key));
        Assert.StartsWith($"Customers: bought once {(customers - (int)result["repeatCustomers"]!).ToString("N0", Invariant)}", Assert.Single(Alts(page)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Model_pages_need_the_analytics_scope()
    {
        using var created = await app.Admin.PostObjectAsync("/api/admin-keys", new { name = "segments only", scopes = new[] { "segments" } });
        await created.ShouldBeAsync(HttpStatusCode.Created);
        var key = (string)(await created.JsonAsync())["key"]!;
        using var browser = await DashboardClient.SignedInAsync(app.BaseAddress, key);
        var page = await browser.PageAsync($"/analytics/runs/{app.Runs["recommend"]["id"]}", HttpStatusCode.Forbidden);
        Assert.Contains("analytics", page, StringComparison.Ordinal);
    }
}
