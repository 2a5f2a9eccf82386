using System.Text.Json;
using Tailor.Core.Pipeline;
using Tailor.Core.Profiles;

namespace Tailor.Core.Storage;

/// <summary>Profiles, their identities and trait history; and the profile pipeline's commit.</summary>
public interface IProfileStore
{
    /// <summary>The live profiles that own any of <paramref name="identities"/>, each with all its identities.</summary>
    Task<IReadOnlyList<Profile>> LoadOwnersAsync(IReadOnlyCollection<Identity.Identity> identities, CancellationToken cancellationToken);

    /// <summary>
    /// Writes a pipeline batch with its position move (<see cref="ProfileChangeSet.Position"/>) atomically: all of it or
    /// none of it; fails with <see cref="PositionConflictException"/> when another pipeline moved the position first.
    /// </summary>
    Task CommitAsync(ProfileChangeSet changes, CancellationToken cancellationToken);

    /// <summary>A profile by id; a merged-away id resolves to the profile it was merged into.</summary>
    Task<Profile?> GetProfileAsync(string id, CancellationToken cancellationToken);

    Task<Profile?> FindProfileAsync(Identity.Identity identity, CancellationToken cancellationToken);

    /// <summary>Live profiles whose trait <paramref name="trait"/> equals <paramref name="value"/>.</summary>
    Task<IReadOnlyList<Profile>> SearchByTraitAsync(string trait, JsonElement value, int limit, CancellationToken cancellationToken);

    /// <summary>A profile's trait changes in event-time order, optionally for one trait.</summary>
    Task<IReadOnlyList<TraitChange>> TraitHistoryAsync(string profileId, string? trait, CancellationToken cancellationToken);

    Task<IReadOnlyList<ProfileMerge>> MergesAsync(string profileId, CancellationToken cancellationToken);

    Task<long> ProfileCountAsync(CancellationToken cancellationToken);
}
