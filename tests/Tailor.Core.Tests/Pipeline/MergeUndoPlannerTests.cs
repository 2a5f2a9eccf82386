using System.Text.Json.Nodes;
using Tailor.Core.Events;
using Tailor.Core.Identity;
using Tailor.Core.Pipeline;
using Tailor.Core.Profiles;
using Tailor.Core.Triggers;
using static Tailor.Tests.Support.Messages;

namespace Tailor.Core.Tests.Pipeline;

/// <summary>Which events, identities and journeys go back when a merge is undone (docs/profiles.md, "Undoing a merge").</summary>
public sealed class MergeUndoPlannerTests
{
    private static readonly DateTimeOffset Now = T0.AddDays(2);

    private static Identity.Identity User(string id) => new(IdentityTypes.UserId, id);
    private static Identity.Identity Anon(string id) => new(IdentityTypes.AnonymousId, id);

    private static JourneyRun Waiting(string id, string trigger, string profile, TailorEvent start) =>
        new(id, trigger, profile, 0, RunStatus.Waiting, At(10), At(60), null, null, null, 1, start.Payload);

    [Fact]
    public void Only_the_merged_away_profiles_events_and_later_events_carrying_only_its_ids_go_back()
    {
        TailorEvent[] events =
        [
            Page(At(1), anonymousId: "a1"),                                                              // the visitor's, before the merge
            Identify(At(2), "u1", traits: new JsonObject { ["plan"] = "pro" }),
            Identify(At(3), "u1", "a1", new JsonObject { ["plan"] = "max" }),                            // the merge
            Track("Viewed", At(4), anonymousId: "a1"),                                                   // only the visitor's id
            Track("Viewed", At(5), anonymousId: "a1", context: new JsonObject { ["device"] = new JsonObject { ["id"] = "d-new" } }),
            Track("Viewed", At(6), "undefined", "a1"),                                                   // an ignored id does not count
            Track("Viewed", At(7), "u1"),
        ];
        var logged = events.Select((e, i) => new LoggedEvent(i + 1, e)).ToList();
        var record = new MergeRecord(new ProfileMerge("w", "l", At(3), events[2].MessageId, "identify linked") { Id = 9, Sequence = 3 }, [Anon("a1")], [1], []);
        var loser = new Profile { Id = "l", CreatedAt = T0, UpdatedAt = T0, MergedInto = "w" };
        var survivor = new Profile { Id = "w", CreatedAt = T0.AddMinutes(1), UpdatedAt = T0, Identities = [Anon("a1"), User("u1"), new(IdentityTypes.DeviceId, "d-new")] };
        JourneyRun[] runs = [Waiting("r4", "t1", "w", events[3]), Waiting("r7", "t2", "w", events[6]), Waiting("r6", "t3", "w", events[5]), Waiting("rl", "t3", "l", events[0])];

        var undo = new MergeUndoPlanner(new ProfileReducer(EngagementWeights.Default)).Plan(record, loser, survivor, logged, runs, 42, Now);

        Assert.Equal([1L, 4L, 6L], undo.Events);
        Assert.Equal([Anon("a1")], undo.Identities);
        Assert.Equal([User("u1"), new Identity.Identity(IdentityTypes.DeviceId, "d-new")], undo.Survivor.Identities);
        Assert.Equal((3L, 4L), (undo.Restored.Computed.EventCount, undo.Survivor.Computed.EventCount));
        Assert.Equal("max", undo.Survivor.Traits["plan"].Value.GetString()); // the merging event stays with the survivor
        Assert.Empty(undo.Restored.Traits);
        Assert.Equal(["r4"], undo.Runs); // r6's trigger already has a waiting run on the restored profile
        Assert.Equal((9L, 42L, Now, (string?)null), (undo.MergeId, undo.Position.From, undo.At, undo.Restored.MergedInto));
        Assert.Equal((T0, Now), (undo.Restored.CreatedAt, undo.Restored.UpdatedAt));
    }
}
