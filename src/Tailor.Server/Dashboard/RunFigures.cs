using System.Globalization;
using System.Text.Json;

namespace Tailor.Server.Dashboard;

/// <summary>
/// A stored analytics result as rows of (path, value) for a person to read: every number, string and boolean with its
/// dotted path (<c>validation.gradientBoosting.meanAuc</c>), arrays of numbers joined, arrays of objects entered up to
/// <see cref="MaxItems"/> items. Bounded (depth, rows): a result is whatever a run stored.
/// </summary>
public static class RunFigures
{
    public const int MaxDepth = 5, MaxRows = 400, MaxItems = 25;

    public static IReadOnlyList<(string Path, string Value)> Of(JsonElement result)
    {
        var rows = new List<(string, string)>();
        Walk(result, "", 0, rows);
        return rows;
    }

    private static void Walk(JsonElement e, string path, int depth, List<(string, string)> rows)
    {
        if (rows.Count >= MaxRows) return;
        switch (e.ValueKind)
        {
            case JsonValueKind.Object when depth < MaxDepth:
                foreach (var p in e.EnumerateObject()) Walk(p.Value, path.Length == 0 ? p.Name : $"{path}.{p.Name}", depth + 1, rows);
                break;
            case JsonValueKind.Array when e.EnumerateArray().All(i => i.ValueKind is JsonValueKind.Number or JsonValueKind.String):
                var items = e.EnumerateArray().Take(MaxItems).Select(Scalar).ToList();
                rows.Add((path, string.Join(", ", items) + (e.GetArrayLength() > MaxItems ? $", … ({e.GetArrayLength()} in all)" : "")));
                break;
            case JsonValueKind.Array when depth < MaxDepth:
                var i = 0;
                foreach (var item in e.EnumerateArray().Take(MaxItems)) Walk(item, $"{path}[{i++}]", depth + 1, rows);
                if (e.GetArrayLength() > MaxItems) rows.Add((path, $"… {e.GetArrayLength()} items in all"));
                break;
            case JsonValueKind.Object or JsonValueKind.Array:
                rows.Add((path, "…"));
                break;
            case JsonValueKind.Null or JsonValueKind.Undefined:
                break;
            default:
                rows.Add((path, Scalar(e)));
                break;
        }
    }

    /// <summary>Numbers to 4 significant decimals (a dashboard, not a data export); the raw JSON has them all.</summary>
    private static string Scalar(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Number when e.TryGetInt64(out var n) => n.ToString("N0", CultureInfo.InvariantCulture),
        JsonValueKind.Number => e.GetDouble().ToString("0.####", CultureInfo.InvariantCulture),
        JsonValueKind.String => e.GetString() ?? "",
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => e.GetRawText(),
    };
}
