using System.Text.Json.Nodes;
using Tailor.Core.Destinations;
using Tailor.Core.Identity;
using Tailor.Core.Storage;
using static Tailor.Tests.Support.Messages;

namespace Tailor.Storage.Tests;

/// <summary>Destinations: saved once per name, settings kept as given, a commit moves positions and counters together (or nothing), delete drops positions.</summary>
public abstract partial class StoreContractTests
{
    private static Destination Lake(string id, string name) =>
        new(id, name, DestinationKinds.Parquet, new DestinationSettings { Directory = "/data/lake", Tables = ["events", "profiles"], Rename = new Dictionary<string, string> { ["a"] = "b" } },
            false, At(1), At(1));

    [Fact]
    public async Task Destinations_keep_their_settings_refuse_a_second_name_and_commit_positions_with_counters()
    {
        Assert.True(await Store.Destinations.SaveDestinationAsync(Lake("dst_1", "lake"), Ct));
        Assert.False(await Store.Destinations.SaveDestinationAsync(Lake("dst_2", "lake"), Ct));
        Assert.True(await Store.Destinations.SaveDestinationAsync(Lake("dst_1", "lake") with { Paused = true, UpdatedAt = At(2) }, Ct));
        var read = await Store.Destinations.GetDestinationAsync("dst_1", Ct);
        Assert.Equal((true, At(2), "/data/lake"), (read!.Paused, read.UpdatedAt, read.Settings.Directory));
        Assert.Equal(["events", "profiles"], read.Settings.Tables!);
        Assert.Equal("b", read.Settings.Rename!["a"]);
        Assert.Equal(["lake"], (await Store.Destinations.ListDestinationsAsync(Ct)).Select(d => d.Name));

        var events = read.PositionName(ExportTables.Events);
        var letter = new DeadLetter(0, "destinations", "dst_1:events:1-5", null, "{}", "HTTP 500", null, 5, At(3));
        await Store.Destinations.CommitAsync(new DestinationCommit("dst_1", [new PositionMove(events, 0, 5)], 4, 1, letter), Ct);
        await Store.Destinations.RecordErrorAsync("dst_1", "boom", At(4), Ct);
        // A stale move changes nothing: neither position nor counters.
        await Assert.ThrowsAsync<PositionConflictException>(() => Store.Destinations.CommitAsync(new DestinationCommit("dst_1", [new PositionMove(events, 0, 9)], 100, 0), Ct));
        Assert.Equal(5, await Store.Positions.PositionAsync(events, Ct));
        var counters = await Store.Destinations.CountersAsync("dst_1", Ct);
        Assert.Equal((4L, 1L, "boom"), (counters.Sent, counters.Skipped, counters.LastError));
        Assert.Equal("dst_1:events:1-5", Assert.Single(await Store.DeadLetters.ListDeadLettersAsync(new DeadLetterQuery("destinations"), Ct)).Key);

        Assert.True(await Store.Destinations.DeleteDestinationAsync("dst_1", Ct));
        Assert.Equal(0, await Store.Positions.PositionAsync(events, Ct));
        Assert.Null(await Store.Destinations.GetDestinationAsync("dst_1", Ct));
        Assert.False(await Store.Destinations.DeleteDestinationAsync("dst_1", Ct));
    }

    [Fact]
    public async Task The_consent_read_gives_what_the_full_profile_read_gives_of_merge_links_and_consent_and_nothing_else()
    {
        await IngestAsync(
            Track("Page Viewed", At(1), anonymousId: "anon-9"),
            Identify(At(2), "sharer-9", traits: new JsonObject { ["email"] = "sharer@example.com", ["consent"] = new JsonObject { ["data sharing"] = true, ["email"] = false } }));
        var anonymous = (await ProfileOfAsync(new ProfileIdentifier(IdentityTypes.AnonymousId, "anon-9"))).Id;
        var sharer = (await ProfileOfAsync(new ProfileIdentifier(IdentityTypes.UserId, "sharer-9"))).Id;
        await IngestAsync(Identify(At(3), "sharer-9", "anon-9")); // one device, one person: the two profiles merge
        string[] ids = [anonymous, sharer, "prf_nobody"];

        var full = await Store.Destinations.ProfilesAsync(ids, Ct);
        var narrow = await Store.Destinations.ConsentsAsync(ids, Ct);

        Assert.Equal(full.Keys.Order(StringComparer.Ordinal), narrow.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(2, narrow.Count);
        foreach (var id in narrow.Keys)
        {
            Assert.Equal((full[id].Id, full[id].CreatedAt, full[id].MergedInto), (narrow[id].Id, narrow[id].CreatedAt, narrow[id].MergedInto));
            Assert.Equal(full[id].Consent.OrderBy(c => c.Key, StringComparer.Ordinal), narrow[id].Consent.OrderBy(c => c.Key, StringComparer.Ordinal));
            Assert.Empty(narrow[id].Traits);
            Assert.Empty(narrow[id].Identities);
        }
        var merged = Assert.Single(narrow.Values, p => p.MergedInto is not null);
        var survivor = narrow[merged.MergedInto!];
        Assert.Equal((true, false), (survivor.Consent["data sharing"].Granted, survivor.Consent["email"].Granted));
    }

    [Fact]
    public async Task The_UTF8_read_of_assigned_events_gives_what_the_event_read_gives_with_each_payload_clear()
    {
        await IngestAsync(
            Identify(At(1), "reader-1", traits: new JsonObject { ["email"] = "reader@example.com", ["name"] = "Zoë Ångström", ["consent"] = new JsonObject { ["data sharing"] = true } }),
            Track("Order Completed", At(2), "reader-1", properties: new JsonObject { ["revenue"] = 12.5, ["note"] = "naïve \"quoted\" ☃" }),
            Page(At(3), anonymousId: "anon-reader", name: "Home"),
            Track("Product Viewed", At(4), "reader-1"));
        var upTo = await Store.Positions.PositionAsync(Followers.Profiles, Ct);
        var expected = await Store.Triggers.AssignedEventsAsync(1, upTo, 2, Ct); // after the first, at most two

        var visitor = new CollectingVisitor();
        var count = await Store.Destinations.VisitAssignedEventsAsync(1, upTo, 2, visitor, Ct);

        Assert.Equal(2, count);
        Assert.Equal(expected.Select(e => (e.Sequence, e.ProfileId, e.Event.MessageId, e.Event.Type, e.Event.Name, e.Event.UserId, e.Event.AnonymousId,
                e.Event.Timestamp, e.Event.ReceivedAt, e.Event.SourceId, e.Event.Payload)),
            visitor.Seen.Select(v => (v.Columns.Sequence, v.Columns.ProfileId, v.Columns.MessageId, v.Columns.Type, v.Columns.Name, v.Columns.UserId,
                v.Columns.AnonymousId, v.Columns.Timestamp, v.Columns.ReceivedAt, v.Columns.SourceId, v.Payload)));
        // The whole range, the identify with its (on an encrypting store, encrypted at rest) email first: clear as the event read gives it.
        var all = new CollectingVisitor();
        Assert.Equal(4, await Store.Destinations.VisitAssignedEventsAsync(0, upTo, 10, all, Ct));
        Assert.Equal((await Store.Triggers.AssignedEventsAsync(0, upTo, 10, Ct)).Select(e => e.Event.Payload), all.Seen.Select(v => v.Payload));
        Assert.Contains("reader@example.com", all.Seen[0].Payload, StringComparison.Ordinal);
        Assert.Equal(0, await Store.Destinations.VisitAssignedEventsAsync(upTo, upTo, 10, new CollectingVisitor(), Ct));
    }

    private sealed class CollectingVisitor : IAssignedEventVisitor
    {
        public List<(AssignedEventColumns Columns, string Payload)> Seen { get; } = [];

        public void Visit(in AssignedEventColumns columns, ReadOnlySpan<byte> payload) => Seen.Add((columns, System.Text.Encoding.UTF8.GetString(payload)));
    }
}
