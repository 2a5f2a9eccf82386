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

    /// <summary>
    /// Calls the given actions with each later commit (on the committing thread: they must be quick); dispose to stop.
    /// <paramref name="elsewhere"/> hears what other nodes of a cluster changed (profile ids; null: anything may have
    /// changed, e.g. after the broker connection was lost).
    /// </summary>
    public IDisposable Subscribe(Action<IReadOnlyList<Profile>>? profiles = null, Action<IReadOnlyList<MembershipChange>>? memberships = null,
        Action<IReadOnlyList<string>?>? elsewhere = null)
    {
        var reader = new Reader(this, profiles, memberships, elsewhere);
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

    /// <summary>
    /// In a cluster, whether other nodes' changes are heard now (the broker link is up). While they are not, readers
    /// keep nothing older than <see cref="UnheardMaxAge"/>. Always true on a single node.
    /// </summary>
    public Func<bool> HearsOtherNodes { get; set; } = () => true;

    /// <summary>How old a cached read may be while other nodes' changes are not heard (1 s: docs/scale.md).</summary>
    public static readonly TimeSpan UnheardMaxAge = TimeSpan.FromSeconds(1);

    /// <summary>Another node of the cluster committed changes to these profiles (their profiles or memberships).</summary>
    public void ProfilesChangedElsewhere(IReadOnlyList<string> profileIds)
    {
        foreach (var reader in _readers) reader.Elsewhere?.Invoke(profileIds);
    }

    /// <summary>Other nodes' changes may have been missed (the broker link was down): readers drop everything.</summary>
    public void EverythingChanged()
    {
        foreach (var reader in _readers) reader.Elsewhere?.Invoke(null);
    }

    private sealed class Reader(ChangeFeed feed, Action<IReadOnlyList<Profile>>? profiles, Action<IReadOnlyList<MembershipChange>>? memberships,
        Action<IReadOnlyList<string>?>? elsewhere) : IDisposable
    {
        public Action<IReadOnlyList<string>?>? Elsewhere { get; } = elsewhere;
        public Action<IReadOnlyList<Profile>>? Profiles { get; } = profiles;
        public Action<IReadOnlyList<MembershipChange>>? Memberships { get; } = memberships;

        public void Dispose() => ImmutableInterlocked.Update(ref feed._readers, list => list.Remove(this));
    }
}
