using Tailor.Application.Pipeline;
using Tailor.Application.Segments;
using Tailor.Core.Profiles;
using Tailor.Core.Storage;

namespace Tailor.Server.Pipeline;

/// <summary>
/// Connects the engines' commit notices to the host's seams while the node runs: profile and membership changes go
/// to the <see cref="ChangeFeed"/>, and a membership change made outside a segment-engine step (a recompute, a
/// dead-letter replay) wakes the followers of the segment engine. A hosted service, started before the followers and
/// the server, so no reader depends on being resolved before the first change.
/// </summary>
public sealed class EngineChangeRelay(ProfilePipeline pipeline, SegmentEngine segments, ChangeFeed feed, FollowerWakeups wakeups) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        pipeline.ProfilesChanged += OnProfilesChanged;
        segments.MembershipChanged += OnMembershipChanged;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        pipeline.ProfilesChanged -= OnProfilesChanged;
        segments.MembershipChanged -= OnMembershipChanged;
        return Task.CompletedTask;
    }

    private void OnProfilesChanged(IReadOnlyList<Profile> profiles) => feed.ProfilesChanged(profiles);

    private void OnMembershipChanged(IReadOnlyList<MembershipChange> changes)
    {
        feed.MembershipsChanged(changes);
        wakeups.Signal(SegmentEngine.Stage);
    }
}
