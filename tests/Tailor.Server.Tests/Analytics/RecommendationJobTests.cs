using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Tailor.Application;
using Tailor.Application.Analytics;
using Tailor.Application.Analytics.Recommendations;
using Tailor.Core.Analytics;
using Tailor.Core.Events;
using Tailor.Core.Identity;
using Tailor.Core.Storage;
using Tailor.Server.Tests.Hosting;
using static Tailor.Tests.Support.Messages;

namespace Tailor.Server.Tests.Analytics;

/// <summary>The <c>recommend</c> and <c>rules</c> jobs end to end over SQLite: product events in, precomputed rows served.</summary>
public sealed class RecommendationJobTests() : SqliteStoreTest("recommend-job")
{
    private AnalyticsRuns _runs = null!;

    protected override async ValueTask SetUpAsync()
    {
        _runs = new AnalyticsRuns([new RecommendationJob(Store.Analytics, Store.Recommendations), new RulesJob(Store.Analytics, Store.Recommendations)],
            Store.Analytics, new IdSource(Time), Time, NullLogger<AnalyticsRuns>.Instance);
        // Two taste groups: kitchen buyers (mugs, pots, spoons, ...) and garden buyers; each user buys 4 of their group's 6
        // items in two orders and views one more.
        var events = new List<TailorEvent>();
        var random = new Random(3);
        var minute = 0;
        foreach (var (group, category) in new[] { ("k", "kitchen"), ("g", "garden") })
            for (var u = 0; u < 12; u++)
            {
                var items = Enumerable.Range(0, 6).OrderBy(_ => random.Next()).Select(i => $"{group}{i}").ToArray();
                foreach (var order in new[] { items[..2], items[2..4] })
                    events.Add(Track("Order Completed", At(++minute), userId: $"{group}-user{u}", properties: new JsonObject
                    {
                        ["products"] = new JsonArray([.. order.Select(i => (JsonNode)new JsonObject { ["product_id"] = i, ["name"] = i.ToUpperInvariant(), ["price"] = 5, ["category"] = category })]),
                    }));
                events.Add(Track("Product Viewed", At(++minute), userId: $"{group}-user{u}", properties: new JsonObject { ["product_id"] = items[4], ["category"] = category }));
            }
        await IngestAsync(ConsentingToProfiling([.. events]));
        Time.Advance(TimeSpan.FromDays(1));
    }

    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();

    private async Task<string> ProfileOf(string userId) => (await Store.Profiles.FindProfileAsync(new ProfileIdentifier(IdentityTypes.UserId, userId), Ct))!.Id;

    [Fact]
    public async Task Each_profile_gets_items_of_its_taste_not_already_bought_and_filterable_by_category()
    {
        var run = (await _runs.RunAsync("recommend", Json("""{"model":"item-knn","top":10}"""), null, null, Ct)).Value!;
        Assert.Equal((AnalyticsRunStatus.Succeeded, true), (run.Status, run.Promoted));
        Assert.Equal("item-knn", run.Result!.Value.GetProperty("model").GetString());
        Assert.Equal(run.Id, await Store.Recommendations.ServedRunAsync("recommend", Ct));

        var bought = new HashSet<string>();
        await foreach (var e in Store.Analytics.ReadTracksAsync(["Order Completed"], Time.GetUtcNow(), Ct))
            if (e.ProfileId == await ProfileOf("k-user0"))
                foreach (var p in e.Properties.GetProperty("products").EnumerateArray()) bought.Add(p.GetProperty("product_id").GetString()!);
        Assert.Equal(4, bought.Count);

        var list = await Store.Recommendations.ForProfileAsync(await ProfileOf("k-user0"), 10, null, Ct);
        Assert.Equal(8, list.Count); // every item not bought: the 2 kitchen items left by similarity, then the rest by content and popularity
        Assert.All(list, i => Assert.DoesNotContain(i.Id, bought));
        Assert.All(list.Take(2), i => Assert.StartsWith("k", i.Id)); // own taste first
        Assert.Equal("K", list[0].Id.ToUpperInvariant()[..1]);
        Assert.Equal(5m, list.First(i => i.Name is not null).Price);
        var garden = await Store.Recommendations.ForProfileAsync(await ProfileOf("k-user0"), 10, "garden", Ct);
        Assert.NotEmpty(garden);
        Assert.All(garden, i => Assert.StartsWith("g", i.Id));

        var related = await Store.Recommendations.RelatedAsync("k0", 5, Ct);
        Assert.Equal(5, related.Count);
        Assert.All(related, i => Assert.StartsWith("k", i.Id));
    }

    [Fact]
    public async Task Auto_chooses_the_model_by_the_offline_evaluation_and_charts_it()
    {
        var run = (await _runs.RunAsync("recommend", Json("""{"factors":4,"iterations":5}"""), null, null, Ct)).Value!;
        Assert.Equal(AnalyticsRunStatus.Succeeded, run.Status);
        var result = run.Result!.Value;
        Assert.Equal("offline evaluation", result.GetProperty("chosenBy").GetString());
        var evaluation = result.GetProperty("evaluation");
        Assert.Equal(evaluation.GetProperty("winner").GetString(), result.GetProperty("model").GetString());
        Assert.Equal(["popularity", "item-knn", "ease", "als"], evaluation.GetProperty("models").EnumerateArray().Select(m => m.GetProperty("model").GetString()));
        Assert.Equal(["evaluation.svg"], run.ArtifactNames!);
        Assert.Contains("<svg", System.Text.Encoding.UTF8.GetString((await _runs.ArtifactAsync(run.Id, "evaluation.svg", Ct)).Value!.Content));
    }

    [Fact]
    public async Task Bad_parameters_are_refused_by_field()
    {
        Assert.Equal("parameters.model", (await _runs.QueueAsync("recommend", Json("""{"model":"magic"}"""), null, Ct)).Problem!.Field);
        Assert.Equal("parameters.top", (await _runs.QueueAsync("recommend", Json("""{"top":100000}"""), null, Ct)).Problem!.Field);
        Assert.Equal("parameters.iterations", (await _runs.QueueAsync("recommend", Json("""{"iterations":1000}"""), null, Ct)).Problem!.Field);
        Assert.Equal("parameters.minSupport", (await _runs.QueueAsync("rules", Json("""{"minSupport":0}"""), null, Ct)).Problem!.Field);
        Assert.Equal("parameters.maxLength", (await _runs.QueueAsync("rules", Json("""{"maxLength":50}"""), null, Ct)).Problem!.Field);
    }

    [Fact]
    public async Task Items_bought_together_become_related_items_ahead_of_model_neighbours()
    {
        // Five more orders hold k0 and g5 together (across the taste groups): the only pair frequent enough to be a rule.
        await IngestAsync([.. Enumerable.Range(0, 5).Select(k => Track("Order Completed", At(500 + k), userId: $"x{k}", properties: new JsonObject
        {
            ["products"] = new JsonArray(new JsonObject { ["product_id"] = "k0" }, new JsonObject { ["product_id"] = "g5" }),
        }))]);
        await _runs.RunAsync("recommend", Json("""{"model":"item-knn"}"""), null, null, Ct);
        var run = (await _runs.RunAsync("rules", Json("""{"minSupport":0.05,"minConfidence":0.3,"minLift":1.5}"""), null, null, Ct)).Value!;
        Assert.Equal(AnalyticsRunStatus.Succeeded, run.Status);
        Assert.True(run.Result!.Value.GetProperty("rules").GetInt32() > 0);
        var related = await Store.Recommendations.RelatedAsync("g5", 3, Ct);
        Assert.Equal("k0", related[0].Id); // the rule g5 ⇒ k0 comes before g5's garden neighbours
        Assert.All(related.Skip(1), i => Assert.StartsWith("g", i.Id));
    }
}
