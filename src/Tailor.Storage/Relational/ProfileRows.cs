namespace Tailor.Storage.Relational;

/// <summary>A profile as its row holds it: protected traits sealed, documents serialised, times in milliseconds.</summary>
internal readonly record struct ProfileRow(
    string Id, long CreatedAt, long UpdatedAt, string? MergedInto, string Traits, string TraitTimes, string Computed, string Consent, string Tags);

/// <summary>An identity linked to a profile: the lookup value (a keyed hash when protected) and its ciphertext, if any.</summary>
internal readonly record struct IdentityLinkRow(string Type, string Value, string? Sealed, string ProfileId, long FirstSeen);

/// <summary>One trait change as its history row holds it: the value sealed when the trait is protected.</summary>
internal readonly record struct TraitChangeRow(string ProfileId, string Name, string Value, long At, long Sequence);
