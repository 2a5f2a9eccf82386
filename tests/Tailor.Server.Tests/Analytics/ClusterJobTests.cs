using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Tailor.Application;
using Tailor.Application.Analytics;
using Tailor.Application.Analytics.Clustering;
using Tailor.Application.Segments;
using Tailor.Core.Analytics;
using Tailor.Core.Identity;
using Tailor.Core.Segments.Text;
using Tailor.Server.Tests.Hosting;
using static Tailor.Tests.Support.Messages;

namespace Tailor.Server.Tests.Analytics;

/// <summary>The <c>cluster</c> job over SQLite: profiles' traits in, trait <c>cluster</c> back, one segment per cluster whose members follow the traits.</summary>
public sealed class ClusterJobTests() : SqliteStoreTest("cluster-job")
{
    // Three well-separated groups of twelve customers: the partition is known, and so are the names the rule table
    // gives them (spend is the monetary role, visits the frequency role; z-scores against the 36 profiles):
    // low spend and few visits (z ≈ −0.9, −0.8), mid spend and many visits (−0.5, +1.4), high spend and few visits (+1.4, −0.6).
    private static readonly (string Name, double Spend, int Visits)[] Groups =
        [("Occasional Low Spenders", 100, 2), ("Frequent Buyers", 1000, 20), ("Big Spenders", 5000, 3)];

    private SegmentEngine _engine = null!;
    private SegmentOperations _segments = null!;
    private AnalyticsRuns _runs = null!;

    protected override async ValueTask SetUpAsync()
    {
        var ids = new IdSource(Time);
        _engine = new SegmentEngine(Store.Segments, Store.Positions, Store.Profiles, Time);
        await _engine.ReloadAsync(Ct);
        _segments = new SegmentOperations(Store.Segments, Store.Triggers, Store.Campaigns, Store.Content, _engine, ids, Time);
        var scores = new ScoreWriter(Store.Analytics, new EventLogSink(Store.Events), Time);
        _runs = new AnalyticsRuns([new ClusterJob(Store.Analytics, scores, _segments, _engine)], Store.Analytics, ids, Time, NullLogger<AnalyticsRuns>.Instance);
    }

    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();

    private async Task SeedAsync()
    {
        var events = new List<Tailor.Core.Events.TailorEvent>();
        for (int g = 0; g < Groups.Length; g++)
        {
            for (int i = 0; i < 12; i++)
            {
                // Small spread inside each group, far smaller than the gaps between groups.
                events.Add(Identify(At(g * 12 + i), userId: $"u{g}-{i}",
                    traits: new JsonObject { ["spend"] = Groups[g].Spend * (1 + 0.01 * (i - 6)), ["visits"] = Groups[g].Visits + i % 2, ["plan"] = "basic" }));
            }
        }
        events.Add(Identify(At(100), userId: "no-features", traits: new JsonObject { ["plan"] = "basic" }));
        await IngestAsync(ConsentingToProfiling([.. events]));
    }

    [Fact]
    public async Task Profiles_get_their_cluster_as_a_trait_and_published_segments_gain_the_members()
    {
        await SeedAsync();
        await _segments.CreateAsync(new SegmentInput("Customers", RuleParser.Parse("trait plan = \"basic\""), MinSize: 1), Ct);

        var run = (await _runs.RunAsync("cluster", Json("""{"traits":["spend","visits"],"minK":2,"maxK":5,"restarts":5,"publish":true,"parentSegment":"Customers","minSize":5}"""), null, null, Ct)).Value!;
        await IngestAsync();
        while (await _engine.ProcessNextBatchAsync(Ct) > 0)
        {
        }

        Assert.True(run.Status == AnalyticsRunStatus.Succeeded, run.Error);
        Assert.Equal(36, run.ProfilesWritten);
        var result = run.Result!.Value;
        Assert.Equal(3, result.GetProperty("k").GetInt32());
        Assert.Equal(1, result.GetProperty("skippedProfiles").GetInt64());
        Assert.Equal(["elbow.svg", "silhouette.svg", "profiles.svg", "pca.svg"], run.ArtifactNames!);
        var sizes = await Store.Segments.SegmentSizesAsync(Ct);
        var parent = _segments.Find("Customers")!;
        for (int g = 0; g < Groups.Length; g++)
        {
            for (int i = 0; i < 12; i++)
            {
                var profile = (await Store.Profiles.FindProfileAsync(new ProfileIdentifier(IdentityTypes.UserId, $"u{g}-{i}"), Ct))!;
                Assert.Equal(Groups[g].Name, profile.Traits[ClusterJob.ClusterTrait].Value.GetString());
                Assert.Equal(run.Id, profile.Traits[ClusterJob.RunTrait].Value.GetString());
            }
            var segment = _segments.Find("Cluster: " + Groups[g].Name)!;
            Assert.Equal(parent.Id, segment.Definition.ParentId);
            Assert.Equal(5, segment.Definition.MinSize);
            Assert.Equal(12, sizes.GetValueOrDefault(segment.Id));
        }
        var outsider = (await Store.Profiles.FindProfileAsync(new ProfileIdentifier(IdentityTypes.UserId, "no-features"), Ct))!;
        Assert.False(outsider.Traits.ContainsKey(ClusterJob.ClusterTrait));
    }

    [Fact]
    public async Task A_second_run_updates_the_same_segments_and_clusters_below_the_minimum_size_are_not_published()
    {
        await SeedAsync();
        var parameters = Json("""{"traits":["spend","visits"],"k":3,"publish":true,"minSize":13}""");

        var first = (await _runs.RunAsync("cluster", parameters, null, null, Ct)).Value!;

        Assert.True(first.Status == AnalyticsRunStatus.Succeeded, first.Error);
        var outcomes = first.Result!.Value.GetProperty("segments").EnumerateArray().Select(s => s.GetProperty("outcome").GetString()).ToList();
        Assert.All(outcomes, o => Assert.Equal("smaller than minSize (13)", o));
        Assert.Null(_segments.Find("Cluster: Big Spenders"));

        var published = (await _runs.RunAsync("cluster", Json("""{"traits":["spend","visits"],"k":3,"publish":true,"minSize":12}"""), null, null, Ct)).Value!;
        var again = (await _runs.RunAsync("cluster", Json("""{"traits":["spend","visits"],"k":3,"publish":true,"minSize":12}"""), null, null, Ct)).Value!;

        Assert.All(published.Result!.Value.GetProperty("segments").EnumerateArray(), s => Assert.Equal("created", s.GetProperty("outcome").GetString()));
        Assert.All(again.Result!.Value.GetProperty("segments").EnumerateArray(), s => Assert.Equal("updated", s.GetProperty("outcome").GetString()));
        Assert.Equal(3, (await _segments.ListAsync(Ct)).Catalog.InOrder.Count(s => s.Definition.Name.StartsWith("Cluster: ", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Bad_parameters_are_refused_naming_the_field()
    {
        (string, string) Refusal(OperationResult<AnalyticsRun> r) => (r.Problem!.Field, r.Problem.Rule);

        Assert.Equal(("parameters.traits", "name at least one trait or computed trait as a feature"), Refusal(await _runs.QueueAsync("cluster", Json("{}"), null, Ct)));
        Assert.Equal(("parameters.k", "must be between 2 and 50"), Refusal(await _runs.QueueAsync("cluster", Json("""{"traits":["a"],"k":51}"""), null, Ct)));
        Assert.Equal("parameters.computed", (await _runs.QueueAsync("cluster", Json("""{"computed":["shoeSize"]}"""), null, Ct)).Problem!.Field);
        Assert.Equal("parameters.restarts", (await _runs.QueueAsync("cluster", Json("""{"traits":["a"],"restarts":1000}"""), null, Ct)).Problem!.Field);
        Assert.Equal("parameters.pca", (await _runs.QueueAsync("cluster", Json("""{"traits":["a","b"],"pca":3}"""), null, Ct)).Problem!.Field);
        Assert.Equal("parameters.method", (await _runs.QueueAsync("cluster", Json("""{"traits":["a"],"method":"dbscan"}"""), null, Ct)).Problem!.Field);
        var missing = (await _runs.RunAsync("cluster", Json("""{"traits":["spend"],"publish":true,"parentSegment":"nope"}"""), null, null, Ct)).Value!;
        Assert.Equal(AnalyticsRunStatus.Failed, missing.Status);
    }
}
