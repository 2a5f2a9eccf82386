using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace Tailor.Core.Events;

/// <summary>
/// Reads JSON strings that <see cref="JsonElement.GetString"/> refuses: a lone UTF-16 surrogate escape (<c>"\ud800"</c>)
/// makes it throw. Such values may already be stored (ingestion did not always refuse them); reading them must not
/// fail a render or an evaluation, so the broken surrogate becomes U+FFFD, as a UTF-8 decoder would make it.
/// </summary>
public static class JsonStrings
{
    /// <summary>The string value of <paramref name="value"/> (which must be a JSON string), never throwing on bad surrogates.</summary>
    public static string Read(JsonElement value)
    {
        try
        {
            return value.GetString()!;
        }
        catch (InvalidOperationException)
        {
            var raw = Encoding.UTF8.GetString(JsonMarshal.GetRawUtf8Value(value));
            return Unescape(raw.AsSpan(1, raw.Length - 2)); // without the quotes
        }
    }

    /// <summary>The name of <paramref name="property"/>, never throwing on bad surrogates.</summary>
    public static string Name(JsonProperty property)
    {
        try
        {
            return property.Name;
        }
        catch (InvalidOperationException)
        {
            return Unescape(Encoding.UTF8.GetString(JsonMarshal.GetRawUtf8PropertyName(property)));
        }
    }

    private static string Unescape(ReadOnlySpan<char> text)
    {
        var b = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] != '\\' || i + 1 >= text.Length)
            {
                b.Append(text[i]);
                continue;
            }
            var c = text[++i];
            switch (c)
            {
                case 'b': b.Append('\b'); break;
                case 'f': b.Append('\f'); break;
                case 'n': b.Append('\n'); break;
                case 'r': b.Append('\r'); break;
                case 't': b.Append('\t'); break;
                case 'u' when i + 4 < text.Length
                    && ushort.TryParse(text.Slice(i + 1, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code):
                    b.Append((char)code);
                    i += 4;
                    break;
                default: b.Append(c); break; // \" \\ \/
            }
        }
        // Pairs stay; a surrogate without its partner becomes the replacement character.
        for (var i = 0; i < b.Length; i++)
        {
            if (char.IsHighSurrogate(b[i]) && i + 1 < b.Length && char.IsLowSurrogate(b[i + 1])) i++;
            else if (char.IsSurrogate(b[i])) b[i] = '\uFFFD';
        }
        return b.ToString();
    }
}
