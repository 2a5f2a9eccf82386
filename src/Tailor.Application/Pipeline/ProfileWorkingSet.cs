using Tailor.Core.Identity;
using Tailor.Core.Pipeline;
using Tailor.Core.Profiles;
using Tailor.Core.Storage;

namespace Tailor.Application.Pipeline;

/// <summary>
/// The profile pipeline's hot working set: who owns each identity it has looked up (or that nobody does), and those
/// profiles, exactly as of its last commit. It saves the store reads of every batch (three queries per profile on
/// SQLite): at ingestion speed the same active users come back batch after batch.
/// </summary>
/// <remarks>
/// It is only true while this pipeline is the one writing profiles, which the position check proves: a commit that
/// fails for any reason (another pipeline moved the position, a poison event, the store), and a merge undo, clear it
/// (<see cref="Clear"/>), and it fills again from the store. Profiles are folded in place, so a fold that is not
/// committed must clear it too. Bounded by two generations of at most <c>capacity</c> identities each: a lookup in the
/// older generation moves the profile to the younger one; when the younger one is full the older one is dropped.
/// </remarks>
public sealed class ProfileWorkingSet(int capacity = ProfileWorkingSet.DefaultCapacity)
{
    /// <summary>Identities per generation (so at most twice this many are held).</summary>
    public const int DefaultCapacity = 100_000;

    private Dictionary<ProfileIdentifier, Profile?> _young = [];
    private Dictionary<ProfileIdentifier, Profile?> _old = [];

    /// <summary>Identities held (both generations).</summary>
    public int Count => _young.Count + _old.Count;

    /// <summary>The live profiles owning any of <paramref name="identities"/>: from the set, the rest from the store.</summary>
    public async Task<List<Profile>> OwnersAsync(IReadOnlyCollection<ProfileIdentifier> identities, IProfileStore store, CancellationToken ct)
    {
        var owners = new Dictionary<string, Profile>(StringComparer.Ordinal);
        List<ProfileIdentifier>? missing = null;
        foreach (var identity in identities)
        {
            if (!TryGet(identity, out var owner)) (missing ??= []).Add(identity);
            else if (owner is not null) owners[owner.Id] = owner;
        }
        if (missing is null) return [.. owners.Values];
        var loaded = await store.LoadOwnersAsync(missing, ct);
        var found = new HashSet<ProfileIdentifier>();
        foreach (var stored in loaded)
        {
            // The store's copy equals the held one (only this pipeline writes profiles); keep one object per profile.
            var profile = owners.TryGetValue(stored.Id, out var held) ? held : HeldCopy(stored) ?? stored;
            owners[profile.Id] = profile;
            foreach (var identity in profile.Identities)
            {
                Put(identity, profile);
                found.Add(identity);
            }
        }
        foreach (var identity in missing)
            if (!found.Contains(identity)) Put(identity, null); // nobody owns it yet: only a commit of ours can change that
        return [.. owners.Values];
    }

    /// <summary>Takes in a committed batch: merged-away profiles leave, changed profiles hold their identities.</summary>
    public void Committed(ProfileChangeSet changes) => Committed(changes.Profiles);

    /// <summary>Takes in the profiles a committed batch changed: merged-away ones leave, the others hold their identities.</summary>
    public void Committed(IEnumerable<Profile> changed)
    {
        var profiles = changed as IReadOnlyCollection<Profile> ?? [.. changed];
        foreach (var profile in profiles)
        {
            if (profile.MergedInto is null) continue;
            foreach (var identity in profile.Identities)
            {
                if (_young.TryGetValue(identity, out var owner) && ReferenceEquals(owner, profile)) _young.Remove(identity);
                if (_old.TryGetValue(identity, out owner) && ReferenceEquals(owner, profile)) _old.Remove(identity);
            }
        }
        foreach (var profile in profiles)
            if (profile.MergedInto is null)
                foreach (var identity in profile.Identities) Put(identity, profile);
    }

    /// <summary>Forgets everything (the next batch reads from the store).</summary>
    public void Clear()
    {
        _young = [];
        _old = [];
    }

    private Profile? HeldCopy(Profile stored)
    {
        foreach (var identity in stored.Identities)
            if (TryGet(identity, out var owner) && owner is not null && owner.Id == stored.Id) return owner;
        return null;
    }

    private bool TryGet(ProfileIdentifier identity, out Profile? owner)
    {
        if (_young.TryGetValue(identity, out owner)) return true;
        if (!_old.TryGetValue(identity, out owner)) return false;
        if (owner is null) Put(identity, null);
        else foreach (var held in owner.Identities) Put(held, owner); // the whole profile moves to the young generation
        return true;
    }

    private void Put(ProfileIdentifier identity, Profile? owner)
    {
        _old.Remove(identity);
        _young[identity] = owner;
        if (_young.Count < capacity) return;
        _old = _young;
        _young = [];
    }
}
