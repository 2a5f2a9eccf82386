using System.Runtime.InteropServices;
using System.Text.Json;

namespace Tailor.Core.Profiles;

/// <summary>
/// What keeps identity resolution and profiles bounded: identifier values that never identify anyone, and caps on
/// identities and traits per profile. Bound from configuration section <c>Tailor:Profiles</c>; documented in
/// docs/profiles.md ("Merge guards and caps").
/// </summary>
public sealed class ProfileLimits
{
    /// <summary>
    /// Values that client code sends when it has no id (<c>undefined</c>, <c>null</c>, <c>0</c>…): compared trimmed and
    /// case-insensitively; empty or whitespace-only values are always ignored. Such a value is never linked to a
    /// profile and never merges two profiles.
    /// </summary>
    public List<string> IgnoredIdentityValues { get; set; } =
    [
        "undefined", "null", "nil", "none", "nan", "0", "-1", "anonymous", "unknown", "n/a",
        "[object Object]", "{}", "[]", "\"\"", "''", "false", "true", "00000000-0000-0000-0000-000000000000",
    ];

    /// <summary>Identities one profile may hold (default 100); an event that would exceed it links or merges nothing more.</summary>
    public int MaxIdentitiesPerProfile { get; set; } = 100;

    /// <summary>Traits one profile may hold (default 500); further new traits are refused, existing ones still update.</summary>
    public int MaxTraits { get; set; } = 500;

    /// <summary>Total JSON size of a profile's trait values in bytes (default 262,144); beyond it new traits are refused.</summary>
    public int MaxTraitBytes { get; set; } = 256 * 1024;

    public static ProfileLimits Default { get; } = new();

    private HashSet<string>? _ignored;

    /// <summary>True when <paramref name="value"/> must never identify a profile.</summary>
    public bool IsIgnored(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return true;
        var set = _ignored ??= new HashSet<string>(IgnoredIdentityValues.Select(v => v.Trim()), StringComparer.OrdinalIgnoreCase);
        return set.Contains(value.Trim());
    }

    /// <summary>The JSON size of a profile's trait values.</summary>
    public static long TraitBytes(Profile profile)
    {
        long bytes = 0;
        foreach (var (name, trait) in profile.Traits) bytes += name.Length + Size(trait.Value);
        return bytes;
    }

    /// <summary>The size of one JSON value as stored (no copy is made).</summary>
    public static int Size(JsonElement value) =>
        value.ValueKind == JsonValueKind.Undefined ? 0 : JsonMarshal.GetRawUtf8Value(value).Length;

    /// <summary>Why a new trait of <paramref name="size"/> bytes may not be added to <paramref name="profile"/>, or null when it may.</summary>
    public string? RefuseNewTrait(Profile profile, string name, int size)
    {
        if (profile.Traits.Count >= MaxTraits) return $"trait '{name}' refused: the profile holds {profile.Traits.Count} traits (limit {MaxTraits})";
        var bytes = TraitBytes(profile);
        if (bytes + name.Length + size > MaxTraitBytes)
            return $"trait '{name}' refused: {bytes + name.Length + size} bytes of traits would exceed the limit of {MaxTraitBytes}";
        return null;
    }
}
