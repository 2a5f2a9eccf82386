using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Tailor.Core.Storage;
using Tailor.Server.Content;
using Tailor.Server.Tests.Hosting;
using Tailor.Storage;
using static Tailor.Tests.Support.Messages;

namespace Tailor.Server.Tests.Content;

/// <summary>The render's <c>recommendations</c> over a real SQLite store: a profile's precomputed list when a run is served, else popular items.</summary>
public sealed class RecommendationsSourceTests : IAsyncDisposable
{
    private readonly string _data = TempDirectory.Create("recommendations");
    private TailorDatabase? _store;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_profile_with_precomputed_recommendations_gets_them_and_others_get_popular_items()
    {
        _store = await TailorStores.OpenAsync(_data, null, Ct);
        var source = new RecommendationsSource(_store.Recommendations, new PopularItemsSource(_store.Content, new FakeTimeProvider(T0)));
        await _store.Events.AppendAsync([Track("Order Completed", At(1), userId: "u1",
            properties: new JsonObject { ["products"] = new JsonArray(new JsonObject { ["product_id"] = "popular", ["name"] = "Popular" }) })], Ct);
        Assert.Equal(["popular"], (await source.ForAsync("p1", Ct)).Select(i => i.Id)); // no run served yet

        await _store.Recommendations.PromoteAsync(new RecommendationSnapshot("run_1", RecommendationKinds.Recommend, "ease", T0,
            [new CatalogueItem("mug", "Mug", 4.5m, "https://shop.test/mug", null, "kitchen", 3, 9), new CatalogueItem("pot", "Pot", 9m, null, null, "kitchen", 1, 1)],
            [], [new ProfileRecommendation("p1", "pot", 0.9), new ProfileRecommendation("p1", "mug", 0.5)]), Ct);
        var own = await source.ForAsync("p1", Ct);
        Assert.Equal(["pot", "mug"], own.Select(i => i.Id));
        Assert.Equal(("Mug", 4.5m, "https://shop.test/mug"), (own[1].Name, own[1].Price, own[1].Url));
        Assert.Equal(["popular"], (await source.ForAsync("p2", Ct)).Select(i => i.Id)); // a new customer
        Assert.Equal(["popular"], (await source.ForAsync(null, Ct)).Select(i => i.Id)); // an anonymous render
    }

    public async ValueTask DisposeAsync()
    {
        if (_store is not null) await _store.DisposeAsync();
        TempDirectory.Delete(_data);
    }
}
