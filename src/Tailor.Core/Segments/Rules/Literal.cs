using System.Globalization;
using System.Text.Json;

namespace Tailor.Core.Segments.Rules;

/// <summary>A constant in a rule: a string, a number or a boolean.</summary>
public readonly record struct Literal
{
    private Literal(LiteralKind kind, string? text, decimal number, bool boolean) => (Kind, Text, Number, Boolean) = (kind, text, number, boolean);

    public LiteralKind Kind { get; }
    public string? Text { get; }
    public decimal Number { get; }
    public bool Boolean { get; }

    public static Literal Of(string text) => new(LiteralKind.String, text, 0, false);

    public static Literal Of(decimal number) => new(LiteralKind.Number, null, number, false);

    public static Literal Of(bool boolean) => new(LiteralKind.Boolean, null, 0, boolean);

    /// <summary>True when a JSON value equals this literal (numbers numerically, strings exactly).</summary>
    public bool Matches(JsonElement value) => Kind switch
    {
        LiteralKind.String => value.ValueKind == JsonValueKind.String && value.GetString() == Text,
        LiteralKind.Number => value.ValueKind == JsonValueKind.Number && value.TryGetDecimal(out var n) && n == Number,
        LiteralKind.Boolean => value.ValueKind is JsonValueKind.True or JsonValueKind.False && value.GetBoolean() == Boolean,
        _ => false,
    };

    public override string ToString() => Kind switch
    {
        LiteralKind.String => Tailor.Core.Segments.Text.RulePrinter.Quote(Text!),
        LiteralKind.Number => Number.ToString(CultureInfo.InvariantCulture),
        _ => Boolean ? "true" : "false",
    };
}

public enum LiteralKind
{
    String,
    Number,
    Boolean,
}
