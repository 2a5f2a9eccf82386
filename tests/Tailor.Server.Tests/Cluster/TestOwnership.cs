using System.Collections.Concurrent;
using Tailor.Server.Pipeline;

namespace Tailor.Server.Tests.Cluster;

/// <summary>Which followers this node holds: all of them, except those the test gave to "another node".</summary>
internal sealed class TestOwnership : IFollowerOwnership
{
    private readonly ConcurrentDictionary<string, bool> _away = new(StringComparer.Ordinal);

    public bool Owns(string follower) => !_away.ContainsKey(follower);

    public void GiveAway(string follower) => _away[follower] = true;

    public void TakeBack(string follower) => _away.TryRemove(follower, out _);
}
