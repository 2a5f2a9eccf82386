using System.Text.Json;

namespace Tailor.Core.Content;

/// <summary>How a product is read from an e-commerce event's properties (Segment's spec): its id and its text fields.</summary>
public static class ProductFields
{
    /// <summary>The product's id: <c>product_id</c>, else <c>sku</c>, else <c>id</c>; null when none is set.</summary>
    public static string? Id(JsonElement product) => Text(product, "product_id") ?? Text(product, "sku") ?? Text(product, "id");

    /// <summary>A field as text: a non-empty string, or a number as written; null otherwise.</summary>
    public static string? Text(JsonElement product, string name) =>
        product.TryGetProperty(name, out var v) ? v.ValueKind switch
        {
            JsonValueKind.String => v.GetString() is { Length: > 0 } s ? s : null,
            JsonValueKind.Number => v.GetRawText(),
            _ => null,
        } : null;
}
