using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Tailor.Core.Sources;

/// <summary>
/// Maps a Shopify webhook to Segment e-commerce spec messages (the table in docs/connectors.md). Pure: the topic,
/// the webhook id and the body in, messages out. Every messageId is derived from the webhook id — or, for events that
/// two topics announce (an order on orders/create and orders/paid, a checkout on each update), from the order or
/// checkout — so a replayed webhook, or the second topic, is stored once.
/// </summary>
public static class ShopifyMapper
{
    /// <summary>The topics Tailor maps; others are acknowledged and ignored.</summary>
    public static IReadOnlyList<string> Topics { get; } =
        ["orders/create", "orders/paid", "checkouts/create", "checkouts/update", "customers/create", "customers/update", "carts/update"];

    public static bool Maps(string topic) => Topics.Contains(topic);

    /// <exception cref="MappingException">The body is not the shape the topic has (e.g. an order without an id).</exception>
    public static IReadOnlyList<JsonObject> Map(string topic, string webhookId, JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object) throw new MappingException("body", "must be a JSON object");
        var context = new JsonObject
        {
            ["integration"] = new JsonObject { ["name"] = "shopify" },
            ["shopify"] = new JsonObject { ["topic"] = topic, ["webhookId"] = webhookId },
        };
        return topic switch
        {
            "orders/create" or "orders/paid" => Order(body, webhookId, context),
            "checkouts/create" or "checkouts/update" => Checkout(body, webhookId, context),
            "customers/create" or "customers/update" => [Customer(body, $"shopify-{webhookId}", Time(body, topic == "customers/create" ? "created_at" : "updated_at"), context)],
            "carts/update" => Cart(body, context),
            _ => throw new MappingException("topic", $"\"{topic}\" is not mapped; Tailor maps {string.Join(", ", Topics)}"),
        };
    }

    private static List<JsonObject> Order(JsonElement order, string webhookId, JsonObject context)
    {
        var id = Id(order, "id") ?? throw new MappingException("body.id", "is required: the order's id");
        var at = Time(order, "processed_at") ?? Time(order, "created_at");
        var customerId = order.TryGetProperty("customer", out var c) && c.ValueKind == JsonValueKind.Object ? Id(c, "id") : null;
        var anonymousId = Text(order, "cart_token") is { Length: > 0 } cart ? $"shopify-cart-{cart}" : null;
        var messages = new List<JsonObject>();
        if (customerId is not null)
            messages.Add(Customer(c, $"shopify-{webhookId}-identify", at, context, Text(order, "email"), order.TryGetProperty("buyer_accepts_marketing", out var b) ? b : null));
        var properties = new JsonObject
        {
            ["order_id"] = id,
            ["checkout_id"] = Text(order, "checkout_token"),
            ["order_number"] = Text(order, "name"),
            ["total"] = Money(order, "total_price"),
            ["revenue"] = Money(order, "subtotal_price"),
            ["tax"] = Money(order, "total_tax"),
            ["shipping"] = Shipping(order),
            ["discount"] = Money(order, "total_discounts"),
            ["coupon"] = Coupons(order),
            ["currency"] = Text(order, "currency"),
            ["products"] = Products(order, null),
        };
        messages.Add(Track("Order Completed", $"shopify-order-{id}-completed", customerId, anonymousId ?? (customerId is null ? $"shopify-order-{id}" : null), at, properties, context));
        return messages;
    }

    private static List<JsonObject> Checkout(JsonElement checkout, string webhookId, JsonObject context)
    {
        var token = Text(checkout, "token") ?? throw new MappingException("body.token", "is required: the checkout's token");
        var at = Time(checkout, "created_at");
        var customerId = checkout.TryGetProperty("customer", out var c) && c.ValueKind == JsonValueKind.Object ? Id(c, "id") : null;
        var anonymousId = $"shopify-cart-{Text(checkout, "cart_token") ?? token}";
        var messages = new List<JsonObject>();
        var email = Text(checkout, "email");
        if (customerId is not null)
        {
            messages.Add(Customer(c, $"shopify-{webhookId}-identify", Time(checkout, "updated_at") ?? at, context, email,
                checkout.TryGetProperty("buyer_accepts_marketing", out var b) ? b : null, anonymousId));
        }
        else if (email is not null)
        {
            // A guest who typed an email: the address is who they are until they have an account.
            messages.Add(new JsonObject
            {
                ["type"] = "identify", ["messageId"] = $"shopify-{webhookId}-identify", ["anonymousId"] = anonymousId,
                ["timestamp"] = Time(checkout, "updated_at") ?? at, ["traits"] = new JsonObject { ["email"] = email }, ["context"] = context.DeepClone(),
            });
        }
        var properties = new JsonObject
        {
            ["checkout_id"] = token,
            ["value"] = Money(checkout, "subtotal_price"),
            ["revenue"] = Money(checkout, "subtotal_price"),
            ["total"] = Money(checkout, "total_price"),
            ["tax"] = Money(checkout, "total_tax"),
            ["discount"] = Money(checkout, "total_discounts"),
            ["coupon"] = Coupons(checkout),
            ["currency"] = Text(checkout, "presentment_currency") ?? Text(checkout, "currency"),
            ["products"] = Products(checkout, null),
            ["recovery_url"] = Text(checkout, "abandoned_checkout_url"),
        };
        messages.Add(Track("Checkout Started", $"shopify-checkout-{token}-started", customerId, anonymousId, at, properties, context));
        return messages;
    }

    private static List<JsonObject> Cart(JsonElement cart, JsonObject context)
    {
        var token = Text(cart, "token") ?? Text(cart, "id") ?? throw new MappingException("body.token", "is required: the cart's token");
        var at = Time(cart, "updated_at") ?? Time(cart, "created_at");
        var messages = new List<JsonObject>();
        if (!cart.TryGetProperty("line_items", out var lines) || lines.ValueKind != JsonValueKind.Array) return messages;
        var products = Products(cart, token);
        var index = 0;
        foreach (var line in lines.EnumerateArray())
        {
            if (index == SourceLimits.MaxMessagesPerPayload) throw new MappingException("body.line_items", $"must have at most {SourceLimits.MaxMessagesPerPayload} lines");
            var product = products[index++]!.AsObject();
            var key = Text(line, "key") ?? Text(line, "variant_id") ?? Text(line, "id") ?? index.ToString(CultureInfo.InvariantCulture);
            var quantity = line.TryGetProperty("quantity", out var q) && q.ValueKind == JsonValueKind.Number ? q.GetRawText() : "0";
            // Shopify sends the whole cart on each update; a line at the same quantity is the same event.
            messages.Add(Track("Product Added", $"shopify-cart-{token}-{key}-{quantity}", null, $"shopify-cart-{token}", at, product.DeepClone().AsObject(), context));
        }
        return messages;
    }

    /// <summary>An identify of a Shopify customer: traits and marketing consent (email and SMS) as Tailor's consent per purpose.</summary>
    private static JsonObject Customer(JsonElement customer, string messageId, string? at, JsonObject context, string? orderEmail = null,
        JsonElement? acceptsMarketing = null, string? anonymousId = null)
    {
        var id = Id(customer, "id") ?? throw new MappingException("body.id", "is required: the customer's id");
        var traits = new JsonObject
        {
            ["email"] = Text(customer, "email") ?? orderEmail,
            ["firstName"] = Text(customer, "first_name"),
            ["lastName"] = Text(customer, "last_name"),
            ["phone"] = Text(customer, "phone"),
            ["createdAt"] = Text(customer, "created_at"),
            ["ordersCount"] = customer.TryGetProperty("orders_count", out var n) && n.ValueKind == JsonValueKind.Number && n.TryGetInt64(out var orders) ? orders : null,
            ["totalSpent"] = Money(customer, "total_spent"),
            ["state"] = Text(customer, "state"),
            ["verifiedEmail"] = customer.TryGetProperty("verified_email", out var v) && v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : null,
        };
        if (Text(customer, "tags") is { Length: > 0 } tags)
            traits["shopifyTags"] = new JsonArray([.. tags.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(t => (JsonNode?)t)]);
        if (customer.TryGetProperty("default_address", out var address) && address.ValueKind == JsonValueKind.Object)
        {
            traits["address"] = new JsonObject
            {
                ["city"] = Text(address, "city"), ["country"] = Text(address, "country_code") ?? Text(address, "country"),
                ["postalCode"] = Text(address, "zip"), ["state"] = Text(address, "province_code") ?? Text(address, "province"),
            };
        }
        var consent = new JsonObject();
        var email = Consent(customer, "email_marketing_consent") ?? Flag(customer, "accepts_marketing") ?? (acceptsMarketing is { } a ? Flag(a) : null);
        if (email is { } emailConsent) consent["email"] = emailConsent;
        if (Consent(customer, "sms_marketing_consent") is { } sms) consent["sms"] = sms;
        if (consent.Count > 0) traits["consent"] = consent;
        return new JsonObject
        {
            ["type"] = "identify", ["messageId"] = messageId, ["userId"] = id, ["anonymousId"] = anonymousId, ["timestamp"] = at,
            ["traits"] = Compact(traits), ["context"] = context.DeepClone(),
        };
    }

    /// <summary>Shopify's consent state as a yes or no: subscribed is yes; not subscribed and unsubscribed are no; pending, redacted and invalid say nothing.</summary>
    private static bool? Consent(JsonElement customer, string name)
    {
        if (!customer.TryGetProperty(name, out var consent) || consent.ValueKind != JsonValueKind.Object) return null;
        return Text(consent, "state") switch
        {
            "subscribed" => true,
            "not_subscribed" or "unsubscribed" => false,
            _ => null,
        };
    }

    private static bool? Flag(JsonElement owner, string name) => owner.TryGetProperty(name, out var value) ? Flag(value) : null;

    private static bool? Flag(JsonElement value) => value.ValueKind switch { JsonValueKind.True => true, JsonValueKind.False => false, _ => null };

    private static JsonObject Track(string name, string messageId, string? userId, string? anonymousId, string? at, JsonObject properties, JsonObject context) => new()
    {
        ["type"] = "track", ["event"] = name, ["messageId"] = messageId, ["userId"] = userId, ["anonymousId"] = anonymousId, ["timestamp"] = at,
        ["properties"] = Compact(properties), ["context"] = context.DeepClone(),
    };

    private static JsonArray Products(JsonElement owner, string? cartId)
    {
        var products = new JsonArray();
        if (!owner.TryGetProperty("line_items", out var lines) || lines.ValueKind != JsonValueKind.Array) return products;
        var position = 1;
        foreach (var line in lines.EnumerateArray())
        {
            if (line.ValueKind != JsonValueKind.Object) continue;
            if (products.Count == SourceLimits.MaxMessagesPerPayload) throw new MappingException("body.line_items", $"must have at most {SourceLimits.MaxMessagesPerPayload} lines");
            products.Add(Compact(new JsonObject
            {
                ["cart_id"] = cartId,
                ["product_id"] = Id(line, "product_id"),
                ["variant_id"] = Id(line, "variant_id"),
                ["sku"] = Text(line, "sku"),
                ["name"] = Text(line, "title") ?? Text(line, "name"),
                ["variant"] = Text(line, "variant_title"),
                ["brand"] = Text(line, "vendor"),
                ["price"] = Money(line, "price"),
                ["quantity"] = line.TryGetProperty("quantity", out var q) && q.ValueKind == JsonValueKind.Number && q.TryGetInt64(out var quantity) ? quantity : null,
                ["position"] = position++,
            }));
        }
        return products;
    }

    private static JsonNode? Coupons(JsonElement owner)
    {
        if (!owner.TryGetProperty("discount_codes", out var codes) || codes.ValueKind != JsonValueKind.Array) return null;
        var list = codes.EnumerateArray().Select(c => c.ValueKind == JsonValueKind.Object ? Text(c, "code") : null).OfType<string>().ToList();
        return list.Count == 0 ? null : string.Join(",", list);
    }

    private static JsonNode? Shipping(JsonElement order)
    {
        if (order.TryGetProperty("total_shipping_price_set", out var set) && set.ValueKind == JsonValueKind.Object
            && set.TryGetProperty("shop_money", out var money) && money.ValueKind == JsonValueKind.Object && Money(money, "amount") is { } amount)
            return amount;
        if (!order.TryGetProperty("shipping_lines", out var lines) || lines.ValueKind != JsonValueKind.Array) return null;
        decimal total = 0;
        var any = false;
        foreach (var line in lines.EnumerateArray())
        {
            if (line.ValueKind == JsonValueKind.Object && Decimal(line, "price") is { } price)
            {
                total += price;
                any = true;
            }
        }
        return any ? JsonValue.Create(total) : null;
    }

    /// <summary>A Shopify amount (sent as a string, "199.00") as a number.</summary>
    private static JsonNode? Money(JsonElement owner, string name) => Decimal(owner, name) is { } value ? JsonValue.Create(value) : null;

    private static decimal? Decimal(JsonElement owner, string name)
    {
        if (!owner.TryGetProperty(name, out var value)) return null;
        if (value.ValueKind == JsonValueKind.Number && value.TryGetDecimal(out var n)) return n;
        return value.ValueKind == JsonValueKind.String && decimal.TryParse(value.GetString(), NumberStyles.Number, CultureInfo.InvariantCulture, out var parsed) ? parsed : null;
    }

    /// <summary>An id, sent as a number or a string, as a string.</summary>
    private static string? Id(JsonElement owner, string name) =>
        owner.TryGetProperty(name, out var value) ? value.ValueKind switch
        {
            JsonValueKind.Number => value.GetRawText(),
            JsonValueKind.String when value.GetString() is { Length: > 0 } s => s,
            _ => null,
        } : null;

    private static string? Text(JsonElement owner, string name) =>
        owner.ValueKind == JsonValueKind.Object && owner.TryGetProperty(name, out var value)
            ? value.ValueKind switch { JsonValueKind.String when value.GetString() is { Length: > 0 } s => s, JsonValueKind.Number => value.GetRawText(), _ => null }
            : null;

    private static string? Time(JsonElement owner, string name) => Text(owner, name);

    /// <summary>The object without its null members (Segment leaves unknown fields out rather than sending null).</summary>
    private static JsonObject Compact(JsonObject obj)
    {
        foreach (var key in obj.Where(p => p.Value is null).Select(p => p.Key).ToList()) obj.Remove(key);
        return obj;
    }
}
