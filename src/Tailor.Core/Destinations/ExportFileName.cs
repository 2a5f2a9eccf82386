using System.Globalization;

namespace Tailor.Core.Destinations;

/// <summary>
/// The name of one exported file: the table and the range of positions its rows come from,
/// <c>{table}-{first:D19}-{last:D19}.parquet</c> (zero-padded, so names sort in log order). The range is what makes
/// the export exactly once: a file whose first position is past the committed position belongs to a step that never
/// committed, and is removed before that step is done again.
/// </summary>
public readonly record struct ExportFileName(string Table, long First, long Last)
{
    public const string Extension = ".parquet";

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Table}-{First:D19}-{Last:D19}{Extension}");

    /// <summary>Reads a name written by <see cref="ToString"/>; false for any other file.</summary>
    public static bool TryParse(string fileName, out ExportFileName name)
    {
        name = default;
        if (!fileName.EndsWith(Extension, StringComparison.Ordinal)) return false;
        var parts = fileName[..^Extension.Length].Split('-');
        if (parts.Length != 3 || parts[1].Length != 19 || parts[2].Length != 19) return false;
        if (!long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var first) ||
            !long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var last)) return false;
        name = new ExportFileName(parts[0], first, last);
        return true;
    }
}
