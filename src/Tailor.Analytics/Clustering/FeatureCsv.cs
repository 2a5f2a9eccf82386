using System.Globalization;
using System.Text;

namespace Tailor.Analytics.Clustering;

/// <summary>
/// Reads a user's own feature file: a header <c>id,feature1,feature2,…</c> then one row per subject, comma-separated,
/// numbers in invariant culture (<c>1234.5</c>), fields optionally double-quoted (RFC 4180). Every value must be
/// present and finite; a bad cell is refused with its line and column.
/// </summary>
public static class FeatureCsv
{
    /// <summary>Reads the whole file, refusing more than <paramref name="maxRows"/> data rows or more than <see cref="ClusteringLimits.MaxFeatures"/> features.</summary>
    public static FeatureMatrix Read(TextReader reader, int maxRows = ClusteringLimits.MaxRows, CancellationToken cancellationToken = default)
    {
        var header = reader.ReadLine() ?? throw new FormatException("the file is empty; expected a header line 'id,feature…'");
        var columns = Split(header, 1);
        if (columns.Count < 2)
        {
            throw new FormatException("line 1: the header needs an id column and at least one feature column");
        }
        if (columns.Count - 1 > ClusteringLimits.MaxFeatures)
        {
            throw new FormatException($"line 1: {columns.Count - 1} features; at most {ClusteringLimits.MaxFeatures} are allowed");
        }
        var features = columns.Skip(1).Select(c => c.Trim()).ToArray();
        var ids = new List<string>();
        var values = new List<double>();
        int lineNumber = 1;
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            lineNumber++;
            if (line.Length == 0)
            {
                continue;
            }
            if (ids.Count == maxRows)
            {
                throw new FormatException($"line {lineNumber}: more than {maxRows} rows");
            }
            if ((lineNumber & 0xFFFF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }
            var cells = Split(line, lineNumber);
            if (cells.Count != columns.Count)
            {
                throw new FormatException($"line {lineNumber}: {cells.Count} fields; the header has {columns.Count}");
            }
            ids.Add(cells[0]);
            for (int c = 1; c < cells.Count; c++)
            {
                if (!double.TryParse(cells[c], NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
                {
                    throw new FormatException($"line {lineNumber}, column '{features[c - 1]}': '{Shorten(cells[c])}' is not a finite number");
                }
                values.Add(value);
            }
        }
        if (ids.Count == 0)
        {
            throw new FormatException("the file has a header but no rows");
        }
        return new FeatureMatrix(ids, features, [.. values]);
    }

    private static List<string> Split(string line, int lineNumber)
    {
        var cells = new List<string>();
        var cell = new StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char ch = line[i];
            if (quoted)
            {
                if (ch == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    cell.Append('"');
                    i++;
                }
                else if (ch == '"')
                {
                    quoted = false;
                }
                else
                {
                    cell.Append(ch);
                }
            }
            else if (ch == '"' && cell.Length == 0)
            {
                quoted = true;
            }
            else if (ch == ',')
            {
                cells.Add(cell.ToString());
                cell.Clear();
            }
            else
            {
                cell.Append(ch);
            }
        }
        if (quoted)
        {
            throw new FormatException($"line {lineNumber}: a quoted field is not closed");
        }
        cells.Add(cell.ToString());
        return cells;
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
