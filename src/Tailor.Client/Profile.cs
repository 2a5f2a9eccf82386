using System.Text.Json;

namespace Tailor.Client;

/// <summary>A profile: its identities, traits, computed traits, consent, tags and segments.</summary>
public sealed record Profile(string Id, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, IReadOnlyList<Identity> Identities,
    IReadOnlyDictionary<string, JsonElement> Traits, JsonElement Computed, IReadOnlyList<string> Tags, IReadOnlyList<string> Segments);
