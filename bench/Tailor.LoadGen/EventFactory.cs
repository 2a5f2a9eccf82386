using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace Tailor.LoadGen;

/// <summary>
/// Builds realistic Segment batches: 50% page, 35% track Product Viewed / Product Added, 5% Order Completed with
/// products, 10% identify with traits; users drawn with Zipf skew; each message carries an analytics.js-like context.
/// One factory per sending loop (it owns its <see cref="Random"/> and buffer).
/// </summary>
internal sealed class EventFactory(Zipf users, Random random) : IDisposable
{
    private static readonly string[] Categories = ["shoes", "dresses", "shirts", "jackets", "bags", "accessories", "knitwear", "jeans"];
    private static readonly string[] Brands = ["Acme", "Northwind", "Contoso", "Fabrikam", "Tailspin", "Woodgrove"];
    private static readonly string[] Cities = [.. "London,Paris,Berlin,Madrid,Lisbon,Dublin,Amsterdam,Vienna,Prague,Oslo".Split(',')];
    private static readonly string[] Countries = ["GB", "FR", "DE", "ES", "PT", "IE", "NL", "AT", "CZ", "NO"];
    private static readonly string[] FirstNames = [.. "Ada,Grace,Alan,Edsger,Barbara,Donald,Frances,Ken,Margaret,Dennis".Split(',')];
    private static readonly string[] LastNames = [.. "Lovelace,Hopper,Turing,Dijkstra,Liskov,Knuth,Allen,Thompson,Hamilton,Ritchie".Split(',')];
    private static readonly string[] Referrers = ["https://www.google.com/", "https://www.bing.com/", "https://t.co/x", "", "https://shop.example.com/"];
    private const string UserAgent = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

    private readonly ArrayBufferWriter<byte> _buffer = new(128 * 1024);
    private readonly Utf8JsonWriter _writer = new(Stream.Null);

    /// <summary>The user id for a Zipf rank (rank 0 is the most active user).</summary>
    public static string UserId(int rank) => "u" + rank.ToString("D6", CultureInfo.InvariantCulture);

    /// <summary>Writes a batch of <paramref name="count"/> messages; returns the body and the ranks of the users it names.</summary>
    public ReadOnlyMemory<byte> Batch(int count, DateTimeOffset now, Span<int> ranks)
    {
        _buffer.ResetWrittenCount();
        _writer.Reset(_buffer);
        var w = _writer;
        var stamp = now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        w.WriteStartObject();
        w.WriteStartArray("batch");
        for (var i = 0; i < count; i++)
        {
            var rank = users.Next(random);
            ranks[i] = rank;
            WriteMessage(w, rank, stamp);
        }
        w.WriteEndArray();
        w.WriteString("sentAt", stamp);
        w.WriteEndObject();
        w.Flush();
        return _buffer.WrittenMemory;
    }

    private void WriteMessage(Utf8JsonWriter w, int rank, string stamp)
    {
        var roll = random.Next(100);
        var sku = random.Next(5000);
        var category = Categories[sku % Categories.Length];
        var path = roll < 50 && sku % 3 == 0 ? "/collections/" + category : "/products/sku-" + sku.ToString(CultureInfo.InvariantCulture);
        var url = "https://shop.example.com" + path;
        var referrer = Referrers[random.Next(Referrers.Length)];
        w.WriteStartObject();
        w.WriteString("messageId", Guid.NewGuid().ToString("N"));
        w.WriteString("userId", UserId(rank));
        w.WriteString("anonymousId", "anon-" + rank.ToString("x8", CultureInfo.InvariantCulture));
        w.WriteString("timestamp", stamp);
        if (roll < 50)
        {
            w.WriteString("type", "page");
            w.WriteString("name", path.StartsWith("/products", StringComparison.Ordinal) ? "Product" : "Collection");
            w.WriteStartObject("properties");
            w.WriteString("title", category + " | Example Shop");
            w.WriteString("url", url);
            w.WriteString("path", path);
            w.WriteString("referrer", referrer);
            w.WriteString("search", "");
            w.WriteEndObject();
        }
        else if (roll < 85)
        {
            w.WriteString("type", "track");
            w.WriteString("event", roll < 70 ? "Product Viewed" : "Product Added");
            w.WriteStartObject("properties");
            WriteProduct(w, sku, category);
            w.WriteString("url", url);
            w.WriteString("currency", "EUR");
            if (roll >= 70) w.WriteString("cart_id", "cart-" + rank.ToString(CultureInfo.InvariantCulture));
            w.WriteEndObject();
        }
        else if (roll < 90)
        {
            w.WriteString("type", "track");
            w.WriteString("event", "Order Completed");
            w.WriteStartObject("properties");
            w.WriteString("order_id", "ord-" + Guid.NewGuid().ToString("N")[..12]);
            var items = 1 + random.Next(3);
            decimal total = 0;
            w.WriteStartArray("products");
            for (var i = 0; i < items; i++)
            {
                var itemSku = random.Next(5000);
                w.WriteStartObject();
                WriteProduct(w, itemSku, Categories[itemSku % Categories.Length]);
                w.WriteEndObject();
                total += Price(itemSku);
            }
            w.WriteEndArray();
            w.WriteNumber("revenue", total);
            w.WriteNumber("shipping", 4.95m);
            w.WriteNumber("tax", Math.Round(total * 0.2m, 2));
            w.WriteString("currency", "EUR");
            w.WriteEndObject();
        }
        else
        {
            w.WriteString("type", "identify");
            w.WriteStartObject("traits");
            var first = FirstNames[rank % FirstNames.Length];
            var last = LastNames[rank / FirstNames.Length % LastNames.Length];
            w.WriteString("email", $"{first}.{last}.{rank}@example.com".ToLowerInvariant());
            w.WriteString("firstName", first);
            w.WriteString("lastName", last);
            w.WriteString("city", Cities[rank % Cities.Length]);
            w.WriteString("country", Countries[rank % Countries.Length]);
            w.WriteString("plan", random.Next(4) == 0 ? "vip" : "standard");
            w.WriteNumber("visits", random.Next(1, 200));
            w.WriteBoolean("newsletter", random.Next(2) == 0);
            w.WriteEndObject();
        }
        w.WriteStartObject("context");
        w.WriteString("ip", "203.0.113." + (rank % 250).ToString(CultureInfo.InvariantCulture));
        w.WriteString("userAgent", UserAgent);
        w.WriteString("locale", "en-GB");
        w.WriteStartObject("page");
        w.WriteString("path", path);
        w.WriteString("url", url);
        w.WriteString("referrer", referrer);
        w.WriteEndObject();
        w.WriteStartObject("library");
        w.WriteString("name", "analytics.js");
        w.WriteString("version", "next-1.70.0");
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndObject();
    }

    public void Dispose() => _writer.Dispose();

    private static decimal Price(int sku) => 9.99m + sku % 120;

    private static void WriteProduct(Utf8JsonWriter w, int sku, string category)
    {
        w.WriteString("product_id", "p-" + sku.ToString(CultureInfo.InvariantCulture));
        w.WriteString("sku", "SKU-" + sku.ToString("D5", CultureInfo.InvariantCulture));
        w.WriteString("category", category);
        w.WriteString("name", Brands[sku % Brands.Length] + " " + category + " " + sku.ToString(CultureInfo.InvariantCulture));
        w.WriteString("brand", Brands[sku % Brands.Length]);
        w.WriteNumber("price", Price(sku));
        w.WriteNumber("quantity", 1 + sku % 2);
    }
}
