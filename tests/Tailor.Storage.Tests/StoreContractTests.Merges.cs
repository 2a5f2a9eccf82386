using System.Text.Json;
using System.Text.Json.Nodes;
using Tailor.Core.Events;
using Tailor.Core.Identity;
using Tailor.Core.Pipeline;
using Tailor.Core.Profiles;
using Tailor.Core.Segments;
using Tailor.Core.Storage;
using Tailor.Core.Triggers;
using static Tailor.Tests.Support.Messages;
using Tailor.Application.Pipeline;

namespace Tailor.Storage.Tests;

/// <summary>
/// Merge records, their undo and the refusals of the merge guards and caps. The expectation for an undo is built
/// independently: the same events, their identities renamed (<c>x-</c>) and the merging event without the other
/// side's identity, sent to the same store, where they never merge.
/// </summary>
public abstract partial class StoreContractTests
{
    private int _undoRequests;

    /// <summary>An anonymous visitor and a known user with history on both sides; event 6 ties them when <paramref name="merging"/>.</summary>
    private static TailorEvent[] UndoScenario(string p, bool merging) =>
    [
        Identify(At(1), anonymousId: $"{p}a1", traits: new JsonObject
        {
            ["name"] = "Ann", ["email"] = $"{p}ann@example.com", ["color"] = "red", ["consent"] = new JsonObject { ["email"] = true },
        }),
        Track("Order Completed", At(2), anonymousId: $"{p}a1", properties: new JsonObject { ["revenue"] = 5 }),
        TagsUpdated(At(3), anonymousId: $"{p}a1", add: ["browser"]),
        Identify(At(4), $"{p}u1", traits: new JsonObject { ["plan"] = "pro", ["color"] = "blue" }),
        Track("Order Completed", At(5), $"{p}u1", properties: new JsonObject { ["revenue"] = 10 }),
        Identify(At(6), $"{p}u1", merging ? $"{p}a1" : null, traits: new JsonObject { ["plan"] = "max" }),
        Page(At(7), anonymousId: $"{p}a1", name: "Home"),                                        // after the merge, only the visitor's id
        Identify(At(8), anonymousId: $"{p}a1", traits: new JsonObject { ["color"] = "green" }),
        Track("Viewed", At(9), $"{p}u1"),
    ];

    private async Task UndoAsync(long mergeId)
    {
        await Store.Events.AppendAsync([MergeUndoRequest.Create(mergeId, $"undo-{mergeId}-{++_undoRequests}", _time.GetUtcNow(), "test")], Ct);
        await Pipeline().CatchUpAsync(Ct);
    }

    private static ProfileIdentifier Renamed(ProfileIdentifier identity) =>
        identity with { Value = identity.Value.StartsWith("x-", StringComparison.Ordinal) ? identity.Value[2..] : identity.Value };

    /// <summary>Asserts that <paramref name="actual"/> holds what <paramref name="expected"/> (the <c>x-</c> copy) holds.</summary>
    private async Task AssertLikeAsync(Profile expected, Profile actual)
    {
        Assert.Null(actual.MergedInto);
        Assert.Equal(expected.Identities.Select(Renamed).ToHashSet(), actual.Identities.ToHashSet());
        AssertFoldedAlike(expected, actual, exceptTrait: "email"); // renamed on purpose

        static (string, string?, DateTimeOffset) Shape(LoggedEvent l) => (l.Event.Type.ToWire(), l.Event.Name, l.Event.Timestamp);
        Assert.Equal((await Store.Merges.AllProfileEventsAsync(expected.Id, Ct)).Select(Shape), (await Store.Merges.AllProfileEventsAsync(actual.Id, Ct)).Select(Shape));
        static (string, string, DateTimeOffset) Change(TraitChange c) => (c.Name, c.Name == "email" ? "" : c.Value.GetRawText(), c.At);
        Assert.Equal((await Store.Profiles.TraitHistoryAsync(expected.Id, null, Ct)).Select(Change), (await Store.Profiles.TraitHistoryAsync(actual.Id, null, Ct)).Select(Change));
        Assert.Equal((await Store.Segments.MembershipsAsync(expected.Id, Ct)).Order(), (await Store.Segments.MembershipsAsync(actual.Id, Ct)).Order());
    }

    /// <summary>Asserts that two folds gave the same traits (value and time), computed traits, consent and tags.</summary>
    private static void AssertFoldedAlike(Profile expected, Profile actual, string? exceptTrait = null)
    {
        Assert.Equal(expected.Traits.Keys.Where(k => k != exceptTrait).Order(), actual.Traits.Keys.Where(k => k != exceptTrait).Order());
        foreach (var (name, value) in expected.Traits)
        {
            if (name == exceptTrait) continue;
            Assert.True(JsonElement.DeepEquals(value.Value, actual.Traits[name].Value), $"trait {name}");
            Assert.Equal(value.At, actual.Traits[name].At);
        }
        var (e, a) = (expected.Computed, actual.Computed);
        Assert.Equal((e.FirstSeen, e.LastSeen, e.EventCount, e.OrderCount, e.TotalRevenue, e.LastOrderAt, e.EngagementScore),
            (a.FirstSeen, a.LastSeen, a.EventCount, a.OrderCount, a.TotalRevenue, a.LastOrderAt, a.EngagementScore));
        Assert.Equal(e.EventCounts.OrderBy(c => c.Key), a.EventCounts.OrderBy(c => c.Key));
        Assert.Equal(expected.Consent.OrderBy(c => c.Key), actual.Consent.OrderBy(c => c.Key));
        Assert.Equal(expected.Tags, actual.Tags);
    }

    [Fact]
    public async Task Merge_keeps_what_the_merged_away_profile_held()
    {
        await IngestAsync(UndoScenario("", merging: true));

        var survivor = await ProfileOfAsync(User("u1"));
        var merge = Assert.Single(await Store.Profiles.MergesAsync(survivor.Id, Ct));
        var record = await Store.Merges.GetMergeAsync(merge.Id, Ct);

        Assert.NotNull(record);
        Assert.Equal(merge, record.Merge);
        Assert.True(merge.Id > 0);
        Assert.Null(merge.UndoneAt);
        Assert.Equal(new HashSet<ProfileIdentifier> { Anon("a1"), Email("ann@example.com") }, record.LoserIdentities.ToHashSet());
        Assert.Equal([1L, 2L, 3L], record.LoserEvents);
        Assert.Equal(6, merge.Sequence);
        Assert.Equal(merge.LoserId, (await Store.Merges.GetStoredProfileAsync(merge.LoserId, Ct))?.Id);
        Assert.Equal(survivor.Id, (await Store.Merges.GetStoredProfileAsync(merge.LoserId, Ct))?.MergedInto);
        Assert.Null(await Store.Merges.GetMergeAsync(merge.Id + 100, Ct));
    }

    [Fact]
    public async Task Undone_merge_leaves_both_profiles_as_if_it_had_never_happened()
    {
        var engine = Engine();
        await SegmentAsync(engine, "Browsers", "has tag \"browser\"");
        await SegmentAsync(engine, "Green", "trait color = \"green\"");
        await SettleAsync(engine, UndoScenario("", merging: true));
        var survivor = await ProfileOfAsync(User("u1"));
        var merge = Assert.Single(await Store.Profiles.MergesAsync(survivor.Id, Ct));
        Assert.Equal(new HashSet<string> { "Browsers", "Green" }, await SegmentsOfAsync(engine, "u1"));
        _time.Advance(TimeSpan.FromMinutes(5));

        await UndoAsync(merge.Id);
        await SettleAsync(engine);
        await SettleAsync(engine, UndoScenario("x-", merging: false));

        var restored = await ProfileOfAsync(Anon("a1"));
        Assert.Equal(merge.LoserId, restored.Id);
        Assert.Equal(survivor.Id, (await ProfileOfAsync(User("u1"))).Id);
        await AssertLikeAsync(await ProfileOfAsync(User("x-u1")), await ProfileOfAsync(User("u1")));
        await AssertLikeAsync(await ProfileOfAsync(Anon("x-a1")), restored);
        Assert.Empty(await SegmentsOfAsync(engine, "u1"));
        Assert.Equal(new HashSet<string> { "seg-Browsers", "seg-Green" }, (await Store.Segments.MembershipsAsync(restored.Id, Ct)).ToHashSet());
        // The membership history shows the survivor leaving and the restored profile entering, at the undo.
        var history = await Store.Segments.MembershipHistoryAsync(survivor.Id, null, 10, Ct);
        Assert.Contains(history, h => h is { SegmentId: "seg-Green", Entered: false } && h.At == _time.GetUtcNow());
        Assert.Contains(await Store.Segments.MembershipHistoryAsync(restored.Id, null, 10, Ct), h => h is { SegmentId: "seg-Green", Entered: true });

        var undone = (await Store.Merges.GetMergeAsync(merge.Id, Ct))!.Merge;
        Assert.Equal(_time.GetUtcNow(), undone.UndoneAt);
        Assert.Equal($"restored {restored.Id} from {survivor.Id}; moved back: identities 2, events 5, waiting journeys 0", undone.Undo);
        Assert.Equal(4, await Store.Profiles.ProfileCountAsync(Ct));
        Assert.Equal(await Store.Events.LastSequenceAsync(Ct), await Store.Positions.PositionAsync(Followers.Profiles, Ct));
    }

    [Fact]
    public async Task Undo_gives_back_a_trait_change_that_the_merged_profile_did_not_record_because_it_already_held_the_value()
    {
        // After the merge the visitor says color "blue" again: the merged profile already held blue (the user's), so
        // no history row was written; for the visitor alone it is a change from red, and the undo must show it.
        static TailorEvent[] Scenario(string p, bool merging) =>
        [
            Identify(At(1), anonymousId: $"{p}a1", traits: new JsonObject { ["color"] = "red" }),
            Identify(At(2), $"{p}u1", traits: new JsonObject { ["color"] = "blue" }),
            Identify(At(3), $"{p}u1", merging ? $"{p}a1" : null),
            Identify(At(4), anonymousId: $"{p}a1", traits: new JsonObject { ["color"] = "blue" }),
        ];
        await IngestAsync(Scenario("", merging: true));
        var survivor = await ProfileOfAsync(User("u1"));
        Assert.Equal(["\"blue\"", "\"red\""], (await Store.Profiles.TraitHistoryAsync(survivor.Id, "color", Ct)).Select(h => h.Value.GetRawText()).Order());

        await UndoAsync(Assert.Single(await Store.Profiles.MergesAsync(survivor.Id, Ct)).Id);
        await IngestAsync(Scenario("x-", merging: false));

        var restored = await ProfileOfAsync(Anon("a1"));
        Assert.Equal(["\"red\"", "\"blue\""], (await Store.Profiles.TraitHistoryAsync(restored.Id, "color", Ct)).Select(h => h.Value.GetRawText()));
        await AssertLikeAsync(await ProfileOfAsync(User("x-u1")), await ProfileOfAsync(User("u1")));
        await AssertLikeAsync(await ProfileOfAsync(Anon("x-a1")), restored);
    }

    [Fact]
    public async Task Undo_keeps_the_trait_history_of_events_that_retention_has_removed()
    {
        await IngestAsync([
            Identify(At(1), anonymousId: "a1", traits: new JsonObject { ["color"] = "red" }),
            Identify(At(2), "u1", traits: new JsonObject { ["plan"] = "pro" }),
            Identify(At(3), "u1", "a1"),
            Track("Viewed", T0.AddDays(100), "u1"), // young enough to stay
        ]);
        var survivor = await ProfileOfAsync(User("u1"));
        var merge = Assert.Single(await Store.Profiles.MergesAsync(survivor.Id, Ct));
        await Store.Segments.ApplyMembershipAsync(new MembershipUpdate([], [], new PositionMove(Followers.Segments, 0, await Store.Events.LastSequenceAsync(Ct))), Ct);
        _time.SetUtcNow(T0.AddDays(120));
        var policy = Tailor.Core.Privacy.EventRetentionPolicy.Parse(new Dictionary<string, string> { ["identify"] = "90d" }, out _);
        Assert.Equal(3, await new Tailor.Application.Privacy.EventRetention(Store.Privacy, Store.Positions, _time).RunAsync(policy, Ct));

        await UndoAsync(merge.Id);

        // The history is the record of what the traits held; the events it came from are gone, so it stays with the survivor.
        Assert.Equal(["\"pro\"", "\"red\""], (await Store.Profiles.TraitHistoryAsync(survivor.Id, null, Ct)).Select(h => h.Value.GetRawText()).Order());
    }

    [Fact]
    public async Task The_merging_event_and_later_events_carrying_both_sides_stay_with_the_survivor()
    {
        var events = UndoScenario("", merging: true);
        var both = Track("Clicked", At(10), "u1", "a1");
        await IngestAsync([.. events, both]);
        var survivor = await ProfileOfAsync(User("u1"));
        var merge = Assert.Single(await Store.Profiles.MergesAsync(survivor.Id, Ct));

        await UndoAsync(merge.Id);

        var kept = (await Store.Merges.AllProfileEventsAsync(survivor.Id, Ct)).Select(e => e.Event.MessageId).ToList();
        Assert.Equal([events[3].MessageId, events[4].MessageId, events[5].MessageId, events[8].MessageId, both.MessageId], kept);
        var back = (await Store.Merges.AllProfileEventsAsync(merge.LoserId, Ct)).Select(e => e.Event.MessageId).ToList();
        Assert.Equal([events[0].MessageId, events[1].MessageId, events[2].MessageId, events[6].MessageId, events[7].MessageId], back);
        Assert.Equal(merge.LoserId, (await ProfileOfAsync(Anon("a1"))).Id); // the identity went back; nothing merged again
        Assert.Equal(2, await Store.Profiles.ProfileCountAsync(Ct));
    }

    [Fact]
    public async Task A_new_linking_event_after_an_undo_merges_the_two_again()
    {
        await IngestAsync(UndoScenario("", merging: true));
        var merge = Assert.Single(await Store.Profiles.MergesAsync((await ProfileOfAsync(User("u1"))).Id, Ct));
        await UndoAsync(merge.Id);
        Assert.Equal(2, await Store.Profiles.ProfileCountAsync(Ct));

        await IngestAsync(Identify(At(10), "u1", "a1"));
        await IngestAsync([.. UndoScenario("x-", merging: true), Identify(At(10), "x-u1", "x-a1")]);

        var again = await ProfileOfAsync(User("u1"));
        Assert.Equal(again.Id, (await ProfileOfAsync(Anon("a1"))).Id);
        Assert.Equal(merge.WinnerId, again.Id);
        await AssertLikeAsync(await ProfileOfAsync(User("x-u1")), again);
        var merges = await Store.Profiles.MergesAsync(again.Id, Ct);
        Assert.Equal(2, merges.Count);
        Assert.NotNull(merges[0].UndoneAt);
        Assert.Null(merges[1].UndoneAt);
    }

    [Fact]
    public async Task A_second_undo_changes_nothing_and_is_recorded_as_refused()
    {
        await IngestAsync(UndoScenario("", merging: true));
        var merge = Assert.Single(await Store.Profiles.MergesAsync((await ProfileOfAsync(User("u1"))).Id, Ct));
        await UndoAsync(merge.Id);
        var first = (await Store.Merges.GetMergeAsync(merge.Id, Ct))!.Merge;
        var restored = await ProfileOfAsync(Anon("a1"));
        _time.Advance(TimeSpan.FromMinutes(1));

        await UndoAsync(merge.Id);
        await UndoAsync(merge.Id + 100);

        Assert.Equal(first, (await Store.Merges.GetMergeAsync(merge.Id, Ct))!.Merge);
        Storage.Tests.Support.ProfileAssert.Equivalent(restored, await ProfileOfAsync(Anon("a1")));
        var refusals = await Store.Merges.RefusalsAsync(null, 10, Ct);
        Assert.Equal([ProfileRefusalKinds.Undo, ProfileRefusalKinds.Undo], refusals.Select(r => r.Kind));
        Assert.Contains("no such merge", refusals[0].Detail, StringComparison.Ordinal);
        Assert.Contains("undone at", refusals[1].Detail, StringComparison.Ordinal);
        Assert.Equal(await Store.Events.LastSequenceAsync(Ct), await Store.Positions.PositionAsync(Followers.Profiles, Ct));
    }

    [Fact]
    public async Task Undoing_the_first_of_two_chained_merges_restores_the_middle_profile_from_the_final_one()
    {
        await IngestAsync(
            Track("Viewed", At(1), anonymousId: "a"),                                              // makes profile a
            Identify(At(2), anonymousId: "b", traits: new JsonObject { ["email"] = "b@example.com" }), // makes profile b
            Identify(At(3), anonymousId: "a", traits: new JsonObject { ["email"] = "b@example.com" }), // b joins a
            Identify(At(4), "u9"),                                                                  // makes profile u
            Identify(At(5), "u9", "a"));                                                            // a joins u
        var logged = await Store.Events.ReadSealedAfterAsync(0, 10, Ct);
        var (a, b, u) = (ProfileIds.ForEvent(logged[0]), ProfileIds.ForEvent(logged[1]), ProfileIds.ForEvent(logged[3]));
        var first = (await Store.Profiles.MergesAsync(b, Ct))[0];
        Assert.Equal((a, b), (first.WinnerId, first.LoserId));

        await UndoAsync(first.Id);

        Assert.Equal(b, (await ProfileOfAsync(Anon("b"))).Id);
        Assert.Equal(u, (await ProfileOfAsync(Anon("a"))).Id);
        Assert.Equal(b, (await ProfileOfAsync(Email("b@example.com"))).Id); // it was b's when they merged
        Assert.Equal(1, (await ProfileOfAsync(Anon("b"))).Computed.EventCount);
        Assert.Equal(4, (await ProfileOfAsync(User("u9"))).Computed.EventCount);
        Assert.Equal(2, await Store.Profiles.ProfileCountAsync(Ct));
    }

    [Fact]
    public async Task Undo_moves_a_waiting_journey_started_by_an_event_that_goes_back()
    {
        await IngestAsync(UndoScenario("", merging: true));
        var survivor = await ProfileOfAsync(User("u1"));
        var merge = Assert.Single(await Store.Profiles.MergesAsync(survivor.Id, Ct));
        var page = (await Store.Merges.AllProfileEventsAsync(survivor.Id, Ct)).Single(e => e.Event.Type == EventType.Page);
        var order = (await Store.Merges.AllProfileEventsAsync(survivor.Id, Ct)).First(e => e.Event.Name == "Order Completed" && e.Event.UserId == "u1");
        JourneyRun Run(string id, string trigger, LoggedEvent start) =>
            new(id, trigger, survivor.Id, 0, RunStatus.Waiting, At(7), At(60), null, null, null, 1, start.Event.Payload);
        await Store.Triggers.CommitJourneysAsync(new JourneyCommit([new(Run("r-page", "t1", page), null), new(Run("r-order", "t2", order), null)], [], [], [], null), Ct);

        await UndoAsync(merge.Id);

        var waiting = await Store.Triggers.WaitingRunsAsync([survivor.Id, merge.LoserId], Ct);
        Assert.Equal(merge.LoserId, waiting.Single(r => r.Id == "r-page").ProfileId);
        Assert.Equal(survivor.Id, waiting.Single(r => r.Id == "r-order").ProfileId);
    }

    [Fact]
    public async Task Refusals_of_the_guards_and_caps_are_recorded_and_listed_newest_first()
    {
        var limits = new ProfileLimits { MaxTraits = 2 };
        var pipeline = Pipeline(Store, new ProfileReducer(EngagementWeights.Default) { Limits = limits });
        await Store.Events.AppendAsync([
            Track("Viewed", At(1), "undefined", "null"),
            Identify(At(2), "u1", traits: new JsonObject { ["a"] = 1, ["b"] = 2 }),
            Identify(At(3), "u1", traits: new JsonObject { ["a"] = 3, ["c"] = 4 }),
        ], Ct);
        await pipeline.CatchUpAsync(Ct);

        var profile = await ProfileOfAsync(User("u1"));
        Assert.Equal(3, profile.Traits["a"].Value.GetInt32());
        Assert.False(profile.Traits.ContainsKey("c"));
        Assert.Null(await Store.Profiles.FindProfileAsync(User("undefined"), Ct));
        Assert.Equal(1, await Store.Profiles.ProfileCountAsync(Ct));
        var all = await Store.Merges.RefusalsAsync(null, 10, Ct);
        Assert.Equal([(profile.Id, ProfileRefusalKinds.Trait, 3L), (null, ProfileRefusalKinds.Unresolvable, 1L)],
            all.Select(r => (r.ProfileId, r.Kind, r.Sequence)));
        Assert.Equal([all[0]], await Store.Merges.RefusalsAsync(profile.Id, 10, Ct));
    }
}
