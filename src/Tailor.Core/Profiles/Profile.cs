namespace Tailor.Core.Profiles;

using Tailor.Core.Identity;

/// <summary>
/// The unified customer: identities, traits (latest timestamp wins), computed traits, consent and tags.
/// A profile that was merged into another keeps its id as a pointer (<see cref="MergedInto"/>).
/// </summary>
public sealed class Profile
{
    public required string Id { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    /// <summary>When Tailor last changed the profile (processing time; <c>Computed.LastSeen</c> is the latest event time).</summary>
    public DateTimeOffset UpdatedAt { get; set; }
    public string? MergedInto { get; set; }
    public List<ProfileIdentifier> Identities { get; init; } = [];
    public Dictionary<string, TraitValue> Traits { get; init; } = new(StringComparer.Ordinal);
    public ComputedTraits Computed { get; init; } = new();
    public Dictionary<string, ConsentRecord> Consent { get; init; } = new(StringComparer.Ordinal);
    public SortedSet<string> Tags { get; init; } = new(StringComparer.Ordinal);

    /// <summary>True when the profile said yes to <paramref name="purpose"/>; no answer means no.</summary>
    public bool HasConsent(string purpose) => Consent.TryGetValue(purpose, out var record) && record.Granted;
}
