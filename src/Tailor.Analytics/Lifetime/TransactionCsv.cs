using System.Globalization;

namespace Tailor.Analytics.Lifetime;

/// <summary>
/// Reads a user's transactions file: a header <c>customer_id,date,amount</c> (in that order; more columns after them
/// are ignored), then one purchase per line. Dates are <c>yyyy-MM-dd</c>, <c>yyyyMMdd</c> or an ISO 8601 date-time
/// (its UTC day is used); amounts use a dot for decimals. No quoting: ids must not contain commas. A bad line is an
/// error naming the line; at most <see cref="MaxRows"/> rows.
/// </summary>
public static class TransactionCsv
{
    /// <summary>The most rows read from one file.</summary>
    public const int MaxRows = 10_000_000;

    /// <summary>Reads every transaction, or throws <see cref="FormatException"/> naming the first bad line.</summary>
    public static IReadOnlyList<Transaction> Read(TextReader reader, int maxRows = MaxRows)
    {
        var header = reader.ReadLine() ?? throw new FormatException("The file is empty; expected the header customer_id,date,amount.");
        var columns = header.Split(',', StringSplitOptions.TrimEntries);
        if (columns.Length < 3 || !columns[0].Equals("customer_id", StringComparison.OrdinalIgnoreCase)
            || !columns[1].Equals("date", StringComparison.OrdinalIgnoreCase) || !columns[2].Equals("amount", StringComparison.OrdinalIgnoreCase))
        {
            throw new FormatException($"Line 1: expected the header customer_id,date,amount, got '{header}'.");
        }
        var rows = new List<Transaction>();
        var lineNumber = 1;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (line.Length == 0)
            {
                continue;
            }
            if (rows.Count >= maxRows)
            {
                throw new FormatException($"Line {lineNumber}: the file has more than {maxRows:N0} rows.");
            }
            var fields = line.Split(',', StringSplitOptions.TrimEntries);
            if (fields.Length < 3 || fields[0].Length == 0)
            {
                throw new FormatException($"Line {lineNumber}: expected customer_id,date,amount.");
            }
            if (!TryParseDate(fields[1], out var date))
            {
                throw new FormatException($"Line {lineNumber}: date '{fields[1]}' is not yyyy-MM-dd, yyyyMMdd or an ISO 8601 date-time.");
            }
            if (!double.TryParse(fields[2], NumberStyles.Float, CultureInfo.InvariantCulture, out var amount) || !double.IsFinite(amount))
            {
                throw new FormatException($"Line {lineNumber}: amount '{fields[2]}' is not a number.");
            }
            rows.Add(new Transaction(fields[0], date, amount));
        }
        return rows;
    }

    private static readonly string[] DateTimeForms =
        ["yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF"];

    private static bool TryParseDate(string text, out DateOnly date)
    {
        if (DateOnly.TryParseExact(text, ["yyyy-MM-dd", "yyyyMMdd"], CultureInfo.InvariantCulture, DateTimeStyles.None, out date))
        {
            return true;
        }
        if (DateTimeOffset.TryParseExact(text, DateTimeForms, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var moment))
        {
            date = DateOnly.FromDateTime(moment.UtcDateTime);
            return true;
        }
        return false;
    }
}
