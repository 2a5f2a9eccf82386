using System.Globalization;
using System.Text.Json;

namespace Tailor.Core.Sources;

/// <summary>
/// A small JSON path: <c>$</c> (the payload) or <c>@</c> (the current item of <c>forEach</c>), then members
/// (<c>.name</c> or <c>['any name']</c>) and array indexes (<c>[0]</c>). No wildcards, filters or recursion: a path
/// names one value, and reading it costs at most <see cref="MaxSegments"/> steps.
/// </summary>
public sealed class JsonPath
{
    public const int MaxLength = 512;
    public const int MaxSegments = 32;

    private readonly object[] _segments; // string member or int index

    private JsonPath(string text, bool fromItem, object[] segments)
    {
        Text = text;
        FromItem = fromItem;
        _segments = segments;
    }

    public string Text { get; }

    /// <summary>True for <c>@…</c>: read from the current <c>forEach</c> item.</summary>
    public bool FromItem { get; }

    /// <summary>True when <paramref name="text"/> is meant as a path (starts with <c>$</c> or <c>@</c>).</summary>
    public static bool LooksLikePath(string text) => text.Length > 0 && (text[0] == '$' || text[0] == '@');

    /// <summary>Parses a path; on failure, the rule it breaks.</summary>
    public static bool TryParse(string text, out JsonPath path, out string rule)
    {
        path = null!;
        rule = "";
        if (text.Length > MaxLength) { rule = $"must be a path of at most {MaxLength} characters"; return false; }
        if (!LooksLikePath(text)) { rule = "must start with $ (the payload) or @ (the forEach item)"; return false; }
        var segments = new List<object>();
        var i = 1;
        while (i < text.Length)
        {
            if (segments.Count == MaxSegments) { rule = $"must have at most {MaxSegments} steps"; return false; }
            if (text[i] == '.')
            {
                var start = ++i;
                while (i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] is '_' or '-')) i++;
                if (i == start) { rule = $"must name a member after '.' at character {start + 1} (use ['name'] for other characters)"; return false; }
                segments.Add(text[start..i]);
            }
            else if (text[i] == '[')
            {
                var close = text.IndexOf(']', i);
                if (close < 0) { rule = $"must close the '[' at character {i + 1}"; return false; }
                var inside = text[(i + 1)..close];
                if (inside.Length >= 2 && (inside[0] is '\'' or '"') && inside[^1] == inside[0])
                {
                    segments.Add(inside[1..^1]);
                }
                else if (int.TryParse(inside, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
                {
                    segments.Add(index);
                }
                else
                {
                    rule = $"must have a quoted name or an index inside [] at character {i + 1}";
                    return false;
                }
                i = close + 1;
            }
            else
            {
                rule = $"must continue with '.' or '[' at character {i + 1}";
                return false;
            }
        }
        path = new JsonPath(text, text[0] == '@', [.. segments]);
        return true;
    }

    /// <summary>The value at this path, or null when a step finds nothing (a missing member, an index past the end, a JSON null).</summary>
    public JsonElement? Read(JsonElement root, JsonElement? item)
    {
        var current = FromItem ? item ?? default : root;
        if (current.ValueKind == JsonValueKind.Undefined) return null;
        foreach (var segment in _segments)
        {
            if (segment is string name)
            {
                if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(name, out current)) return null;
            }
            else
            {
                var index = (int)segment;
                if (current.ValueKind != JsonValueKind.Array || index >= current.GetArrayLength()) return null;
                current = current[index];
            }
        }
        return current.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined ? null : current;
    }

    public override string ToString() => Text;
}
