using System.Globalization;

namespace Tailor.Analytics.Recommendations;

/// <summary>
/// The UCI Online Retail file (<c>InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country</c>)
/// as purchases: each invoice line with a customer id, a positive quantity and an invoice number not starting with
/// <c>C</c> (a cancellation) is one interaction (customer, stock code, invoice date as UTC, weight 1); as baskets:
/// the distinct stock codes of each such invoice, guests included.
/// </summary>
public static class OnlineRetail
{
    public static List<Interaction> ReadPurchases(TextReader reader, int maxRows = InteractionFile.DefaultMaxRows, bool headerRead = false)
    {
        var rows = new List<Interaction>();
        foreach (var line in Lines(reader, maxRows, headerRead))
            if (line.Customer.Length > 0) rows.Add(new Interaction(line.Customer, line.StockCode, line.Time, 1.0));
        return rows;
    }

    public static List<string[]> ReadBaskets(TextReader reader, int maxRows = InteractionFile.DefaultMaxRows, bool headerRead = false)
    {
        var baskets = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var line in Lines(reader, maxRows, headerRead))
        {
            if (!baskets.TryGetValue(line.Invoice, out var set)) baskets[line.Invoice] = set = new HashSet<string>(StringComparer.Ordinal);
            set.Add(line.StockCode);
        }
        return [.. baskets.Values.Select(s => s.ToArray())];
    }

    private static IEnumerable<(string Invoice, string StockCode, string Customer, DateTimeOffset Time)> Lines(TextReader reader, int maxRows, bool headerRead)
    {
        if (!headerRead) reader.ReadLine();
        var count = 0;
        for (var line = reader.ReadLine(); line is not null; line = reader.ReadLine())
        {
            if (++count > maxRows) throw new FormatException($"more than {maxRows} rows; at most {maxRows} are read");
            var f = CsvFields.Split(line);
            if (f.Count < 8 || f[0].StartsWith('C') || f[1].Length == 0) continue;
            if (!int.TryParse(f[3], NumberStyles.Integer, CultureInfo.InvariantCulture, out var quantity) || quantity <= 0) continue;
            if (!DateTimeOffset.TryParse(f[4], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)) continue;
            yield return (f[0], f[1], f[6], time);
        }
    }
}
