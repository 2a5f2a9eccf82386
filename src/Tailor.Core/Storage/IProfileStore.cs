using System.Text.Json;
using Tailor.Core.Pipeline;
using Tailor.Core.Profiles;

namespace Tailor.Core.Storage;

/// <summary>Profiles, their identities and trait history; and the profile pipeline's commit.</summary>
public interface IProfileStore
{
    /// <summary>The live profiles that own any of <paramref name="identities"/>, each with all its identities.</summary>
    Task<IReadOnlyList<Profile>> LoadOwnersAsync(IReadOnlyCollection<Identity.ProfileIdentifier> identities, CancellationToken cancellationToken);

    /// <summary>
    /// Writes a pipeline batch with its position move (<see cref="ProfileChangeSet.Position"/>) atomically: all of it or
    /// none of it; fails with <see cref="PositionConflictException"/> when another pipeline moved the position first.
    /// </summary>
    Task CommitAsync(ProfileChangeSet changes, CancellationToken cancellationToken);

    /// <summary>A profile by id; a merged-away id resolves to the profile it was merged into.</summary>
    Task<Profile?> GetProfileAsync(string id, CancellationToken cancellationToken);

    Task<Profile?> FindProfileAsync(Identity.ProfileIdentifier identity, CancellationToken cancellationToken);

    /// <summary>Live profiles whose trait <paramref name="trait"/> equals <paramref name="value"/>.</summary>
    Task<IReadOnlyList<Profile>> SearchByTraitAsync(string trait, JsonElement value, int limit, CancellationToken cancellationToken);

    /// <summary>A profile's trait changes in event-time order, optionally for one trait.</summary>
    Task<IReadOnlyList<TraitChange>> TraitHistoryAsync(string profileId, string? trait, CancellationToken cancellationToken);

    Task<IReadOnlyList<ProfileMerge>> MergesAsync(string profileId, CancellationToken cancellationToken);

    Task<long> ProfileCountAsync(CancellationToken cancellationToken);

    /// <summary>Profiles by id, merged-away ones included, with their identities or not; unknown ids are left out.</summary>
    Task<IReadOnlyDictionary<string, Profile>> LoadProfilesAsync(IReadOnlyCollection<string> ids, bool withIdentities, CancellationToken cancellationToken);

    /// <summary>
    /// For a partition of a split fold (docs/scale.md): the events the identity stage assigned after
    /// <paramref name="after"/> up to <paramref name="upTo"/> whose profiles <paramref name="owned"/> keeps, in log order,
    /// as stored (sealed). Reads at most <paramref name="max"/> assignments of any partition; the slice says how far it read.
    /// </summary>
    Task<ResolvedSlice> ResolvedEventsAsync(long after, long upTo, int max, Func<string, bool> owned, CancellationToken cancellationToken);

    /// <summary>The merges the identity stage recorded for the events after <paramref name="after"/> up to <paramref name="upTo"/>, in log order.</summary>
    Task<IReadOnlyList<ProfileMerge>> MergesResolvedAsync(long after, long upTo, CancellationToken cancellationToken);
}

/// <summary>An event with the profile the identity stage assigned it to.</summary>
public readonly record struct ResolvedEvent(string ProfileId, Events.LoggedEvent Logged);

/// <summary>A partition's events of a range of the log, and the position up to which the range was read.</summary>
public sealed record ResolvedSlice(IReadOnlyList<ResolvedEvent> Events, long ReadTo);
