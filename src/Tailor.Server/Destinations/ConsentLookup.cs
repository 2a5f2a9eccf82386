using Tailor.Core.Delivery;
using Tailor.Core.Destinations;
using Tailor.Core.Profiles;

namespace Tailor.Server.Destinations;

/// <summary>
/// The profiles of one batch, loaded at once, and the <see cref="ConsentGate"/> over them: a profile merged into
/// another answers with the survivor's consent.
/// </summary>
internal sealed class ConsentLookup
{
    private readonly IReadOnlyDictionary<string, Profile> _profiles;

    private ConsentLookup(IReadOnlyDictionary<string, Profile> profiles) => _profiles = profiles;

    /// <summary>The whole profiles (identities and traits too), for a destination that sends them (audience sync).</summary>
    public static Task<ConsentLookup> LoadAsync(IDestinationStore store, IEnumerable<string> profileIds, CancellationToken ct) =>
        LoadAsync(store.ProfilesAsync, profileIds, ct);

    /// <summary>Only what the gate reads (merge link and consent): for a destination that needs nothing else of the profile.</summary>
    public static Task<ConsentLookup> LoadConsentAsync(IDestinationStore store, IEnumerable<string> profileIds, CancellationToken ct) =>
        LoadAsync(store.ConsentsAsync, profileIds, ct);

    /// <summary>
    /// As <see cref="LoadConsentAsync(IDestinationStore, IEnumerable{string}, CancellationToken)"/>, reading only the
    /// profiles not already in <paramref name="known"/> (consents read earlier in the same step) and adding them to it.
    /// </summary>
    public static Task<ConsentLookup> LoadConsentAsync(IDestinationStore store, IEnumerable<string> profileIds, Dictionary<string, Profile> known, CancellationToken ct) =>
        LoadAsync(store.ConsentsAsync, profileIds, ct, known);

    private static async Task<ConsentLookup> LoadAsync(Func<IReadOnlyCollection<string>, CancellationToken, Task<IReadOnlyDictionary<string, Profile>>> read,
        IEnumerable<string> profileIds, CancellationToken ct, Dictionary<string, Profile>? known = null)
    {
        var profiles = known ?? new Dictionary<string, Profile>(StringComparer.Ordinal);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var id in profileIds) if (!profiles.ContainsKey(id)) ids.Add(id);
        if (ids.Count > 0)
            foreach (var (id, p) in await read(ids, ct)) profiles[id] = p;
        var survivors = profiles.Values.Where(p => p.MergedInto is not null && !profiles.ContainsKey(p.MergedInto)).Select(p => p.MergedInto!).ToHashSet(StringComparer.Ordinal);
        if (survivors.Count > 0)
            foreach (var (id, p) in await read(survivors, ct)) profiles[id] = p;
        return new ConsentLookup(profiles);
    }

    /// <summary>The profile as it stands now (the survivor of a merge), or null.</summary>
    public Profile? Profile(string id)
    {
        var profile = _profiles.GetValueOrDefault(id);
        for (var hops = 0; profile?.MergedInto is { } next && hops < 4; hops++) profile = _profiles.GetValueOrDefault(next);
        return profile;
    }

    /// <summary>Null when the profile consented to <paramref name="purpose"/>; else the gate's reason.</summary>
    public string? Refusal(string profileId, string purpose) => ConsentGate.Refusal(Profile(profileId), purpose);
}
