using Tailor.Core.Storage;
using static Tailor.Tests.Support.Messages;

namespace Tailor.Storage.Tests;

public abstract partial class StoreContractTests
{
    private static RecommendationSnapshot Snapshot(string run, string kind = RecommendationKinds.Recommend, string model = "item-knn") => new(
        run, kind, model, T0,
        [
            new CatalogueItem("mug", "Red mug", 4.50m, "https://shop.test/mug", "https://shop.test/mug.png", "kitchen", 10, 30),
            new CatalogueItem("pot", "Tea pot", 19.99m, null, null, "kitchen", 5, 8),
            new CatalogueItem("lamp", "Lamp", null, null, null, "lighting", 1, 2),
            new CatalogueItem("towel", null, 3m, null, null, null, 0, 4),
        ],
        [new ItemNeighbour("mug", "pot", 0.9), new ItemNeighbour("mug", "towel", 0.4), new ItemNeighbour("pot", "mug", 0.9)],
        [
            new ProfileRecommendation("p1", "lamp", 2.0), new ProfileRecommendation("p1", "pot", 1.5), new ProfileRecommendation("p1", "towel", 0.2),
            new ProfileRecommendation("p2", "mug", 1.0),
        ]);

    [Fact]
    public async Task Precomputed_recommendations_are_served_best_first_and_filtered_by_category()
    {
        Assert.Empty(await Store.Recommendations.ForProfileAsync("p1", 10, null, Ct));
        Assert.Null(await Store.Recommendations.ServedRunAsync(RecommendationKinds.Recommend, Ct));

        await Store.Recommendations.PromoteAsync(Snapshot("run_1"), Ct);
        Assert.Equal("run_1", await Store.Recommendations.ServedRunAsync(RecommendationKinds.Recommend, Ct));
        var p1 = await Store.Recommendations.ForProfileAsync("p1", 10, null, Ct);
        Assert.Equal(["lamp", "pot", "towel"], p1.Select(i => i.Id));
        Assert.Equal(new Core.Content.RecommendedItem("pot", "Tea pot", 19.99m, null, null, 5, 8), p1[1]);
        Assert.Equal(["lamp", "pot"], (await Store.Recommendations.ForProfileAsync("p1", 2, null, Ct)).Select(i => i.Id));
        Assert.Equal(["pot"], (await Store.Recommendations.ForProfileAsync("p1", 10, "kitchen", Ct)).Select(i => i.Id));
        Assert.Empty(await Store.Recommendations.ForProfileAsync("p3", 10, null, Ct));
    }

    [Fact]
    public async Task Promoting_a_run_replaces_the_served_one_and_removes_its_rows()
    {
        await Store.Recommendations.PromoteAsync(Snapshot("run_1"), Ct);
        await Store.Recommendations.PromoteAsync(Snapshot("run_2") with
        {
            Neighbours = [new ItemNeighbour("mug", "lamp", 0.5)],
            Profiles = [new ProfileRecommendation("p1", "mug", 3.0)],
        }, Ct);
        Assert.Equal("run_2", await Store.Recommendations.ServedRunAsync(RecommendationKinds.Recommend, Ct));
        Assert.Equal(["mug"], (await Store.Recommendations.ForProfileAsync("p1", 10, null, Ct)).Select(i => i.Id));
        Assert.Empty(await Store.Recommendations.ForProfileAsync("p2", 10, null, Ct)); // run_1's rows are gone
        Assert.Equal(["lamp"], (await Store.Recommendations.RelatedAsync("mug", 10, Ct)).Select(i => i.Id));
    }

    [Fact]
    public async Task Related_items_are_rules_first_then_model_neighbours_without_repeats()
    {
        await Store.Recommendations.PromoteAsync(Snapshot("run_1"), Ct);
        Assert.Equal(["pot", "towel"], (await Store.Recommendations.RelatedAsync("mug", 10, Ct)).Select(i => i.Id));
        await Store.Recommendations.PromoteAsync(Snapshot("run_r", RecommendationKinds.Rules, "rules") with
        {
            Neighbours = [new ItemNeighbour("mug", "towel", 3.2), new ItemNeighbour("mug", "lamp", 1.4)],
            Profiles = [],
        }, Ct);
        Assert.Equal("run_1", await Store.Recommendations.ServedRunAsync(RecommendationKinds.Recommend, Ct)); // kinds are served side by side
        Assert.Equal(["towel", "lamp", "pot"], (await Store.Recommendations.RelatedAsync("mug", 10, Ct)).Select(i => i.Id));
        Assert.Equal(["towel", "lamp"], (await Store.Recommendations.RelatedAsync("mug", 2, Ct)).Select(i => i.Id));
        Assert.Empty(await Store.Recommendations.RelatedAsync("unknown", 10, Ct));
    }

    [Fact]
    public async Task Thousands_of_rows_are_written_in_one_promotion()
    {
        var items = Enumerable.Range(0, 300).Select(i => new CatalogueItem($"i{i}", $"Item {i}", i, null, null, i % 2 == 0 ? "even" : "odd", i, i)).ToList();
        var profiles = Enumerable.Range(0, 100).SelectMany(p => Enumerable.Range(0, 30).Select(r => new ProfileRecommendation($"p{p}", $"i{(p + r) % 300}", 30 - r))).ToList();
        await Store.Recommendations.PromoteAsync(new RecommendationSnapshot("run_big", RecommendationKinds.Recommend, "ease", T0, items, [], profiles), Ct);
        var list = await Store.Recommendations.ForProfileAsync("p7", 30, null, Ct);
        Assert.Equal(Enumerable.Range(0, 30).Select(r => $"i{7 + r}"), list.Select(i => i.Id));
        Assert.Equal(Enumerable.Range(0, 15).Select(r => $"i{8 + 2 * r}"), (await Store.Recommendations.ForProfileAsync("p7", 30, "even", Ct)).Select(i => i.Id));
    }
}
