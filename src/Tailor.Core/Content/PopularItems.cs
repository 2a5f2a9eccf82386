using System.Text.Json;

namespace Tailor.Core.Content;

/// <summary>
/// Recommendations until the analytics issue lands: the most ordered products, then the most viewed, counted over
/// recent <c>Order Completed</c> (each of its <c>products</c>), <c>Product Added</c> and <c>Product Viewed</c> events
/// (Segment's e-commerce spec: <c>product_id</c> or <c>sku</c>, <c>name</c>, <c>price</c>, <c>url</c>, <c>image_url</c>).
/// The same list for everyone: it is also the non-personalised default.
/// </summary>
public static class PopularItems
{
    public static readonly IReadOnlyList<string> EventNames = ["Order Completed", "Product Added", "Product Viewed"];

    public static IReadOnlyList<RecommendedItem> From(IEnumerable<JsonElement> trackEvents, int top)
    {
        var items = new Dictionary<string, Tally>(StringComparer.Ordinal);
        foreach (var e in trackEvents)
        {
            if (!e.TryGetProperty("properties", out var properties) || properties.ValueKind != JsonValueKind.Object) continue;
            var name = e.TryGetProperty("event", out var n) ? n.GetString() : null;
            if (name == "Order Completed")
            {
                if (properties.TryGetProperty("products", out var products) && products.ValueKind == JsonValueKind.Array)
                    foreach (var product in products.EnumerateArray()) Count(items, product, order: true);
                else Count(items, properties, order: true);
            }
            else Count(items, properties, order: name == "Product Added");
        }
        return [.. items.Values
            .OrderByDescending(t => t.Orders).ThenByDescending(t => t.Views).ThenBy(t => t.Id, StringComparer.Ordinal)
            .Take(top)
            .Select(t => new RecommendedItem(t.Id, t.Name, t.Price, t.Url, t.ImageUrl, t.Orders, t.Views))];
    }

    private static void Count(Dictionary<string, Tally> items, JsonElement product, bool order)
    {
        if (product.ValueKind != JsonValueKind.Object) return;
        var id = ProductFields.Id(product);
        if (id is null) return;
        if (!items.TryGetValue(id, out var tally)) items[id] = tally = new Tally(id);
        if (order) tally.Orders++; else tally.Views++;
        // Events are read newest first: the first name, price, url and image seen are the current ones.
        tally.Name ??= ProductFields.Text(product, "name");
        tally.Url ??= ProductFields.Text(product, "url");
        tally.ImageUrl ??= ProductFields.Text(product, "image_url");
        if (tally.Price is null && product.TryGetProperty("price", out var p) && p.ValueKind == JsonValueKind.Number && p.TryGetDecimal(out var price)) tally.Price = price;
    }


    private sealed class Tally(string id)
    {
        public string Id { get; } = id;
        public string? Name { get; set; }
        public decimal? Price { get; set; }
        public string? Url { get; set; }
        public string? ImageUrl { get; set; }
        public long Orders { get; set; }
        public long Views { get; set; }
    }
}
