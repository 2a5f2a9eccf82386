using System.Globalization;
using System.Text.Json;

namespace Tailor.Core.Destinations;

/// <summary>
/// The small condition a forwarding destination may put on events: <c>property op value</c>, with op one of
/// <c>= != &gt; &gt;= &lt; &lt;=</c>, a number compared as a number and anything else as text (quotes optional).
/// Parsed once at save; an event whose property is missing does not match.
/// </summary>
public sealed record PropertyCondition(string Property, string Operator, string Value)
{
    private static readonly string[] Operators = [">=", "<=", "!=", "=", ">", "<"];

    /// <summary>The condition in <paramref name="text"/>, or the rule it breaks.</summary>
    public static (PropertyCondition? Condition, string? Error) Parse(string text)
    {
        if (text.Length > 200) return (null, "must be at most 200 characters");
        foreach (var op in Operators)
        {
            var at = text.IndexOf(op, StringComparison.Ordinal);
            if (at <= 0) continue;
            var property = text[..at].Trim();
            var value = text[(at + op.Length)..].Trim().Trim('"', '\'');
            if (property.Length == 0 || property.Any(char.IsWhiteSpace)) return (null, "must be 'property op value' with a property name without spaces");
            return (new PropertyCondition(property, op, value), null);
        }
        return (null, "must be 'property op value' with op one of = != > >= < <=");
    }

    /// <summary>True when <paramref name="properties"/> (an object) has the property and it satisfies the condition.</summary>
    public bool Matches(JsonElement properties)
    {
        if (properties.ValueKind != JsonValueKind.Object || !properties.TryGetProperty(Property, out var actual)) return false;
        int order;
        if (actual.ValueKind == JsonValueKind.Number && decimal.TryParse(Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var expected) && actual.TryGetDecimal(out var number))
            order = number.CompareTo(expected);
        else
        {
            var text = actual.ValueKind switch
            {
                JsonValueKind.String => actual.GetString()!,
                JsonValueKind.True => "true",
                JsonValueKind.False => "false",
                _ => actual.GetRawText(),
            };
            order = string.CompareOrdinal(text, Value);
        }
        return Operator switch
        {
            "=" => order == 0,
            "!=" => order != 0,
            ">" => order > 0,
            ">=" => order >= 0,
            "<" => order < 0,
            _ => order <= 0,
        };
    }
}
