using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using CsvHelper;
using CsvHelper.Configuration;
using Tailor.Application.Import;

namespace Tailor.Cli.Import;

/// <summary>
/// Reads CSV events. The header names message fields (<c>type</c>, <c>event</c>, <c>userId</c>, <c>anonymousId</c>,
/// <c>messageId</c>, <c>timestamp</c>, <c>name</c>, ...); dotted names build objects (<c>properties.revenue</c>,
/// <c>traits.email</c>, <c>context.page.url</c>). Inside objects, values that read as numbers or true/false become
/// numbers and booleans; empty cells are left out. A missing <c>type</c> column means <c>track</c>.
/// </summary>
internal static class CsvRecords
{
    public static async IAsyncEnumerable<ImportRecord> ReadAsync(TextReader reader, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        using var csv = new CsvReader(reader, new CsvConfiguration(CultureInfo.InvariantCulture) { DetectColumnCountChanges = false, BadDataFound = null }, leaveOpen: true);
        if (!await csv.ReadAsync() || !csv.ReadHeader() || csv.HeaderRecord is not { Length: > 0 } header) yield break;
        var paths = Array.ConvertAll(header, h => h.Trim().Split('.'));
        foreach (var path in paths)
        {
            if (path.Any(string.IsNullOrEmpty))
            {
                yield return ImportRecord.Bad(0, string.Join('.', path), "every header must be a field name or a dotted path");
                yield break;
            }
        }
        var hasType = Array.Exists(paths, p => p is ["type"]);
        long number = 0;
        while (await csv.ReadAsync())
        {
            ct.ThrowIfCancellationRequested();
            number++;
            var cells = csv.Parser.Record ?? [];
            if (cells.Length != paths.Length)
            {
                yield return ImportRecord.Bad(number, "row", $"must have {paths.Length} cells like the header, has {cells.Length}");
                continue;
            }
            yield return ImportRecord.Ok(number, ToJson(paths, cells, hasType));
        }
    }

    internal static string ToJson(string[][] paths, string[] cells, bool hasType)
    {
        var root = new SortedDictionary<string, object>(StringComparer.Ordinal);
        if (!hasType) root["type"] = "track";
        for (var i = 0; i < paths.Length; i++)
        {
            if (cells[i].Length == 0) continue;
            var node = root;
            var path = paths[i];
            for (var level = 0; level < path.Length - 1; level++)
            {
                if (!node.TryGetValue(path[level], out var child) || child is not SortedDictionary<string, object> dictionary)
                    node[path[level]] = dictionary = new SortedDictionary<string, object>(StringComparer.Ordinal);
                node = dictionary;
            }
            // Top-level fields (ids, timestamps) stay strings; values inside objects get their natural JSON type.
            node[path[^1]] = path.Length == 1 ? cells[i] : Typed(cells[i]);
        }
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer)) Write(writer, root);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static object Typed(string cell)
    {
        if (cell == "true") return true;
        if (cell == "false") return false;
        // Codes with leading zeros (zip codes, SKUs such as 007) stay strings.
        var leadingZero = cell.Length > 1 && cell[0] == '0' && cell[1] != '.';
        return !leadingZero && decimal.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) ? number : cell;
    }

    private static void Write(Utf8JsonWriter writer, object value)
    {
        switch (value)
        {
            case SortedDictionary<string, object> obj:
                writer.WriteStartObject();
                foreach (var (name, child) in obj)
                {
                    writer.WritePropertyName(name);
                    Write(writer, child);
                }
                writer.WriteEndObject();
                break;
            case bool b: writer.WriteBooleanValue(b); break;
            case decimal d: writer.WriteNumberValue(d); break;
            default: writer.WriteStringValue((string)value); break;
        }
    }
}
