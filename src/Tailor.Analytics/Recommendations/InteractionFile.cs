using System.Globalization;

namespace Tailor.Analytics.Recommendations;

/// <summary>
/// Reads interactions a user brings: CSV <c>user,item,timestamp[,weight]</c> (header optional; timestamp ISO 8601,
/// <c>yyyy-MM-dd HH:mm:ss</c> taken as UTC, or Unix seconds; weight default 1), or the UCI Online Retail file as is
/// (recognised by its header <c>InvoiceNo,StockCode,…</c>; see <see cref="OnlineRetail"/>). The first line is a header
/// when its third field is not a time.
/// Bounded: more than <paramref name="maxRows"/> data rows is refused.
/// </summary>
public static class InteractionFile
{
    public const int DefaultMaxRows = 5_000_000;

    /// <exception cref="FormatException">A row that cannot be read, named by its line number.</exception>
    public static List<Interaction> Read(TextReader reader, int maxRows = DefaultMaxRows)
    {
        var first = reader.ReadLine();
        if (first is null) return [];
        if (first.StartsWith("InvoiceNo,StockCode", StringComparison.OrdinalIgnoreCase)) return OnlineRetail.ReadPurchases(reader, maxRows, headerRead: true);
        var rows = new List<Interaction>();
        var line = first;
        var number = 1;
        // A header is a first line whose third field is not a time; any other first line is data.
        var firstFields = CsvFields.Split(first);
        if (firstFields.Count >= 3 && !TryTime(firstFields[2], out _)) line = reader.ReadLine();
        else number = 0;
        for (; line is not null; line = reader.ReadLine())
        {
            number++;
            if (line.Length == 0) continue;
            if (rows.Count >= maxRows) throw new FormatException($"more than {maxRows} rows; the evaluation reads at most {maxRows}");
            if (!TryParse(CsvFields.Split(line), out var interaction))
                throw new FormatException($"line {number}: expected user,item,timestamp[,weight] with a timestamp (ISO 8601, yyyy-MM-dd HH:mm:ss or Unix seconds) and a positive weight");
            rows.Add(interaction);
        }
        return rows;
    }

    private static bool TryParse(List<string> fields, out Interaction interaction)
    {
        interaction = default;
        if (fields.Count is < 3 or > 4 || fields[0].Length == 0 || fields[1].Length == 0) return false;
        if (!TryTime(fields[2], out var time)) return false;
        var weight = 1.0;
        if (fields.Count == 4 && fields[3].Length > 0 && (!double.TryParse(fields[3], NumberStyles.Float, CultureInfo.InvariantCulture, out weight) || !(weight > 0) || double.IsInfinity(weight))) return false;
        interaction = new Interaction(fields[0], fields[1], time, weight);
        return true;
    }

    internal static bool TryTime(string text, out DateTimeOffset time)
    {
        if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds) && seconds is >= 0 and < 253402300800)
        {
            time = DateTimeOffset.FromUnixTimeSeconds(seconds);
            return true;
        }
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out time);
    }
}
