using System.Text.Json.Nodes;
using Tailor.Application.Pipeline;
using Tailor.Core.Events;
using Tailor.Core.Pipeline;
using Tailor.Core.Profiles;
using Tailor.Core.Storage;
using static Tailor.Tests.Support.Messages;

namespace Tailor.Storage.Tests;

/// <summary>
/// The fold split by profile key (docs/scale.md): an identity stage and partitions, stepped in a random order as nodes
/// would run them, must leave every profile, assignment and merge as the whole fold does. The expectation is the whole
/// fold's pure core (<see cref="ProfileBatch"/>) run over the same logged events in memory.
/// </summary>
public abstract partial class StoreContractTests
{
    private const int SplitPartitions = 4;

    /// <summary>Visitors browsing, identifying as users, buying, and users aliased together: merges across partitions throughout.</summary>
    private static TailorEvent[] MergingCrowd(int seed, int count)
    {
        var random = new Random(seed);
        var events = new TailorEvent[count];
        for (var i = 0; i < count; i++)
        {
            var (visitor, user) = ($"a{random.Next(40)}", $"u{random.Next(15)}");
            events[i] = random.Next(6) switch
            {
                0 => Page(At(i), anonymousId: visitor, name: "Home"),
                1 => Track("Viewed", At(i), anonymousId: visitor, properties: new JsonObject { ["category"] = $"c{random.Next(3)}" }),
                2 => Identify(At(i), user, visitor, traits: new JsonObject { ["plan"] = $"p{random.Next(3)}", ["visits"] = i }),
                3 => Track("Order Completed", At(i), user, properties: new JsonObject { ["revenue"] = random.Next(1, 100) }),
                4 => Alias(At(i), user, $"u{random.Next(15)}"),
                _ => Identify(At(i), anonymousId: visitor, traits: new JsonObject { ["color"] = $"k{random.Next(4)}" }),
            };
        }
        return events;
    }

    /// <summary>
    /// Runs the split fold's identity stage and partitions, one small batch of a randomly chosen one at a time, until
    /// every event is resolved and reduced.
    /// </summary>
    private async Task SettleSplitAsync(int seed)
    {
        var reducer = new ProfileReducer(EngagementWeights.Default);
        var identities = new ProfilePipeline(Store.Events, Store.Positions, Store.Profiles, Store.Merges, Store.Triggers, reducer, _time, batchSize: 7, stage: FoldStage.Identities);
        var partitions = Enumerable.Range(0, SplitPartitions)
            .Select(k => new FoldPartition(k, SplitPartitions, Store.Events, Store.Positions, Store.Profiles, reducer, _time, batchSize: 5)).ToArray();
        var random = new Random(seed);
        var last = await Store.Events.LastSequenceAsync(Ct);
        for (var step = 0; step < 20_000; step++)
        {
            if (await Store.Positions.PositionAsync(Followers.Identities, Ct) == last && await Store.Positions.FoldedUpToAsync(Ct) == last) return;
            var pick = random.Next(SplitPartitions + 1);
            if (pick == SplitPartitions) await identities.ProcessNextBatchAsync(Ct);
            else await partitions[pick].ProcessNextBatchAsync(partitions[pick].BatchSize, Ct);
        }
        throw new Xunit.Sdk.XunitException("The split fold did not settle in 20,000 steps.");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task A_fold_split_by_profile_key_leaves_every_profile_assignment_and_merge_as_the_whole_fold_does(int seed)
    {
        await Store.Positions.SplitFoldAsync(SplitPartitions, Ct);
        await Store.Events.AppendAsync(MergingCrowd(seed, 300), Ct);
        var logged = await Store.Events.ReadAfterAsync(0, 1000, Ct);
        var whole = new ProfileBatch([], new ProfileReducer(EngagementWeights.Default), _time.GetUtcNow());
        foreach (var e in logged) whole.Apply(EventView.Parse(e));
        var expected = whole.ToChangeSet(0, logged[^1].Sequence);
        if (seed == 1)
        {
            // Resolved but not reduced, no profile reads as merged: its state has not reached the survivor yet. (One
            // batch: profiles created and merged away within it are written once.)
            await new ProfilePipeline(Store.Events, Store.Positions, Store.Profiles, Store.Merges, Store.Triggers, new ProfileReducer(EngagementWeights.Default), _time,
                stage: FoldStage.Identities).CatchUpAsync(Ct);
            Assert.All((await Store.Profiles.LoadProfilesAsync([.. expected.Profiles.Select(p => p.Id)], withIdentities: false, Ct)).Values, p => Assert.Null(p.MergedInto));
        }
        await SettleSplitAsync(seed);

        var merged = expected.Profiles.Where(p => p.MergedInto is not null).ToList();
        Assert.True(merged.Count >= 10, $"only {merged.Count} merges: the crowd must merge across partitions");
        var partitioner = new ProfilePartitioner(SplitPartitions);
        Assert.Contains(merged, p => partitioner.PartitionOf(p.Id) != partitioner.PartitionOf(p.MergedInto!));

        var stored = await Store.Profiles.LoadProfilesAsync([.. expected.Profiles.Select(p => p.Id)], withIdentities: false, Ct);
        Assert.Equal(expected.Profiles.Count, stored.Count);
        foreach (var profile in expected.Profiles)
        {
            var actual = stored[profile.Id];
            // A loser merged into a profile that was merged in turn points at the live one, as in the whole fold's store.
            Assert.Equal(Live(profile)!.Id, actual.MergedInto is null ? actual.Id : (await Store.Profiles.GetProfileAsync(actual.Id, Ct))!.Id);
            if (profile.MergedInto is null) AssertFoldedAlike(profile, actual);
            foreach (var identity in profile.MergedInto is null ? profile.Identities : [])
                Assert.Equal(profile.Id, (await Store.Profiles.FindProfileAsync(identity, Ct))?.Id);
        }
        // The merge records, with what an undo gives back: the loser's events and identities as they stood at the merge.
        var storedMerges = await Store.Profiles.MergesResolvedAsync(0, logged[^1].Sequence, Ct);
        Assert.Equal(expected.Merges.Select(m => (m.WinnerId, m.LoserId, m.Sequence)), storedMerges.Select(m => (m.WinnerId, m.LoserId, m.Sequence)));
        foreach (var merge in storedMerges)
        {
            var record = (await Store.Merges.GetMergeAsync(merge.Id, Ct))!;
            Assert.Equal(expected.Assignments.Where(a => a.Sequence < merge.Sequence && OwnerAt(a.ProfileId, merge.Sequence) == merge.LoserId).Select(a => a.Sequence), record.LoserEvents);
            Assert.NotEmpty(record.LoserIdentities);
        }
        // Trait history, each change on the profile that holds its event now.
        foreach (var profile in expected.Profiles.Where(p => p.MergedInto is null))
        {
            static (string, string, long) Change(TraitChange c) => (c.Name, c.Value.GetRawText(), c.Sequence);
            Assert.Equal(expected.TraitHistory.Where(h => Live(expected.Profiles.First(p => p.Id == h.ProfileId))!.Id == profile.Id).Select(Change).Order(),
                (await Store.Profiles.TraitHistoryAsync(profile.Id, null, Ct)).Select(Change).Order());
        }
        foreach (var assignment in expected.Assignments)
        {
            var owner = Live(expected.Profiles.First(p => p.Id == assignment.ProfileId))!;
            var events = await Store.Merges.AllProfileEventsAsync(owner.Id, Ct);
            Assert.Contains(events, e => e.Sequence == assignment.Sequence);
        }
        Assert.Equal(expected.Assignments.Count, (await Store.Profiles.ResolvedEventsAsync(0, logged[^1].Sequence, 10_000, _ => true, Ct)).Events.Count);

        Profile? Live(Profile p) => p.MergedInto is { } into ? Live(expected.Profiles.First(x => x.Id == into)) : p;
        // Who held a profile's events just before log position s: the survivors of the merges before s, followed.
        string OwnerAt(string id, long s) =>
            expected.Merges.FirstOrDefault(m => m.LoserId == id && m.Sequence < s) is { } m ? OwnerAt(m.WinnerId, s) : id;
    }

    [Fact]
    public async Task An_undo_in_a_split_fold_waits_for_every_partition_and_leaves_both_profiles_as_if_the_merge_had_never_happened()
    {
        await Store.Positions.SplitFoldAsync(SplitPartitions, Ct);
        var scenario = UndoScenario("", merging: true);
        await Store.Events.AppendAsync(scenario, Ct);
        await SettleSplitAsync(1);
        var survivor = await ProfileOfAsync(User("u1"));
        var merge = Assert.Single(await Store.Profiles.MergesAsync(survivor.Id, Ct));

        // The identity stage resolves the first Viewed (to the survivor) and must then wait with the undo until the
        // survivor's partition has reduced it: undone before, the Viewed would be counted by the undo and again by the partition.
        // A repeated message just before the undo: skipped by the log, and on PostgreSQL a sequence number spent, so the
        // undo's predecessor is missing: the wait must be for the identity stage's own position, not for seq − 1.
        await Store.Events.AppendAsync([Track("Viewed", At(19), "u1"), scenario[0], MergeUndoRequest.Create(merge.Id, "undo-split", _time.GetUtcNow(), "test"),
            Track("Viewed", At(20), "u1")], Ct);
        await new ProfilePipeline(Store.Events, Store.Positions, Store.Profiles, Store.Merges, Store.Triggers, new ProfileReducer(EngagementWeights.Default), _time,
            stage: FoldStage.Identities).CatchUpAsync(Ct);
        Assert.Null((await Store.Merges.GetMergeAsync(merge.Id, Ct))!.Merge.UndoneAt);
        await SettleSplitAsync(2);
        await Store.Events.AppendAsync(UndoScenario("x-", merging: false), Ct);
        await SettleSplitAsync(3);

        var restored = await ProfileOfAsync(Anon("a1"));
        Assert.Equal(merge.LoserId, restored.Id);
        Assert.NotNull((await Store.Merges.GetMergeAsync(merge.Id, Ct))!.Merge.UndoneAt);
        await AssertLikeAsync(await ProfileOfAsync(Anon("x-a1")), restored);
        var user = await ProfileOfAsync(User("u1"));
        Assert.Equal((await ProfileOfAsync(User("x-u1"))).Computed.EventCount + 2, user.Computed.EventCount); // the two Viewed around the undo, once each
    }

    [Fact]
    public async Task A_split_fold_reads_up_to_its_lowest_partition_and_keeps_its_number_of_partitions()
    {
        await IngestAsync(Track("Viewed", At(1), "u1"), Track("Viewed", At(2), "u2"));
        Assert.Equal(1, await Store.Positions.FoldPartitionsAsync(Ct));

        await Store.Positions.SplitFoldAsync(SplitPartitions, Ct);
        await Store.Positions.SplitFoldAsync(SplitPartitions, Ct); // again: nothing changes
        Assert.Equal(SplitPartitions, await Store.Positions.FoldPartitionsAsync(Ct));
        Assert.Equal(2, await Store.Positions.PositionAsync(Followers.Identities, Ct)); // it starts where the whole fold stood
        Assert.Equal(2, await Store.Positions.FoldedUpToAsync(Ct));
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => Store.Positions.SplitFoldAsync(8, Ct));
        Assert.Contains("split into 4 partitions, not 8", refused.Message);
        // The whole fold refuses to run beside the partitions (an import from the CLI, a node started without the setting).
        var whole = await Assert.ThrowsAsync<InvalidOperationException>(() => Pipeline().CatchUpAsync(Ct));
        Assert.Contains("Tailor:FoldPartitions = 4", whole.Message);

        await Store.Events.AppendAsync([Track("Viewed", At(3), "u1")], Ct);
        var reducer = new ProfileReducer(EngagementWeights.Default);
        await new ProfilePipeline(Store.Events, Store.Positions, Store.Profiles, Store.Merges, Store.Triggers, reducer, _time, stage: FoldStage.Identities).CatchUpAsync(Ct);
        var owner = new ProfilePartitioner(SplitPartitions).PartitionOf((await ProfileOfAsync(User("u1"))).Id);
        Assert.Equal(2, await Store.Positions.FoldedUpToAsync(Ct)); // resolved, not yet reduced
        for (var k = 0; k < SplitPartitions; k++)
        {
            if (k == owner) continue;
            await new FoldPartition(k, SplitPartitions, Store.Events, Store.Positions, Store.Profiles, reducer, _time).ProcessNextBatchAsync(100, Ct);
        }
        Assert.Equal(2, await Store.Positions.FoldedUpToAsync(Ct)); // the partition holding u1 has not reduced event 3
        Assert.Equal(1, (await ProfileOfAsync(User("u1"))).Computed.EventCount);
        await new FoldPartition(owner, SplitPartitions, Store.Events, Store.Positions, Store.Profiles, reducer, _time).ProcessNextBatchAsync(100, Ct);
        Assert.Equal(3, await Store.Positions.FoldedUpToAsync(Ct));
        Assert.Equal(2, (await ProfileOfAsync(User("u1"))).Computed.EventCount);
    }

    [Fact]
    public async Task A_whole_fold_still_running_when_the_store_is_split_applies_nothing_more()
    {
        await Store.Events.AppendAsync([Track("Viewed", At(1), "u1")], Ct);
        var running = Pipeline();
        await running.CatchUpAsync(Ct); // it holds its position (1) from here on
        await Store.Positions.SplitFoldAsync(SplitPartitions, Ct);
        await Store.Events.AppendAsync([Track("Viewed", At(2), "u1")], Ct);

        Assert.Equal(1, await running.ProcessNextBatchAsync(Ct)); // its commit is refused: the position it held is retired
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => running.ProcessNextBatchAsync(Ct)); // read again, the store is split
        Assert.Contains("split into 4 partitions", refused.Message);
        // Failing over and over, the host would set the next event aside: that too goes through the refusal, and the
        // retired position cannot be moved from by any commit.
        await Assert.ThrowsAsync<InvalidOperationException>(() => running.SetAsideNextAsync(new InvalidOperationException("failed"), 3, Ct));
        await Assert.ThrowsAsync<PositionConflictException>(() => Store.Profiles.CommitAsync(
            new ProfileChangeSet([], [], [], [], [], new PositionMove(Followers.Profiles, -1, 2)), Ct));
        Assert.Empty(await Store.DeadLetters.PendingDeadLettersAsync(Ct));
        await SettleSplitAsync(1);
        Assert.Equal(2, (await ProfileOfAsync(User("u1"))).Computed.EventCount); // once each
    }

    [Fact]
    public async Task Stages_that_split_the_store_at_the_same_moment_all_start()
    {
        await IngestAsync(Track("Viewed", At(1), "u1"));
        // The identity stage and every partition split the store when they start: on several nodes, at the same moment.
        var stores = Enumerable.Range(0, SplitPartitions + 1).Select(_ => OpenSameStore()).ToArray();
        try { await Task.WhenAll(stores.Select(s => s.Positions.SplitFoldAsync(SplitPartitions, Ct))); }
        finally { foreach (var s in stores) await s.DisposeAsync(); }

        Assert.Equal(SplitPartitions, await Store.Positions.FoldPartitionsAsync(Ct));
        Assert.Equal(1, await Store.Positions.PositionAsync(Followers.Identities, Ct));
        Assert.Equal(1, await Store.Positions.FoldedUpToAsync(Ct));
    }

    [Fact]
    public async Task A_profile_merged_away_after_the_segment_engine_read_it_does_not_enter_a_segment()
    {
        // Split, a partition completes a merge ahead of the position the segment engine reads up to: the engine may
        // have read the loser just before. Its entry would outlive the merge that removed the loser's memberships.
        using var engine = Engine();
        var segment = await SegmentAsync(engine, "Viewers", "performed \"Viewed\"");
        await IngestAsync(Track("Viewed", At(1), anonymousId: "a1"), Identify(At(2), "u1"));
        var loser = (await ProfileOfAsync(Anon("a1"))).Id;
        await IngestAsync(Identify(At(3), "u1", "a1")); // the visitor merges into the user

        var refused = await Assert.ThrowsAsync<PositionConflictException>(() => Store.Segments.ApplyMembershipAsync(
            new MembershipUpdate([new MembershipChange(segment.Id, loser, true, At(3))], []), Ct));
        Assert.Contains("merged-away", refused.Message);
        Assert.DoesNotContain(segment.Id, await Store.Segments.MembershipsAsync(loser, Ct));
    }
}
