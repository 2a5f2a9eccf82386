using System.Globalization;
using System.Text.Json;
using CsvHelper;
using Tailor.Application.Import;

namespace Tailor.Cli.Demo;

/// <summary>
/// Turns UCI Online Retail invoice lines into Segment messages: an identify per customer, a Product Added per line,
/// an Order Completed (or Order Refunded, for a cancellation) per invoice. Dates are shifted so the last invoice lands
/// one day before <c>now</c>, so that recency means something in the demo.
/// </summary>
internal static class OnlineRetailEvents
{
    public static string DemoFile => Path.Combine(AppContext.BaseDirectory, "Demo", "online-retail-demo.csv");

    private sealed record Line(string Invoice, string StockCode, string Description, decimal Quantity, DateTime Date, decimal Price, string? Customer, string Country);

    public static async IAsyncEnumerable<ImportRecord> ReadAsync(string path, DateTimeOffset now)
    {
        var lines = new List<Line>();
        using (var reader = new StreamReader(path))
        using (var csv = new CsvReader(reader, CultureInfo.InvariantCulture))
        {
            await csv.ReadAsync();
            csv.ReadHeader();
            while (await csv.ReadAsync())
            {
                lines.Add(new Line(csv.GetField(0)!, csv.GetField(1)!, csv.GetField(2) ?? "",
                    decimal.Parse(csv.GetField(3)!, CultureInfo.InvariantCulture),
                    DateTime.ParseExact(csv.GetField(4)!, "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
                    decimal.Parse(csv.GetField(5)!, CultureInfo.InvariantCulture),
                    string.IsNullOrEmpty(csv.GetField(6)) ? null : csv.GetField(6), csv.GetField(7) ?? ""));
            }
        }
        if (lines.Count == 0) yield break;

        var last = lines.Max(l => l.Date);
        var shift = now.UtcDateTime.AddDays(-1) - last;
        var known = new HashSet<string>(StringComparer.Ordinal);
        long number = 0;
        foreach (var invoice in lines.GroupBy(l => l.Invoice))
        {
            var first = invoice.First();
            var at = new DateTimeOffset(first.Date + shift, TimeSpan.Zero);
            var ids = first.Customer is { } customer
                ? new Dictionary<string, object?> { ["userId"] = $"cust-{customer}" }
                : new Dictionary<string, object?> { ["anonymousId"] = $"guest-{first.Invoice}" };

            if (first.Customer is { } c && known.Add(c))
            {
                yield return Message(++number, "identify", null, ids, at.AddMinutes(-5), $"demo-identify-{c}", traits: new
                {
                    email = $"customer{c}@example.com",
                    country = first.Country,
                    consent = new { email = int.Parse(c, CultureInfo.InvariantCulture) % 7 != 0, personalization = true },
                });
            }

            var cancelled = first.Invoice.StartsWith('C');
            var products = invoice.Select(l => new { product_id = l.StockCode, name = l.Description, price = l.Price, quantity = l.Quantity }).ToList();
            if (!cancelled)
            {
                var n = 0;
                foreach (var product in products)
                    yield return Message(++number, "track", "Product Added", ids, at.AddMinutes(-1), $"demo-{first.Invoice}-{n++}", properties: product);
            }
            var revenue = Math.Abs(invoice.Sum(l => l.Quantity * l.Price));
            yield return Message(++number, "track", cancelled ? "Order Refunded" : "Order Completed", ids, at, $"demo-{first.Invoice}",
                properties: new { order_id = first.Invoice, revenue, currency = "GBP", products });
        }
    }

    private static ImportRecord Message(long number, string type, string? name, Dictionary<string, object?> ids, DateTimeOffset at, string messageId,
        object? properties = null, object? traits = null)
    {
        var message = new Dictionary<string, object?>(ids)
        {
            ["type"] = type,
            ["messageId"] = messageId,
            ["timestamp"] = at,
        };
        if (name is not null) message["event"] = name;
        if (properties is not null) message["properties"] = properties;
        if (traits is not null) message["traits"] = traits;
        return ImportRecord.Ok(number, JsonSerializer.Serialize(message));
    }
}
