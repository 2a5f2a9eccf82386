using System.Globalization;
using System.Text;
using System.Text.Json;
using Tailor.Core.Events;

namespace Tailor.Benchmarks;

/// <summary>Realistic Segment messages (the same shapes the load generator sends), parsed the way the server parses them.</summary>
public static class SampleEvents
{
    public static readonly MessageParser Parser = new(IngestionLimits.Default, () => Guid.NewGuid().ToString("N"));

    private const string Context = """
        "context":{"ip":"203.0.113.7","userAgent":"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36","locale":"en-GB","page":{"path":"/products/sku-1234","url":"https://shop.example.com/products/sku-1234","referrer":"https://www.google.com/"},"library":{"name":"analytics.js","version":"next-1.70.0"}}
        """;

    /// <summary>A Product Added track message, about 700 bytes.</summary>
    public static string ProductAdded(string userId, string messageId) => $$"""
        {"messageId":"{{messageId}}","userId":"{{userId}}","anonymousId":"anon-{{userId}}","timestamp":"2025-11-20T10:15:30.123Z","type":"track","event":"Product Added","properties":{"product_id":"p-1234","sku":"SKU-01234","category":"shoes","name":"Acme shoes 1234","brand":"Acme","price":42.99,"quantity":1,"url":"https://shop.example.com/products/sku-1234","currency":"EUR","cart_id":"cart-{{userId}}"},{{Context}}}
        """;

    public static string Page(string userId, string messageId) => $$"""
        {"messageId":"{{messageId}}","userId":"{{userId}}","anonymousId":"anon-{{userId}}","timestamp":"2025-11-20T10:15:30.123Z","type":"page","name":"Product","properties":{"title":"shoes | Example Shop","url":"https://shop.example.com/products/sku-1234","path":"/products/sku-1234","referrer":"https://www.google.com/","search":""},{{Context}}}
        """;

    public static string Order(string userId, string messageId) => $$"""
        {"messageId":"{{messageId}}","userId":"{{userId}}","anonymousId":"anon-{{userId}}","timestamp":"2025-11-20T10:15:30.123Z","type":"track","event":"Order Completed","properties":{"order_id":"ord-{{messageId}}","products":[{"product_id":"p-1","sku":"SKU-00001","category":"shoes","name":"Acme shoes 1","brand":"Acme","price":10.99,"quantity":2},{"product_id":"p-2","sku":"SKU-00002","category":"bags","name":"Contoso bags 2","brand":"Contoso","price":11.99,"quantity":1}],"revenue":22.98,"shipping":4.95,"tax":4.6,"currency":"EUR"},{{Context}}}
        """;

    public static string Identify(string userId, string messageId) => $$"""
        {"messageId":"{{messageId}}","userId":"{{userId}}","anonymousId":"anon-{{userId}}","timestamp":"2025-11-20T10:15:30.123Z","type":"identify","traits":{"email":"ada.lovelace.{{userId}}@example.com","firstName":"Ada","lastName":"Lovelace","city":"London","country":"GB","plan":"standard","visits":12,"newsletter":true},{{Context}}}
        """;

    /// <summary>The load generator's mix: 50% page, 35% product track, 5% order, 10% identify, over Zipf-skewed users.</summary>
    public static string Mixed(int i, Random random, int users)
    {
        var user = "u" + Math.Min(users - 1, (int)(users * Math.Pow(random.NextDouble(), 3))).ToString("D6", CultureInfo.InvariantCulture);
        var id = "m" + i.ToString(CultureInfo.InvariantCulture) + "-" + random.Next().ToString("x", CultureInfo.InvariantCulture);
        var roll = random.Next(100);
        return roll < 50 ? Page(user, id) : roll < 85 ? ProductAdded(user, id) : roll < 90 ? Order(user, id) : Identify(user, id);
    }

    /// <summary>Parses a message like the tracking endpoint does.</summary>
    public static TailorEvent ToEvent(string json)
    {
        using var document = JsonDocument.Parse(json);
        var result = Parser.Parse(document.RootElement, null, new MessageParser.Arrival("src_bench", DateTimeOffset.UtcNow));
        return result.Event ?? throw new InvalidOperationException(result.Error?.ToString());
    }

    public static byte[] Batch(IEnumerable<string> messages) =>
        Encoding.UTF8.GetBytes("{\"batch\":[" + string.Join(',', messages) + "],\"sentAt\":\"2025-11-20T10:15:31.000Z\"}");
}
