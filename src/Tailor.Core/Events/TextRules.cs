using System.Text;
using System.Text.Json;

namespace Tailor.Core.Events;

/// <summary>
/// Checks every string and key of a message, as the UTF-8 bytes it arrived in, before anything reads it as text:
/// valid UTF-8, no lone UTF-16 surrogate (also not as a <c>\ud800</c> escape, which System.Text.Json would decode into
/// a string that later stages cannot store or encode), and no control characters where they make no sense.
/// <list type="bullet">
/// <item>Identifiers and names (<c>type</c>, <c>userId</c>, <c>anonymousId</c>, <c>previousId</c>, <c>groupId</c>,
/// <c>messageId</c>, <c>event</c>, <c>name</c>) and every object key, at any depth: no control character at all
/// (U+0000–U+001F, U+007F–U+009F).</item>
/// <item>Any other string value (free text): tab, line feed and carriage return are allowed; the other C0 controls
/// (U+0000–U+001F, including NUL, which PostgreSQL cannot store) are not. DEL and C1 controls are kept as given.</item>
/// </list>
/// One pass over the bytes with a <see cref="Utf8JsonReader"/>; nothing is allocated unless a rule is broken.
/// </summary>
public static class TextRules
{
    public const string InvalidUtf8 = "must be valid UTF-8";
    public const string LoneSurrogate = "must not contain a lone UTF-16 surrogate (an unpaired \\uD800-\\uDFFF escape)";
    public const string ControlInName = "must not contain control characters";
    public const string ControlInKey = "keys must not contain control characters";
    public const string ControlInText = "must not contain control characters other than tab, line feed and carriage return";

    /// <summary>Deepest nesting followed; deeper input was already refused by the JSON parser (its limit is 64).</summary>
    private const int MaxDepth = 128;

    /// <summary>The first broken rule in <paramref name="message"/> (the UTF-8 of one JSON object), or null.</summary>
    public static ValidationError? Check(ReadOnlySpan<byte> message, int? index = null)
    {
        if (BreaksNoRule(message)) return null;
        var reader = new Utf8JsonReader(message, new JsonReaderOptions { MaxDepth = MaxDepth });
        // Per depth: where the current key starts in the message and its length, or the current array index (-1 before the first item).
        Span<int> keyStart = stackalloc int[MaxDepth + 1];
        Span<int> keyLength = stackalloc int[MaxDepth + 1];
        Span<int> item = stackalloc int[MaxDepth + 1];
        var depth = 0;
        var strictValue = false;
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.PropertyName:
                    keyStart[depth] = (int)reader.TokenStartIndex + 1;
                    keyLength[depth] = reader.ValueSpan.Length;
                    if (Scan(reader.ValueSpan, reader.ValueIsEscaped, strict: true) is { } keyFault)
                        return Error(message, depth, keyStart, keyLength, item, keyFault == ControlInName ? ControlInKey : keyFault, index);
                    strictValue = depth == 1 && IsNameField(ref reader);
                    break;
                case JsonTokenType.StartObject or JsonTokenType.StartArray:
                    NextItem(depth, item);
                    if (depth == MaxDepth) return null;
                    depth++;
                    item[depth] = reader.TokenType == JsonTokenType.StartArray ? -1 : int.MinValue;
                    break;
                case JsonTokenType.EndObject or JsonTokenType.EndArray:
                    depth--;
                    break;
                case JsonTokenType.String:
                    NextItem(depth, item);
                    var strict = depth == 1 && strictValue;
                    if (Scan(reader.ValueSpan, reader.ValueIsEscaped, strict) is { } fault)
                        return Error(message, depth, keyStart, keyLength, item, fault, index);
                    break;
                default:
                    NextItem(depth, item);
                    break;
            }
        }
        return null;
    }

    /// <summary>
    /// The common case, decided without tokenizing: no escape anywhere, valid UTF-8, and no DEL or C1 control (raw
    /// C0 controls cannot be inside a JSON string, so those between tokens are whitespace). Then no string or key
    /// can break a rule.
    /// </summary>
    private static bool BreaksNoRule(ReadOnlySpan<byte> message)
    {
        if (message.IndexOf((byte)'\\') >= 0) return false;
        if (message.IndexOfAnyExceptInRange((byte)0x20, (byte)0x7E) < 0) return true;
        if (message.IndexOf((byte)0x7F) >= 0 || !System.Text.Unicode.Utf8.IsValid(message)) return false;
        // C1 controls U+0080-U+009F are encoded as C2 80 to C2 9F.
        for (var i = message.IndexOf((byte)0xC2); i >= 0 && i + 1 < message.Length; )
        {
            if (message[i + 1] <= 0x9F) return false;
            var next = message[(i + 1)..].IndexOf((byte)0xC2);
            if (next < 0) break;
            i += 1 + next;
        }
        return true;
    }

    /// <summary>The rule <paramref name="value"/> breaks, or null; <paramref name="strict"/> for names and identifiers.</summary>
    public static string? Check(string value, bool strict)
    {
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsHighSurrogate(c))
            {
                if (i + 1 < value.Length && char.IsLowSurrogate(value[i + 1])) { i++; continue; }
                return LoneSurrogate;
            }
            if (char.IsLowSurrogate(c)) return LoneSurrogate;
            if (Control(c, strict) is { } fault) return fault;
        }
        return null;
    }

    private static readonly string[] NameFields = ["type", "userId", "anonymousId", "previousId", "groupId", "messageId", "event", "name"];

    private static bool IsNameField(ref Utf8JsonReader reader)
    {
        foreach (var field in NameFields)
            if (reader.ValueTextEquals(field)) return true;
        return false;
    }

    private static void NextItem(int depth, Span<int> item)
    {
        if (depth > 0 && item[depth] != int.MinValue) item[depth]++;
    }

    private static string? Scan(ReadOnlySpan<byte> raw, bool escaped, bool strict)
    {
        // Fast path: printable ASCII only (the common case) breaks no rule.
        if (!escaped && raw.IndexOfAnyExceptInRange((byte)0x20, (byte)0x7E) < 0) return null;
        var i = 0;
        while (i < raw.Length)
        {
            var b = raw[i];
            if (b == (byte)'\\' && escaped)
            {
                var kind = raw[i + 1];
                if (kind != (byte)'u')
                {
                    // \n \r \t are text; \b and \f are control characters everywhere.
                    var c = kind switch { (byte)'n' => '\n', (byte)'r' => '\r', (byte)'t' => '\t', (byte)'b' => '\b', (byte)'f' => '\f', _ => (char)kind };
                    if (Control(c, strict) is { } escapeFault) return escapeFault;
                    i += 2;
                    continue;
                }
                var unit = Hex4(raw.Slice(i + 2, 4));
                i += 6;
                if (char.IsHighSurrogate(unit))
                {
                    // The reader has checked that every \u has four hex digits, so a following escape is complete.
                    if (i + 6 <= raw.Length && raw[i] == (byte)'\\' && raw[i + 1] == (byte)'u' && char.IsLowSurrogate(Hex4(raw.Slice(i + 2, 4))))
                    {
                        i += 6;
                        continue;
                    }
                    return LoneSurrogate;
                }
                if (char.IsLowSurrogate(unit)) return LoneSurrogate;
                if (Control(unit, strict) is { } unitFault) return unitFault;
                continue;
            }
            if (b < 0x80)
            {
                if (Control((char)b, strict) is { } asciiFault) return asciiFault;
                i++;
                continue;
            }
            if (Rune.DecodeFromUtf8(raw[i..], out var rune, out var consumed) != System.Buffers.OperationStatus.Done) return InvalidUtf8;
            if (rune.Value <= 0x9F && Control((char)rune.Value, strict) is { } runeFault) return runeFault;
            i += consumed;
        }
        return null;
    }

    private static string? Control(char c, bool strict)
    {
        if (c < 0x20)
            return strict ? ControlInName : c is '\t' or '\n' or '\r' ? null : ControlInText;
        return strict && c is >= '\u007F' and <= '\u009F' ? ControlInName : null;
    }

    private static char Hex4(ReadOnlySpan<byte> hex)
    {
        var value = 0;
        foreach (var h in hex)
            value = (value << 4) | (h <= '9' ? h - '0' : (h | 0x20) - 'a' + 10);
        return (char)value;
    }

    /// <summary>The path of the offending value or key (<c>traits.name</c>, <c>properties.items[2]</c>), built only on failure.</summary>
    private static ValidationError Error(ReadOnlySpan<byte> message, int depth, Span<int> keyStart, Span<int> keyLength, Span<int> item, string rule, int? index)
    {
        var path = new StringBuilder();
        for (var d = 1; d <= depth; d++)
        {
            if (item[d] != int.MinValue)
            {
                path.Append('[').Append(item[d]).Append(']');
                continue;
            }
            if (path.Length > 0) path.Append('.');
            // The key as written (escapes kept, invalid bytes shown as U+FFFD): safe to echo, whatever it holds.
            path.Append(Encoding.UTF8.GetString(message.Slice(keyStart[d], keyLength[d])));
        }
        return new ValidationError(path.Length == 0 ? "message" : path.ToString(), rule, index);
    }
}
