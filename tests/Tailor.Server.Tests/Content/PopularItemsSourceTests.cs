using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Tailor.Core.Storage;
using Tailor.Server.Content;
using Tailor.Server.Tests.Hosting;
using Tailor.Storage;
using static Tailor.Tests.Support.Messages;

namespace Tailor.Server.Tests.Content;

/// <summary>Popular items over a real SQLite store: counted from orders and views, recounted once a minute (fake clock).</summary>
public sealed class PopularItemsSourceTests : IAsyncDisposable
{
    private readonly string _data = TempDirectory.Create("popular");
    private TailorDatabase? _store;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Most_ordered_items_come_first_and_the_list_is_recounted_after_a_minute()
    {
        _store = await TailorStores.OpenAsync(_data, null, Ct);
        var time = new FakeTimeProvider(T0);
        var source = new PopularItemsSource(_store.Content, time);
        static JsonObject Product(string id) => new() { ["products"] = new JsonArray(new JsonObject { ["product_id"] = id, ["name"] = id.ToUpperInvariant() }) };
        await _store.Events.AppendAsync([Track("Order Completed", At(1), userId: "u1", properties: Product("a")),
            Track("Product Viewed", At(2), userId: "u1", properties: new JsonObject { ["product_id"] = "b" })], Ct);
        Assert.Equal(["a", "b"], (await source.ItemsAsync(Ct)).Select(i => i.Id));

        await _store.Events.AppendAsync([Track("Order Completed", At(3), userId: "u2", properties: Product("b")),
            Track("Order Completed", At(4), userId: "u3", properties: Product("b"))], Ct);
        time.Advance(PopularItemsSource.MaxAge - TimeSpan.FromSeconds(1));
        Assert.Equal(["a", "b"], (await source.ItemsAsync(Ct)).Select(i => i.Id)); // still the counted list
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(["b", "a"], (await source.ItemsAsync(Ct)).Select(i => i.Id));
    }

    public async ValueTask DisposeAsync()
    {
        if (_store is not null) await _store.DisposeAsync();
        TempDirectory.Delete(_data);
    }
}
