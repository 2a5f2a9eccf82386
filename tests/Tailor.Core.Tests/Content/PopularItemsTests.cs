using System.Text.Json;
using Tailor.Core.Content;

namespace Tailor.Core.Tests.Content;

public sealed class PopularItemsTests
{
    private static JsonElement E(string json) => JsonDocument.Parse(json).RootElement;

    [Fact]
    public void Most_ordered_first_then_most_viewed_with_latest_details()
    {
        var events = new[]
        {
            E("""{"event":"Product Viewed","properties":{"product_id":"hat","name":"Hat v2","price":12.5}}"""),
            E("""{"event":"Order Completed","properties":{"products":[{"product_id":"shoe","name":"Shoe"},{"sku":"sock"}]}}"""),
            E("""{"event":"Product Viewed","properties":{"product_id":"hat","name":"Hat v1"}}"""),
            E("""{"event":"Order Completed","properties":{"products":[{"product_id":"shoe"}]}}"""),
            E("""{"event":"Product Viewed","properties":{"name":"no id"}}"""),
        };
        var items = PopularItems.From(events, 10);
        Assert.Equal([("shoe", 2L, 0L), ("sock", 1L, 0L), ("hat", 0L, 2L)], items.Select(i => (i.Id, i.Orders, i.Views)).ToArray());
        Assert.Equal(("Hat v2", 12.5m), (items[2].Name, items[2].Price!.Value));
        Assert.Equal(2, PopularItems.From(events, 2).Count);
    }
}
