using System.Text.Json;
using Tailor.Core.Events;
using Tailor.Core.Profiles;

namespace Tailor.Core.Segments.Evaluation;

/// <summary>
/// Which <see cref="ProfileInputs"/> folding an event can change, read from the stored message the way
/// <see cref="ProfileReducer"/> reads it: traits from an identify's <c>traits</c> or any event's <c>context.traits</c>
/// and <c>context.geo</c>, consent from <c>context.consent</c> or <c>traits.consent</c>, tags from a
/// <see cref="ProfileReducer.TagsUpdated"/> track. A superset is safe (a segment evaluated for nothing); missing a
/// change is not, so an identify always counts as changing traits and consent, and a payload that cannot be read as
/// everything.
/// </summary>
public static class EventInputs
{
    public static ProfileInputs Of(EventType type, string? name, string? payload)
    {
        var inputs = type == EventType.Track && name == ProfileReducer.TagsUpdated ? ProfileInputs.Tags : ProfileInputs.None;
        if (type == EventType.Identify) return inputs | ProfileInputs.Traits | ProfileInputs.Consent;
        if (payload is null) return inputs;
        // Most events name none of these keys: no parse.
        if (!MayName(payload.AsSpan())) return inputs;
        try
        {
            using var document = JsonDocument.Parse(payload);
            var context = EventView.Child(document.RootElement, "context");
            if (EventView.Child(context, "traits").ValueKind != JsonValueKind.Undefined) inputs |= ProfileInputs.Traits | ProfileInputs.Consent;
            if (EventView.Child(context, "geo").ValueKind != JsonValueKind.Undefined) inputs |= ProfileInputs.Traits;
            if (EventView.Child(context, "consent").ValueKind != JsonValueKind.Undefined) inputs |= ProfileInputs.Consent;
            return inputs;
        }
        catch (JsonException)
        {
            return ProfileInputs.All;
        }
    }

    /// <summary>
    /// Whether a message's text can name traits, geo or consent at all; when not, its payload adds nothing to
    /// <see cref="Of"/> (a store can then pass none). A key spelled with escapes ("\u0074raits") has a backslash.
    /// </summary>
    public static bool MayName(ReadOnlySpan<char> text) =>
        text.Contains("traits", StringComparison.Ordinal) || text.Contains("geo", StringComparison.Ordinal)
        || text.Contains("consent", StringComparison.Ordinal) || text.Contains('\\');

    /// <summary>As <see cref="MayName(ReadOnlySpan{char})"/>, on the UTF-8 text.</summary>
    public static bool MayName(ReadOnlySpan<byte> utf8) =>
        utf8.IndexOf("traits"u8) >= 0 || utf8.IndexOf("geo"u8) >= 0 || utf8.IndexOf("consent"u8) >= 0 || utf8.Contains((byte)'\\');
}
