using System.Text;
using System.Text.Json;

namespace Tailor.Core.Content;

/// <summary>
/// A JSON list that prints as people read it: its items (an object its <c>name</c>, else its JSON) joined by ", ".
/// Loops, indexes and filters see the items as any list. Trigger emails give the starting event in this form, so
/// <c>{{ event.properties.products }}</c> keeps reading "Red Shoes, Blue Socks" as it always has.
/// </summary>
public sealed class ReadableList : List<object?>
{
    private ReadableList(int capacity, string text) : base(capacity) => Text = text;

    /// <summary>What <c>{{ list }}</c> prints.</summary>
    public string Text { get; }

    /// <summary>A JSON value as the plain values templates read (<see cref="ScopeModel.Json"/>), every list a <see cref="ReadableList"/>.</summary>
    public static object? From(JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Array:
            {
                var list = new ReadableList(value.GetArrayLength(), Join(value));
                foreach (var item in value.EnumerateArray()) list.Add(From(item));
                return list;
            }
            case JsonValueKind.Object:
            {
                var map = new Dictionary<string, object?>(StringComparer.Ordinal);
                foreach (var property in value.EnumerateObject()) map[property.Name] = From(property.Value);
                return map;
            }
            default:
                return ScopeModel.Json(value);
        }
    }

    private static string Join(JsonElement array)
    {
        var text = new StringBuilder();
        foreach (var item in array.EnumerateArray())
        {
            if (text.Length > 0) text.Append(", ");
            text.Append(item.ValueKind == JsonValueKind.Object && item.TryGetProperty("name", out var name) ? Print(name) : Print(item));
        }
        return text.ToString();
    }

    private static string Print(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False or JsonValueKind.Object => value.GetRawText(),
        JsonValueKind.Array => Join(value),
        _ => "",
    };
}
