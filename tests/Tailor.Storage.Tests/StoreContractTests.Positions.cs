using Tailor.Core.Pipeline;
using Tailor.Core.Storage;

namespace Tailor.Storage.Tests;

/// <summary>One position store: every follower's position is read by name and moves only inside the commit of its work.</summary>
public abstract partial class StoreContractTests
{
    private static readonly DateTimeOffset PositionsNow = new(2026, 3, 10, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Each_commit_moves_its_own_follower_and_no_other()
    {
        await Store.Profiles.CommitAsync(new ProfileChangeSet([], [], [], [], [], new PositionMove(Followers.Profiles, 0, 7)), Ct);
        await Store.Segments.ApplyMembershipAsync(new MembershipUpdate([], [], new PositionMove(Followers.Segments, 0, 4)), Ct);
        await Store.Triggers.CommitJourneysAsync(new JourneyCommit([], [], [], [], new PositionMove("triggers", 0, 2)), Ct);

        Assert.Equal((7L, 4L, 2L, 0L), (await Store.Positions.PositionAsync(Followers.Profiles, Ct), await Store.Positions.PositionAsync(Followers.Segments, Ct),
            await Store.Positions.PositionAsync("triggers", Ct), await Store.Positions.PositionAsync("nobody", Ct)));
    }

    [Fact]
    public async Task A_membership_update_from_a_stale_position_writes_nothing()
    {
        await Store.Segments.ApplyMembershipAsync(new MembershipUpdate([], [], new PositionMove(Followers.Segments, 0, 4)), Ct);

        var stale = new MembershipUpdate([new MembershipChange("seg-a", "prf-a", true, PositionsNow)], [new SegmentTimer("seg-a", "prf-a", PositionsNow.AddDays(1))],
            new PositionMove(Followers.Segments, 0, 9));
        await Assert.ThrowsAsync<PositionConflictException>(() => Store.Segments.ApplyMembershipAsync(stale, Ct));

        Assert.Equal(4, await Store.Positions.PositionAsync(Followers.Segments, Ct));
        Assert.Empty(await Store.Segments.MembersAsync("seg-a", null, 10, Ct));
        Assert.Empty(await Store.Segments.MembershipHistoryAsync("prf-a", null, 10, Ct));
        Assert.Null(await Store.Segments.NextTimerAsync(Ct));
    }

    [Fact]
    public async Task A_membership_update_without_a_move_leaves_the_position_alone()
    {
        await Store.Segments.ApplyMembershipAsync(new MembershipUpdate([], [], new PositionMove(Followers.Segments, 0, 4)), Ct);
        await Store.Segments.ApplyMembershipAsync(new MembershipUpdate([new MembershipChange("seg-a", "prf-a", true, PositionsNow)], []), Ct);

        Assert.Equal(4, await Store.Positions.PositionAsync(Followers.Segments, Ct));
        Assert.Equal(["prf-a"], (await Store.Segments.MembersAsync("seg-a", null, 10, Ct)).Select(m => m.ProfileId));
    }

    [Fact]
    public async Task Segment_and_trigger_set_asides_are_stored_with_their_position_move_or_not_at_all()
    {
        DeadLetter Aside(string stage, string key) => new(0, stage, key, null, "{}", "boom", null, 3, PositionsNow);
        await Store.Segments.ApplyMembershipAsync(new MembershipUpdate([], [], new PositionMove(Followers.Segments, 0, 3)) { DeadLetters = [Aside("segments", "event:3")] }, Ct);
        await Store.Triggers.CommitJourneysAsync(new JourneyCommit([], [], [], [], new PositionMove("triggers", 0, 3)) { DeadLetters = [Aside("triggers", "event:3")] }, Ct);

        // Commits that lost the race to another node store nothing, their set-asides included.
        await Assert.ThrowsAsync<PositionConflictException>(() => Store.Segments.ApplyMembershipAsync(
            new MembershipUpdate([], [], new PositionMove(Followers.Segments, 0, 4)) { DeadLetters = [Aside("segments", "event:4")] }, Ct));
        await Assert.ThrowsAsync<PositionConflictException>(() => Store.Triggers.CommitJourneysAsync(
            new JourneyCommit([], [], [], [], new PositionMove("triggers", 0, 4)) { DeadLetters = [Aside("triggers", "event:4")] }, Ct));

        Assert.Equal(["event:3"], (await Store.DeadLetters.ListDeadLettersAsync(new("segments"), Ct)).Select(d => d.Key));
        Assert.Equal(["event:3"], (await Store.DeadLetters.ListDeadLettersAsync(new("triggers"), Ct)).Select(d => d.Key));
        Assert.Equal((3L, 3L), (await Store.Positions.PositionAsync(Followers.Segments, Ct), await Store.Positions.PositionAsync("triggers", Ct)));
    }
}
