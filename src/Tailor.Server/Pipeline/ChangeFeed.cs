using System.Collections.Immutable;
using Tailor.Core.Profiles;
using Tailor.Core.Storage;

namespace Tailor.Server.Pipeline;

/// <summary>
/// Committed changes for the readers on this node that keep caches or stream them live (<c>ProfileScopes</c>,
/// <c>MembershipFeed</c>). Owned by the host and filled by <see cref="EngineChangeRelay"/> from the moment the node
/// starts, so a reader subscribes whenever it is first needed: it has nothing cached from before that.
/// </summary>
public sealed class ChangeFeed
{
    private ImmutableArray<Reader> _readers = [];

    /// <summary>Calls the given actions with each later commit (on the committing thread: they must be quick); dispose to stop.</summary>
    public IDisposable Subscribe(Action<IReadOnlyList<Profile>>? profiles = null, Action<IReadOnlyList<MembershipChange>>? memberships = null)
    {
        var reader = new Reader(this, profiles, memberships);
        ImmutableInterlocked.Update(ref _readers, list => list.Add(reader));
        return reader;
    }

    /// <summary>The profile pipeline committed these profiles (merged-away ones included).</summary>
    public void ProfilesChanged(IReadOnlyList<Profile> profiles)
    {
        foreach (var reader in _readers) reader.Profiles?.Invoke(profiles);
    }

    /// <summary>The segment engine committed these membership changes.</summary>
    public void MembershipsChanged(IReadOnlyList<MembershipChange> changes)
    {
        foreach (var reader in _readers) reader.Memberships?.Invoke(changes);
    }

    private sealed class Reader(ChangeFeed feed, Action<IReadOnlyList<Profile>>? profiles, Action<IReadOnlyList<MembershipChange>>? memberships) : IDisposable
    {
        public Action<IReadOnlyList<Profile>>? Profiles { get; } = profiles;
        public Action<IReadOnlyList<MembershipChange>>? Memberships { get; } = memberships;

        public void Dispose() => ImmutableInterlocked.Update(ref feed._readers, list => list.Remove(this));
    }
}
