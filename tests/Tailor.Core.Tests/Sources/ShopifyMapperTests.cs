using System.Text.Json;
using System.Text.Json.Nodes;
using Tailor.Core.Events;
using Tailor.Core.Sources;

namespace Tailor.Core.Tests.Sources;

/// <summary>Shopify webhooks (payloads with the shapes Shopify documents) mapped to the Segment e-commerce spec.</summary>
public sealed class ShopifyMapperTests
{
    private static IReadOnlyList<JsonObject> Map(string topic, string fixture, string webhookId = "wh-1") => ShopifyMapper.Map(topic, webhookId, ShopifyFixtures.Json(fixture));

    private static decimal Number(JsonNode? node) => node!.GetValue<decimal>();

    [Fact]
    public void An_order_becomes_an_identify_and_Order_Completed_with_products_revenue_and_currency()
    {
        var messages = Map("orders/create", "orders_create");

        Assert.Equal(2, messages.Count);
        var identify = messages[0];
        Assert.Equal("identify", (string)identify["type"]!);
        Assert.Equal("7091183370331", (string)identify["userId"]!);
        Assert.Equal("lena.vogel@example.com", (string)identify["traits"]!["email"]!);
        Assert.True((bool)identify["traits"]!["consent"]!["email"]!); // email_marketing_consent.state = subscribed
        var order = messages[1];
        Assert.Equal("Order Completed", (string)order["event"]!);
        Assert.Equal("7091183370331", (string)order["userId"]!);
        var p = order["properties"]!;
        Assert.Equal("5730219884123", (string)p["order_id"]!);
        Assert.Equal(54.90m, Number(p["revenue"])); // subtotal after the discount, before shipping
        Assert.Equal(64.90m, Number(p["total"]));
        Assert.Equal(10.00m, Number(p["shipping"]));
        Assert.Equal(10.36m, Number(p["tax"]));
        Assert.Equal(5.00m, Number(p["discount"]));
        Assert.Equal("WELCOME5", (string)p["coupon"]!);
        Assert.Equal("EUR", (string)p["currency"]!);
        var products = p["products"]!.AsArray();
        Assert.Equal(2, products.Count);
        Assert.Equal("BEANIE-MOSS", (string)products[0]!["sku"]!);
        Assert.Equal("8120044556677", (string)products[0]!["product_id"]!);
        Assert.Equal(19.95m, Number(products[0]!["price"]));
        Assert.Equal(2L, (long)products[0]!["quantity"]!);
        Assert.Equal("Nordwolle", (string)products[1]!["brand"]!);
        // The lines add up to what Shopify says they do: 2 × 19.95 + 20.00 less the 5.00 code.
        Assert.Equal(Number(p["revenue"]), products.Sum(x => Number(x!["price"]) * (long)x!["quantity"]!) - Number(p["discount"]));
    }

    [Fact]
    public void The_same_order_on_orders_create_and_orders_paid_has_one_messageId()
    {
        var created = Map("orders/create", "orders_create", "wh-create");
        var paid = Map("orders/paid", "orders_create", "wh-paid");

        Assert.Equal((string)created[1]["messageId"]!, (string)paid[1]["messageId"]!);
        Assert.NotEqual((string)created[0]["messageId"]!, (string)paid[0]["messageId"]!); // each webhook's identify is its own
    }

    [Fact]
    public void A_replayed_webhook_maps_to_the_same_messageIds()
    {
        foreach (var (topic, fixture) in new[] { ("customers/update", "customers_update"), ("checkouts/update", "checkouts_update"), ("carts/update", "carts_update") })
            Assert.Equal(Map(topic, fixture, "wh-9").Select(m => (string)m["messageId"]!), Map(topic, fixture, "wh-9").Select(m => (string)m["messageId"]!));
    }

    [Fact]
    public void A_guest_checkout_is_Checkout_Started_for_the_cart_and_the_update_adds_who_it_is()
    {
        var created = Map("checkouts/create", "checkouts_create", "wh-c1");
        var updated = Map("checkouts/update", "checkouts_update", "wh-c2");

        var started = Assert.Single(created);
        Assert.Equal("Checkout Started", (string)started["event"]!);
        Assert.Equal("shopify-cart-Z2NwLWV1cm9wZS13ZXN0MTowMUhXNVlQ", (string)started["anonymousId"]!);
        Assert.Equal("8f1c2d7e9a0b4c3d5e6f708192a3b4c5", (string)started["properties"]!["checkout_id"]!);
        Assert.Equal(59.90m, Number(started["properties"]!["revenue"]));
        Assert.Equal(2, started["properties"]!["products"]!.AsArray().Count);
        Assert.Equal(2, updated.Count);
        Assert.Equal("identify", (string)updated[0]["type"]!);
        Assert.Equal("7091183370331", (string)updated[0]["userId"]!);
        Assert.Equal("shopify-cart-Z2NwLWV1cm9wZS13ZXN0MTowMUhXNVlQ", (string)updated[0]["anonymousId"]!); // links the cart to the customer
        Assert.Equal((string)started["messageId"]!, (string)updated[1]["messageId"]!); // one Checkout Started per checkout
    }

    [Fact]
    public void A_customer_update_carries_traits_and_marketing_consent_per_purpose()
    {
        var identify = Assert.Single(Map("customers/update", "customers_update"));
        var traits = identify["traits"]!;

        Assert.Equal("Lena", (string)traits["firstName"]!);
        Assert.Equal(3L, (long)traits["ordersCount"]!);
        Assert.Equal(197.30m, Number(traits["totalSpent"]));
        Assert.Equal(["vip", "newsletter-2026"], traits["shopifyTags"]!.AsArray().Select(t => (string)t!));
        Assert.Equal("DE", (string)traits["address"]!["country"]!);
        Assert.False((bool)traits["consent"]!["email"]!); // unsubscribed
        Assert.True((bool)traits["consent"]!["sms"]!); // subscribed
        Assert.Equal("2026-12-01T18:22:05+01:00", (string)identify["timestamp"]!);
    }

    [Fact]
    public void A_cart_update_is_Product_Added_per_line_and_the_same_line_at_the_same_quantity_is_the_same_event()
    {
        var lines = Map("carts/update", "carts_update");
        var more = JsonNode.Parse(ShopifyFixtures.Text("carts_update"))!;
        more["line_items"]![1]!["quantity"] = 2;
        var again = ShopifyMapper.Map("carts/update", "wh-2", JsonSerializer.SerializeToElement(more));

        Assert.Equal(["Product Added", "Product Added"], lines.Select(m => (string)m["event"]!));
        Assert.All(lines, m => Assert.Equal("shopify-cart-Z2NwLWV1cm9wZS13ZXN0MTowMUhXNVlQ", (string)m["anonymousId"]!));
        Assert.Equal("SOCKS-GREY-3942", (string)lines[1]["properties"]!["sku"]!);
        Assert.Equal((string)lines[0]["messageId"]!, (string)again[0]["messageId"]!);
        Assert.NotEqual((string)lines[1]["messageId"]!, (string)again[1]["messageId"]!);
    }

    [Theory]
    [InlineData("orders/create", "orders_create")]
    [InlineData("checkouts/create", "checkouts_create")]
    [InlineData("checkouts/update", "checkouts_update")]
    [InlineData("customers/update", "customers_update")]
    [InlineData("carts/update", "carts_update")]
    public void Every_mapped_message_passes_the_tracking_API_validation(string topic, string fixture)
    {
        var parser = new MessageParser(IngestionLimits.Default, () => "generated");
        foreach (var message in Map(topic, fixture))
        {
            var result = parser.Parse(JsonSerializer.SerializeToElement(message), null, new MessageParser.Arrival("src_shop", DateTimeOffset.Parse("2026-12-02T00:00:00Z")));
            Assert.Null(result.Error);
            Assert.NotEqual("generated", result.Event!.MessageId);
        }
    }

    [Fact]
    public void A_topic_Tailor_does_not_map_and_an_order_without_id_are_refused_naming_the_field()
    {
        Assert.False(ShopifyMapper.Maps("products/update"));
        Assert.Equal("topic", Assert.Throws<MappingException>(() => ShopifyMapper.Map("products/update", "w", ShopifyFixtures.Json("orders_create"))).Field);
        Assert.Equal("body.id", Assert.Throws<MappingException>(() => ShopifyMapper.Map("orders/paid", "w", JsonSerializer.SerializeToElement(new { total_price = "1.00" }))).Field);
    }
}
