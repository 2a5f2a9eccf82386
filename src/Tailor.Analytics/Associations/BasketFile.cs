using Tailor.Analytics.Recommendations;

namespace Tailor.Analytics.Associations;

/// <summary>
/// Reads baskets a user brings: CSV <c>basket,item</c> with a header row (one row per item; a basket's rows need not be
/// adjacent; an item repeated in a basket counts once), or the UCI Online Retail file as is (one basket per invoice).
/// </summary>
public static class BasketFile
{
    public static List<string[]> Read(TextReader reader, int maxRows = InteractionFile.DefaultMaxRows)
    {
        var header = reader.ReadLine();
        if (header is null) return [];
        if (header.StartsWith("InvoiceNo,StockCode", StringComparison.OrdinalIgnoreCase)) return OnlineRetail.ReadBaskets(reader, maxRows, headerRead: true);
        var baskets = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        var number = 1;
        for (var line = reader.ReadLine(); line is not null; line = reader.ReadLine())
        {
            number++;
            if (line.Length == 0) continue;
            if (number > maxRows + 1) throw new FormatException($"more than {maxRows} rows; at most {maxRows} are read");
            var f = CsvFields.Split(line);
            if (f.Count != 2 || f[0].Length == 0 || f[1].Length == 0) throw new FormatException($"line {number}: expected basket,item");
            if (!baskets.TryGetValue(f[0], out var set)) baskets[f[0]] = set = new HashSet<string>(StringComparer.Ordinal);
            set.Add(f[1]);
        }
        return [.. baskets.Values.Select(s => s.ToArray())];
    }
}
