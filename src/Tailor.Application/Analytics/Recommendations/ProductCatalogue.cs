using System.Text.Json;
using Tailor.Core.Analytics;
using Tailor.Core.Content;
using Tailor.Core.Storage;

namespace Tailor.Application.Analytics.Recommendations;

/// <summary>
/// The products named by e-commerce events (Segment's spec, as <c>PopularItems</c> reads them): each of the
/// <c>products</c> of an <c>Order Completed</c> (or its properties when it has none), the properties of
/// <c>Product Viewed</c> / <c>Product Added</c>; id from <c>product_id</c>, <c>sku</c> or <c>id</c>. Read in log order, so
/// the last name, price, url, image and category seen are kept (the current ones).
/// </summary>
public sealed class ProductCatalogue
{
    public static readonly IReadOnlyList<string> EventNames = ["Order Completed", "Product Added", "Product Viewed"];
    private readonly Dictionary<string, Entry> _items = new(StringComparer.Ordinal);

    public int Count => _items.Count;

    /// <summary>The products an event names, counted and remembered.</summary>
    public List<string> Read(TrackedEvent e)
    {
        var ids = new List<string>();
        var order = e.Name == "Order Completed";
        if (order && e.Properties.TryGetProperty("products", out var products) && products.ValueKind == JsonValueKind.Array)
        {
            foreach (var product in products.EnumerateArray()) Add(product, order, ids);
        }
        else Add(e.Properties, order, ids);
        return ids;
    }

    public string? CategoryOf(string id) => _items.TryGetValue(id, out var entry) ? entry.Category : null;

    public IEnumerable<CatalogueItem> Items(IEnumerable<string> ids)
    {
        foreach (var id in ids)
            if (_items.TryGetValue(id, out var e)) yield return new CatalogueItem(id, e.Name, e.Price, e.Url, e.ImageUrl, e.Category, e.Orders, e.Views);
    }

    private void Add(JsonElement product, bool order, List<string> ids)
    {
        if (product.ValueKind != JsonValueKind.Object) return;
        var id = ProductFields.Id(product);
        if (id is null || id.Length > 200) return;
        if (!_items.TryGetValue(id, out var entry)) _items[id] = entry = new Entry();
        if (order) entry.Orders++; else entry.Views++;
        entry.Name = ProductFields.Text(product, "name") ?? entry.Name;
        entry.Url = ProductFields.Text(product, "url") ?? entry.Url;
        entry.ImageUrl = ProductFields.Text(product, "image_url") ?? entry.ImageUrl;
        entry.Category = ProductFields.Text(product, "category") ?? entry.Category;
        if (product.TryGetProperty("price", out var p) && p.ValueKind == JsonValueKind.Number && p.TryGetDecimal(out var price)) entry.Price = price;
        ids.Add(id);
    }


    private sealed class Entry
    {
        public string? Name { get; set; }
        public decimal? Price { get; set; }
        public string? Url { get; set; }
        public string? ImageUrl { get; set; }
        public string? Category { get; set; }
        public long Orders { get; set; }
        public long Views { get; set; }
    }
}
