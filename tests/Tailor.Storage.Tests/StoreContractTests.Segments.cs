using System.Text.Json.Nodes;
using Tailor.Core.Events;
using Tailor.Core.Identity;
using Tailor.Core.Profiles;
using Tailor.Core.Segments;
using Tailor.Core.Segments.Text;
using Tailor.Core.Storage;
using static Tailor.Tests.Support.Messages;
using Tailor.Application.Segments;

namespace Tailor.Storage.Tests;

/// <summary>
/// Segments through the store: incremental evaluation after the pipeline, exact time windows driven by a fake clock
/// and persisted timers, nesting, merges, and agreement between incremental evaluation and a full recompute.
/// </summary>
public abstract partial class StoreContractTests
{
    private const string RecentBuyers = "performed \"Order Completed\" in last 30 days";
    private const string Lapsed = "performed \"Order Completed\" and not performed \"Order Completed\" in last 60 days";

    private SegmentEngine Engine(TailorDatabase? store = null)
    {
        var database = store ?? Store;
        return new(database.Segments, database.Positions, database.Profiles, _time);
    }

    private async Task<SegmentDefinition> SegmentAsync(SegmentEngine engine, string name, string rule, string? parent = null, int minSize = 50)
    {
        var segment = new SegmentDefinition($"seg-{name.Replace(' ', '-')}", name, RuleParser.Parse(rule),
            parent is null ? null : engine.Catalog.ByName(parent)!.Id, minSize, _time.GetUtcNow(), _time.GetUtcNow());
        Assert.Null(SegmentValidator.Validate(segment, engine.Catalog));
        await Store.Segments.SaveSegmentAsync(segment, Ct);
        await engine.ReloadAsync(Ct);
        return segment;
    }

    /// <summary>Runs the pipeline and the segment engine until nothing is left, as the server's workers would.</summary>
    private async Task SettleAsync(SegmentEngine engine, params TailorEvent[] events)
    {
        if (events.Length > 0) await Store.Events.AppendAsync(events, Ct);
        await Pipeline().CatchUpAsync(Ct);
        while (await engine.ProcessNextBatchAsync(Ct) > 0) { }
        while (await engine.FireDueTimersAsync(Ct) > 0) { }
    }

    private async Task<IReadOnlySet<string>> SegmentsOfAsync(SegmentEngine engine, string userId)
    {
        var profile = await ProfileOfAsync(User(userId));
        var ids = await Store.Segments.MembershipsAsync(profile.Id, Ct);
        return ids.Select(id => engine.Catalog.ById(id)!.Name).ToHashSet();
    }

    private static TailorEvent Order(DateTimeOffset at, string userId, decimal revenue = 10, string? category = null) =>
        Track("Order Completed", at, userId, properties: category is null ? new JsonObject { ["revenue"] = revenue } : new JsonObject { ["revenue"] = revenue, ["category"] = category });

    [Fact]
    public async Task A_snapshot_holds_each_profiles_own_events_of_the_scope_from_each_names_moment_with_payloads_only_where_asked()
    {
        var now = _time.GetUtcNow();
        await Store.Events.AppendAsync([
            Order(now - TimeSpan.FromDays(2), "snap1", 10, "shoes"),
            Order(now - TimeSpan.FromDays(40), "snap1", 20), // before the scope's moment for orders
            Page(now - TimeSpan.FromHours(1), "snap1"),
            Track("Product Viewed", now - TimeSpan.FromHours(3), "snap1", properties: new JsonObject { ["category"] = "hats" }),
            Order(now - TimeSpan.FromDays(1), "snap2", 30),
            Page(now - TimeSpan.FromHours(2), "snap2"),
            Track("Page Viewed", now - TimeSpan.FromHours(2), "snap2"), // a track named like the counted page name is not a page view
        ], Ct);
        await Pipeline().CatchUpAsync(Ct);
        var one = (await ProfileOfAsync(User("snap1"))).Id;
        var two = (await ProfileOfAsync(User("snap2"))).Id;

        var scope = new SnapshotScope(new Dictionary<string, EventScope>(StringComparer.Ordinal)
        {
            ["Order Completed"] = new(now - TimeSpan.FromDays(30), Payload: true),
            ["Page Viewed"] = new(null, Payload: false),
        }, Profile: ProfileParts.None, TimerSegments: [], Timeline: true);
        // Unknown ids, one with the characters a list of them must escape, and more ids than a page holds.
        string[] ids = [one, "no \"such\" \\ profile", .. Enumerable.Range(0, 600).Select(i => $"prf-missing-{i}"), two];
        var snapshots = (await Store.Segments.SnapshotsAsync(ids, scope, Ct)).ToDictionary(s => s.Profile.Id);

        Assert.Equal(new HashSet<string>([one, two]), snapshots.Keys.ToHashSet());
        var first = snapshots[one].Events;
        Assert.Equal(["Order Completed", "Page Viewed"], first.Select(e => e.Name));
        Assert.Equal([now - TimeSpan.FromDays(2), now - TimeSpan.FromHours(1)], first.Select(e => e.Timestamp));
        Assert.Equal("shoes", first[0].Property("category").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Undefined, first[1].Message.ValueKind); // no payload asked for page views
        Assert.Equal(4, snapshots[one].Timeline!.Count);
        Assert.Equal(["Order Completed", "Page Viewed"], snapshots[two].Events.Select(e => e.Name));
        Assert.Equal(30, snapshots[two].Events[0].Property("revenue").GetInt32());

        // One name alone: only the page's profiles' events of it, each profile's own.
        var orders = await Store.Segments.SnapshotsAsync([two],
            new SnapshotScope(new Dictionary<string, EventScope> { ["Order Completed"] = new(null, true) }, ProfileParts.None, []), Ct);
        Assert.Equal([now - TimeSpan.FromDays(1)], orders.Single().Events.Select(e => e.Timestamp));
        Assert.Null(orders.Single().Timeline);
    }

    [Fact]
    public async Task A_snapshot_reads_only_the_parts_of_the_profile_its_scope_names()
    {
        var now = _time.GetUtcNow();
        await Store.Events.AppendAsync([
            Identify(now - TimeSpan.FromHours(4), "parts1", traits: new JsonObject { ["plan"] = "pro" }),
            Order(now - TimeSpan.FromHours(3), "parts1", 25),
            TagsUpdated(now - TimeSpan.FromHours(2), "parts1", add: ["vip"]),
            Track("Product Viewed", now - TimeSpan.FromHours(1), "parts1", context: new JsonObject
            {
                ["consent"] = new JsonObject { ["categoryPreferences"] = new JsonObject { ["email"] = true } },
            }),
        ], Ct);
        await Pipeline().CatchUpAsync(Ct);
        var id = (await ProfileOfAsync(User("parts1"))).Id;
        async Task<Profile> ReadAsync(ProfileParts parts) =>
            (await Store.Segments.SnapshotsAsync([id], new SnapshotScope(new Dictionary<string, EventScope>(), parts, []), Ct)).Single().Profile;

        var all = await ReadAsync(ProfileParts.All);
        var computed = await ReadAsync(ProfileParts.Computed);
        var traitsAndTags = await ReadAsync(ProfileParts.Traits | ProfileParts.Tags);
        var consent = await ReadAsync(ProfileParts.Consent);
        var none = await ReadAsync(ProfileParts.None);

        Assert.Equal(("pro", 1L, true, "vip"), (all.Traits["plan"].Value.GetString(), all.Computed.OrderCount, all.HasConsent("email"), string.Join(',', all.Tags)));
        Assert.Equal((0, 1L, 0, 0), (computed.Traits.Count, computed.Computed.OrderCount, computed.Consent.Count, computed.Tags.Count));
        Assert.Equal(("pro", 0L, 0, "vip"), (traitsAndTags.Traits["plan"].Value.GetString(), traitsAndTags.Computed.OrderCount, traitsAndTags.Consent.Count, string.Join(',', traitsAndTags.Tags)));
        Assert.Equal((0, 0L, true, 0), (consent.Traits.Count, consent.Computed.OrderCount, consent.HasConsent("email"), consent.Tags.Count));
        // Every part left out, the profile's id and creation time are still there.
        Assert.Equal((all.Id, all.CreatedAt, 0, 0L, 0, 0), (none.Id, none.CreatedAt, none.Traits.Count, none.Computed.OrderCount, none.Consent.Count, none.Tags.Count));
    }

    [Fact]
    public async Task A_snapshot_opens_protected_values_only_for_paths_that_name_one_and_reads_every_other_value_alike()
    {
        var now = _time.GetUtcNow();
        await Store.Events.AppendAsync([Track("Product Viewed", now - TimeSpan.FromHours(1), "sealed-1",
            properties: new JsonObject { ["name"] = "Blue Shirt", ["category"] = "shirts", ["product"] = new JsonObject { ["brand"] = "acme" } },
            context: new JsonObject { ["ip"] = "203.0.113.9", ["traits"] = new JsonObject { ["email"] = "shirt@example.com" } })], Ct);
        await Pipeline().CatchUpAsync(Ct);
        var id = (await ProfileOfAsync(User("sealed-1"))).Id;
        async Task<Tailor.Core.Segments.Evaluation.EventFact> ReadAsync(IReadOnlySet<string>? paths) =>
            (await Store.Segments.SnapshotsAsync([id], new SnapshotScope(new Dictionary<string, EventScope>
                { ["Product Viewed"] = new(null, Payload: true) { Paths = paths } }, Profile: ProfileParts.None, TimerSegments: []), Ct)).Single().Events.Single();

        var whole = await ReadAsync(null);
        var named = await ReadAsync(new HashSet<string> { "category", "name" });
        var others = await ReadAsync(new HashSet<string> { "category", "product.brand", "context.sessionId" });

        Assert.Equal("Blue Shirt", whole.Property("name").GetString());
        Assert.Equal("203.0.113.9", whole.Property("context.ip").GetString());
        Assert.Equal("Blue Shirt", named.Property("name").GetString());
        Assert.Equal("shirt@example.com", (await ReadAsync(new HashSet<string> { "context.traits" })).Property("context.traits.email").GetString());
        Assert.Equal("shirts", others.Property("category").GetString());
        Assert.Equal("acme", others.Property("product.brand").GetString());
        // Read as stored: with encryption at rest the protected values no path asked for stay sealed (not opened).
        Assert.Equal(Protection is { Enabled: true }, others.Property("name").GetString() != "Blue Shirt");

        // And a rule that reads a protected property still sees it clear.
        var engine = Engine();
        await SegmentAsync(engine, "Blue Shirts", "performed \"Product Viewed\" with name = \"Blue Shirt\"");
        await SegmentAsync(engine, "Shirts", "performed \"Product Viewed\" with category = \"shirts\"");
        await SettleAsync(engine);
        Assert.Equal(new HashSet<string> { "Blue Shirts", "Shirts" }, await SegmentsOfAsync(engine, "sealed-1"));
    }

    [Fact]
    public async Task Every_segment_save_and_delete_moves_the_definitions_version_so_other_nodes_reload()
    {
        var engine = Engine();
        var before = await Store.Segments.DefinitionsVersionAsync(Ct);
        var segment = await SegmentAsync(engine, "Buyers", RecentBuyers);
        var created = await Store.Segments.DefinitionsVersionAsync(Ct);
        await Store.Segments.SaveSegmentAsync(segment with { MinSize = 10 }, Ct);
        var changed = await Store.Segments.DefinitionsVersionAsync(Ct);
        await Store.Segments.DeleteSegmentAsync(segment.Id, Ct);
        var deleted = await Store.Segments.DefinitionsVersionAsync(Ct);

        Assert.True(created > before, "creating a segment moves the version");
        Assert.True(changed > created, "changing a segment moves the version");
        Assert.True(deleted > changed, "deleting a segment moves the version");
    }

    /// <summary>
    /// An update writes all its changes and timers at once (a bulk statement per kind): entries and exits land, the
    /// history keeps the update's order, several changes of one key end as if applied one by one, of two timers for one
    /// key the last wins, and a cleared timer is gone.
    /// </summary>
    [Fact]
    public async Task One_membership_update_writes_every_change_and_timer_with_history_in_order()
    {
        await Store.Segments.ApplyMembershipAsync(new MembershipUpdate(
            [new("seg-a", "prf-1", true, At(1)), new("seg-a", "prf-2", true, At(1)), new("seg-b", "prf-1", true, At(1))],
            [new("seg-a", "prf-1", At(100)), new("seg-a", "prf-2", At(100))]), Ct);
        await Store.Segments.ApplyMembershipAsync(new MembershipUpdate(
            [new("seg-a", "prf-3", true, At(2)), new("seg-a", "prf-2", false, At(2)), new("seg-b", "prf-1", false, At(3))],
            [new("seg-a", "prf-3", At(50)), new("seg-a", "prf-3", At(90)), new("seg-a", "prf-2", null)]), Ct);
        await Store.Segments.ApplyMembershipAsync(new MembershipUpdate(
            [new("seg-c", "prf-1", true, At(4)), new("seg-c", "prf-1", false, At(5)), new("seg-c", "prf-1", true, At(6)),
                new("seg-c", "prf-2", true, At(4)), new("seg-c", "prf-2", false, At(5)), new("seg-c", "prf-3", true, At(4)), new("seg-c", "prf-3", true, At(7)),
                new("seg-a", "prf-3", false, At(7)), new("seg-a", "prf-3", true, At(8)), new("seg-a", "prf-1", true, At(9))], []), Ct);

        Assert.Equal(["prf-1", "prf-3"], (await Store.Segments.MembersAsync("seg-a", null, 10, Ct)).Select(m => m.ProfileId).Order(StringComparer.Ordinal));
        // As one by one: an exit then an entry starts the membership again; an entry for a member keeps its start.
        Assert.Equal(At(1), (await Store.Segments.MembersAsync("seg-a", null, 10, Ct)).Single(m => m.ProfileId == "prf-1").Since);
        Assert.Equal(At(8), (await Store.Segments.MembersAsync("seg-a", null, 10, Ct)).Single(m => m.ProfileId == "prf-3").Since);
        Assert.Empty(await Store.Segments.MembersAsync("seg-b", null, 10, Ct));
        Assert.Equal([("seg-a", "prf-1", true), ("seg-a", "prf-2", true), ("seg-b", "prf-1", true), ("seg-a", "prf-3", true), ("seg-a", "prf-2", false), ("seg-b", "prf-1", false)],
            (await Store.Segments.MembershipHistoryAsync(null, null, 6, Ct)).Select(h => (h.SegmentId, h.ProfileId, h.Entered)));
        Assert.Equal([("prf-1", At(6)), ("prf-3", At(4))], (await Store.Segments.MembersAsync("seg-c", null, 10, Ct)).Select(m => (m.ProfileId, m.Since)));
        Assert.Equal([true, false, true, true, false, true, true], (await Store.Segments.MembershipHistoryAsync(null, "seg-c", 10, Ct)).Select(h => h.Entered));
        Assert.Equal([new SegmentTimer("seg-a", "prf-3", At(90)), new SegmentTimer("seg-a", "prf-1", At(100))], await Store.Segments.DueTimersAsync(At(1000), 10, Ct));
    }

    [Fact]
    public async Task Intersections_of_chosen_segments_count_only_those_pairs()
    {
        var engine = Engine();
        await engine.ReloadAsync(Ct);
        var buyers = await SegmentAsync(engine, "Overlap Buyers", "performed \"Order Completed\"");
        var shoes = await SegmentAsync(engine, "Overlap Shoes", "performed \"Order Completed\" with category = \"shoes\"");
        var hats = await SegmentAsync(engine, "Overlap Hats", "performed \"Order Completed\" with category = \"hats\"");
        var at = _time.GetUtcNow();
        // buyers = {1,2,3,4}, shoes = {1,2,4}, hats = {3,4}
        await SettleAsync(engine, Order(at, "ov-1", category: "shoes"), Order(at, "ov-2", category: "shoes"), Order(at, "ov-3", category: "hats"),
            Order(at, "ov-4", category: "hats"), Order(at, "ov-4", category: "shoes"));

        static (string, string, long) Pair(SegmentIntersection i) => string.CompareOrdinal(i.First, i.Second) < 0 ? (i.First, i.Second, i.Common) : (i.Second, i.First, i.Common);
        static (string, string, long) Expected(string a, string b, long common) => string.CompareOrdinal(a, b) < 0 ? (a, b, common) : (b, a, common);
        Assert.Equal([Expected(buyers.Id, shoes.Id, 3)], (await Store.Segments.IntersectionsAsync([buyers.Id, shoes.Id], Ct)).Select(Pair));
        Assert.Equal([Expected(hats.Id, shoes.Id, 1)], (await Store.Segments.IntersectionsAsync([shoes.Id, hats.Id], Ct)).Select(Pair));
        Assert.Equal(
            new[] { Expected(buyers.Id, shoes.Id, 3), Expected(buyers.Id, hats.Id, 2), Expected(hats.Id, shoes.Id, 1) }.Order(),
            (await Store.Segments.IntersectionsAsync([buyers.Id, shoes.Id, hats.Id], Ct)).Select(Pair).Order());
        Assert.Empty(await Store.Segments.IntersectionsAsync([buyers.Id], Ct));
    }

    [Fact]
    public async Task An_order_stamped_30_days_minus_3_seconds_ago_enters_recent_buyers_now_and_leaves_3_seconds_later()
    {
        using var engine = Engine();
        var segment = await SegmentAsync(engine, "Recent Buyers", RecentBuyers);
        var now = _time.GetUtcNow();

        await SettleAsync(engine, Order(now - TimeSpan.FromDays(30) + TimeSpan.FromSeconds(3), "ann"));
        Assert.Contains("Recent Buyers", await SegmentsOfAsync(engine, "ann"));
        Assert.Equal(now.AddSeconds(3), await Store.Segments.NextTimerAsync(Ct));

        _time.Advance(TimeSpan.FromSeconds(2));
        await SettleAsync(engine);
        Assert.Contains("Recent Buyers", await SegmentsOfAsync(engine, "ann"));

        _time.Advance(TimeSpan.FromSeconds(1));
        await SettleAsync(engine);
        Assert.DoesNotContain("Recent Buyers", await SegmentsOfAsync(engine, "ann"));
        var history = await Store.Segments.MembershipHistoryAsync(null, segment.Id, 10, Ct);
        Assert.Equal([true, false], history.Select(h => h.Entered));
        Assert.Equal(now.AddSeconds(3), history[1].At); // left exactly when the order turned 30 days old
        Assert.Null(await Store.Segments.NextTimerAsync(Ct));
    }

    [Fact]
    public async Task An_order_stamped_31_days_ago_never_enters_recent_buyers()
    {
        using var engine = Engine();
        var segment = await SegmentAsync(engine, "Recent Buyers", RecentBuyers);

        await SettleAsync(engine, Order(_time.GetUtcNow() - TimeSpan.FromDays(31), "bob"));

        Assert.Empty(await SegmentsOfAsync(engine, "bob"));
        Assert.Empty(await Store.Segments.MembershipHistoryAsync(null, segment.Id, 10, Ct));
        Assert.Null(await Store.Segments.NextTimerAsync(Ct));
    }

    [Fact]
    public async Task A_buyer_moves_from_recent_to_lapsed_at_the_exact_moments_after_a_restart()
    {
        using (var engine = Engine())
        {
            await SegmentAsync(engine, "Recent Buyers", RecentBuyers);
            await SegmentAsync(engine, "Lapsed", Lapsed);
            await SettleAsync(engine, Order(_time.GetUtcNow(), "cat"));
            Assert.Equal(["Recent Buyers"], await SegmentsOfAsync(engine, "cat"));
        }
        var ordered = _time.GetUtcNow();

        // A new engine over a reopened store: timers live in storage, not in memory.
        _time.Advance(TimeSpan.FromDays(90));
        await using var reopened = OpenSameStore();
        using var restarted = Engine(reopened);
        await restarted.ReloadAsync(Ct);
        while (await restarted.FireDueTimersAsync(Ct) > 0) { }

        var profile = await ProfileOfAsync(User("cat"));
        var history = await reopened.Segments.MembershipHistoryAsync(profile.Id, null, 10, Ct);
        var names = history.Select(h => (restarted.Catalog.ById(h.SegmentId)!.Name, h.Entered, h.At)).ToList();
        Assert.Equal(
        [
            ("Recent Buyers", true, ordered),
            ("Recent Buyers", false, ordered.AddDays(30)),
            ("Lapsed", true, ordered.AddDays(60)),
        ], names);
    }

    [Fact]
    public async Task A_due_timer_is_claimed_once_when_two_nodes_fire_it_at_the_same_moment()
    {
        using var engine = Engine();
        var segment = await SegmentAsync(engine, "Recent Buyers", RecentBuyers);
        await SettleAsync(engine, Order(_time.GetUtcNow(), "ida"));
        _time.Advance(TimeSpan.FromDays(31));
        var due = await Store.Segments.DueTimersAsync(_time.GetUtcNow(), 10, Ct);
        Assert.Single(due);

        // Two nodes read the same due timer; the first commit claims it, the second is refused whole.
        await Store.Segments.ApplyMembershipAsync(new MembershipUpdate([], []) { Fired = due }, Ct);
        await Assert.ThrowsAsync<PositionConflictException>(() => Store.Segments.ApplyMembershipAsync(new MembershipUpdate([], []) { Fired = due }, Ct));

        // And through two engines (the second over its own connection to the store) racing on a timer due now.
        await SettleAsync(engine, Order(_time.GetUtcNow(), "jo"));
        _time.Advance(TimeSpan.FromDays(31));
        await using var other = OpenSameStore();
        using var second = Engine(other);
        await second.ReloadAsync(Ct);
        await Task.WhenAll(Drain(engine), Drain(second));
        var profile = await ProfileOfAsync(User("jo"));
        var history = await Store.Segments.MembershipHistoryAsync(profile.Id, segment.Id, 10, Ct);
        Assert.Equal([true, false], history.Select(h => h.Entered)); // one exit, not two
        Assert.Null(await Store.Segments.NextTimerAsync(Ct));

        static async Task Drain(SegmentEngine e) { while (await e.FireDueTimersAsync(Ct) > 0) { } }
    }

    [Fact]
    public async Task A_new_order_keeps_a_buyer_in_recent_buyers_and_moves_the_timer()
    {
        using var engine = Engine();
        await SegmentAsync(engine, "Recent Buyers", RecentBuyers);
        var first = _time.GetUtcNow();
        await SettleAsync(engine, Order(first, "dan"));
        _time.Advance(TimeSpan.FromDays(20));
        await SettleAsync(engine, Order(_time.GetUtcNow(), "dan"));

        _time.Advance(TimeSpan.FromDays(15)); // 35 days after the first order, 15 after the second
        await SettleAsync(engine);

        Assert.Contains("Recent Buyers", await SegmentsOfAsync(engine, "dan"));
        Assert.Equal(first.AddDays(50), await Store.Segments.NextTimerAsync(Ct));
    }

    [Fact]
    public async Task A_child_segment_holds_only_members_of_its_parent_and_falls_back_to_it_while_too_small()
    {
        using var engine = Engine();
        await SegmentAsync(engine, "Buyers", "performed \"Order Completed\"");
        var child = await SegmentAsync(engine, "Big Buyers", "computed totalRevenue >= 100", parent: "Buyers", minSize: 2);
        var parentOnly = await SegmentAsync(engine, "Big Spenders Anywhere", "computed totalRevenue >= 100 or in segment \"Big Buyers\"");
        var now = _time.GetUtcNow();

        await SettleAsync(engine, Order(now, "eve", 150), Order(now, "fay", 5),
            Identify(now, "gus", traits: new JsonObject { ["plan"] = "pro" }));
        await SettleAsync(engine, Track("Points Granted", now, "gus", properties: new JsonObject { ["revenue"] = 500 }));

        Assert.Equal(["Big Buyers", "Big Spenders Anywhere", "Buyers"], (await SegmentsOfAsync(engine, "eve")).Order());
        Assert.Equal(["Buyers"], await SegmentsOfAsync(engine, "fay"));
        Assert.Empty(await SegmentsOfAsync(engine, "gus"));
        var sizes = await Store.Segments.SegmentSizesAsync(Ct);
        Assert.Equal(1, sizes[child.Id]);
        Assert.Equal("Buyers", SegmentValidator.Effective(child.Id, engine.Catalog, sizes)!.Name); // 1 < min size 2
        Assert.Equal(1, sizes[parentOnly.Id]);
    }

    [Fact]
    public async Task A_merge_takes_the_merged_away_profile_out_of_its_segments_and_evaluates_the_survivor()
    {
        using var engine = Engine();
        var segment = await SegmentAsync(engine, "Page Fans", "performed \"Page Viewed\" at least 2 times");
        var now = _time.GetUtcNow();
        await SettleAsync(engine, Page(now, anonymousId: "anon-1"), Page(now.AddMinutes(1), anonymousId: "anon-1"));
        var anonymous = await ProfileOfAsync(Anon("anon-1"));
        Assert.Equal([segment.Id], await Store.Segments.MembershipsAsync(anonymous.Id, Ct));

        await SettleAsync(engine, Identify(now.AddMinutes(2), "hal"), Identify(now.AddMinutes(3), "hal", "anon-1"));

        var survivor = await ProfileOfAsync(User("hal"));
        Assert.NotEqual(anonymous.Id, survivor.Id);
        Assert.Empty(await Store.Segments.MembershipsAsync(anonymous.Id, Ct));
        Assert.Equal([segment.Id], await Store.Segments.MembershipsAsync(survivor.Id, Ct));
        var history = await Store.Segments.MembershipHistoryAsync(anonymous.Id, null, 10, Ct);
        Assert.Equal([true, false], history.Select(h => h.Entered));
        Assert.Equal(1, (await Store.Segments.SizeHistoryAsync(segment.Id, 100, Ct))[^1].Size); // left by the merge, entered by the survivor
    }

    [Fact]
    public async Task Explain_names_the_condition_that_failed_and_preview_counts_without_saving()
    {
        using var engine = Engine();
        var segment = await SegmentAsync(engine, "Urban Buyers", "performed \"Order Completed\" and trait location_type = \"urban\"");
        var now = _time.GetUtcNow();
        await SettleAsync(engine, Order(now, "ida"), Identify(now, "ida", traits: new JsonObject { ["location_type"] = "rural" }),
            Order(now, "jon"), Identify(now, "jon", traits: new JsonObject { ["location_type"] = "urban" }));

        var explanation = await engine.ExplainAsync(segment.Id, (await ProfileOfAsync(User("ida"))).Id, Ct);
        var preview = await engine.PreviewAsync(RuleParser.Parse("trait location_type = \"rural\""), 100, Ct);

        Assert.NotNull(explanation);
        Assert.False(explanation.Matched);
        var failed = Assert.Single(explanation.Because, e => !e.Matched);
        Assert.Contains("location_type", failed.Condition, StringComparison.Ordinal);
        Assert.Contains("\"rural\"", failed.Detail, StringComparison.Ordinal);
        Assert.Equal(1, preview.Estimate);
        Assert.True(preview.Exact);
        Assert.Equal([(await ProfileOfAsync(User("ida"))).Id], preview.SampleMembers);
        Assert.Single(await Store.Segments.ListSegmentsAsync(Ct));
    }

    [Fact]
    public async Task Deleting_a_segment_removes_its_members_timers_and_history()
    {
        using var engine = Engine();
        var segment = await SegmentAsync(engine, "Recent Buyers", RecentBuyers);
        await SettleAsync(engine, Order(_time.GetUtcNow(), "kim"));

        await Store.Segments.DeleteSegmentAsync(segment.Id, Ct);

        Assert.Empty(await Store.Segments.ListSegmentsAsync(Ct));
        Assert.Empty(await Store.Segments.SegmentSizesAsync(Ct));
        Assert.Null(await Store.Segments.NextTimerAsync(Ct));
        Assert.Empty(await Store.Segments.MembershipHistoryAsync(null, segment.Id, 10, Ct));
    }

    /// <summary>
    /// The property behind "full recompute agrees exactly with incremental": replay random event streams with the
    /// clock moving forward, let the engine keep segments current incrementally (events and timers), then recompute
    /// every segment from scratch: it must find nothing to change.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Incremental_evaluation_agrees_with_a_full_recompute_on_random_event_streams(int seed)
    {
        using var engine = Engine();
        string[] rules =
        [
            RecentBuyers,
            Lapsed,
            "performed \"Order Completed\" at least 2 times in last 7 days",
            "for some category: performed \"Product Viewed\" at least 3 times within one session",
            "performed \"Product Added\" in last 1 days and not performed \"Order Completed\" since \"Product Added\"",
            "computed engagementScore >= 8",
            "for some category: performed \"Product Viewed\" more than 2 times in last 1 hours and performed \"Order Completed\"",
            "performed \"Page Viewed\" at least 2 times in last 3 hours or has tag \"vip\"",
            "performed \"Order Completed\" sum of revenue >= 50",
            // Re-evaluated only when what they read changes (traits, consent, orders, page views) or the profile is new.
            "not performed \"Order Completed\" in last 10 days",
            "trait plan != \"pro\"",
            "trait plan = \"pro\" and performed \"Page Viewed\" in last 2 days",
            "has consent email or computed orderCount >= 2",
            "computed \"eventCounts.Page Viewed\" >= 2 and not computed totalRevenue >= 30",
        ];
        for (var i = 0; i < rules.Length; i++) await SegmentAsync(engine, $"S{i}", rules[i]);
        await SegmentAsync(engine, "Nested", "in segment \"S0\" and not in segment \"S5\"");

        var random = new Random(seed);
        string[] users = ["u1", "u2", "u3", "u4", "u5", "u6"];
        string[] categories = ["shoes", "hats", "bags"];
        for (var step = 0; step < 40; step++)
        {
            var batch = new List<TailorEvent>();
            for (var n = random.Next(1, 6); n > 0; n--)
            {
                var user = users[random.Next(users.Length)];
                var at = _time.GetUtcNow() - TimeSpan.FromMinutes(random.Next(0, 60 * 24 * 40)); // backdated up to 40 days
                var category = categories[random.Next(categories.Length)];
                var plan = random.Next(2) == 0 ? "pro" : "free";
                batch.Add(random.Next(9) switch
                {
                    0 => Order(at, user, random.Next(1, 40), category),
                    1 => Track("Product Added", at, user, properties: new JsonObject { ["category"] = category }),
                    2 => Page(at, user),
                    3 => TagsUpdated(at, user, add: random.Next(2) == 0 ? ["vip"] : [], remove: random.Next(2) == 0 ? ["vip"] : []),
                    4 => Identify(at, user, traits: new JsonObject { ["plan"] = plan }),
                    5 => Page(at, user, context: new JsonObject { ["traits"] = new JsonObject { ["plan"] = plan } }),
                    6 => Track("Product Viewed", at, user, context: new JsonObject
                    {
                        ["consent"] = new JsonObject { ["categoryPreferences"] = new JsonObject { ["email"] = random.Next(2) == 0 } },
                    }),
                    _ => Track("Product Viewed", at, user, properties: new JsonObject { ["category"] = category }),
                });
            }
            await SettleAsync(engine, [.. batch]);
            _time.Advance(TimeSpan.FromMinutes(random.Next(1, 60 * 24 * 5)));
            await SettleAsync(engine);
        }

        var before = await Store.Segments.SegmentSizesAsync(Ct);
        foreach (var segment in engine.Catalog.InOrder)
        {
            var result = await engine.RecomputeAsync(segment.Id, null, Ct);
            Assert.True(result.Entered == 0 && result.Exited == 0,
                $"recomputing {segment.Name} ({RulePrinter.Print(segment.Definition.Rule)}) changed {result.Entered} entries and {result.Exited} exits");
        }
        Assert.Equal(before, await Store.Segments.SegmentSizesAsync(Ct));
        Assert.True(before.Values.Sum() > 0, "the random streams should put someone in some segment");
        // A segment created now is filled by recompute alone (reading only the candidates its rule allows): it must
        // find exactly the members incremental evaluation found.
        for (var i = 0; i < rules.Length; i++)
        {
            var copy = await SegmentAsync(engine, $"Copy{i}", rules[i]);
            await engine.RecomputeAsync(copy.Id, null, Ct);
            Assert.Equal(
                (await Store.Segments.MembersAsync($"seg-S{i}", null, 1000, Ct)).Select(m => m.ProfileId),
                (await Store.Segments.MembersAsync(copy.Id, null, 1000, Ct)).Select(m => m.ProfileId));
        }
        foreach (var segment in engine.Catalog.InOrder.Where(s => !s.Name.StartsWith("Copy", StringComparison.Ordinal)))
        {
            // The size history, kept by deltas, ends at the true member count.
            var history = await Store.Segments.SizeHistoryAsync(segment.Id, 100_000, Ct);
            Assert.Equal(before.GetValueOrDefault(segment.Id), history.Count == 0 ? 0 : history[^1].Size);
        }
    }

    /// <summary>
    /// A recompute page whose commit is refused (a profile of it merged away after it was read, as the segment commit
    /// refuses) is read again rather than failing the recompute, a few times at most.
    /// </summary>
    [Fact]
    public async Task A_recompute_reads_a_page_again_when_its_commit_is_refused()
    {
        using var engine = Engine();
        var now = _time.GetUtcNow();
        await SettleAsync(engine, Order(now, "again-1"), Order(now, "again-2"));
        var segment = await SegmentAsync(engine, "Page Again", "performed \"Order Completed\"");

        var refusing = RefusingSegments.Wrap(Store.Segments, refusals: 2);
        using var recomputing = new SegmentEngine(refusing, Store.Positions, Store.Profiles, _time);
        await recomputing.ReloadAsync(Ct);
        var result = await recomputing.RecomputeAsync(segment.Id, null, Ct);

        Assert.Equal(0, ((RefusingSegments)(object)refusing).Refusals);
        Assert.Equal(2, result.Entered);
        Assert.Equal(2, (await Store.Segments.MembersAsync(segment.Id, null, 10, Ct)).Count);

        var always = RefusingSegments.Wrap(Store.Segments, refusals: int.MaxValue);
        using var failing = new SegmentEngine(always, Store.Positions, Store.Profiles, _time);
        await failing.ReloadAsync(Ct);
        await Assert.ThrowsAsync<PositionConflictException>(() => failing.RecomputeAsync(segment.Id, null, Ct));
    }

    [Fact]
    public async Task A_replay_evaluates_its_profiles_again_when_their_commit_is_refused()
    {
        using var engine = Engine();
        var now = _time.GetUtcNow();
        await SettleAsync(engine, Order(now, "replay-1"), Order(now, "replay-2"));
        var segment = await SegmentAsync(engine, "Replay Again", "performed \"Order Completed\"");
        var ids = new List<string>();
        foreach (var user in (string[])["replay-1", "replay-2"])
            ids.Add((await Store.Profiles.FindProfileAsync(User(user), Ct))!.Id);

        var refusing = RefusingSegments.Wrap(Store.Segments, refusals: 2);
        using var replaying = new SegmentEngine(refusing, Store.Positions, Store.Profiles, _time);
        await replaying.ReloadAsync(Ct);
        var changes = await replaying.ReevaluateAsync(ids, Ct);

        Assert.Equal(0, ((RefusingSegments)(object)refusing).Refusals);
        Assert.Equal(ids.Order(StringComparer.Ordinal), changes.Where(c => c.Entered && c.SegmentId == segment.Id).Select(c => c.ProfileId).Order(StringComparer.Ordinal));
        Assert.Equal(2, (await Store.Segments.MembersAsync(segment.Id, null, 10, Ct)).Count);

        var always = RefusingSegments.Wrap(Store.Segments, refusals: int.MaxValue);
        using var failing = new SegmentEngine(always, Store.Positions, Store.Profiles, _time);
        await failing.ReloadAsync(Ct);
        await Assert.ThrowsAsync<PositionConflictException>(() => failing.ReevaluateAsync(ids, Ct));
    }

    /// <summary>A segment store whose next membership commits are refused, as a merge between read and commit makes the store refuse them.</summary>
    public class RefusingSegments : System.Reflection.DispatchProxy
    {
        private ISegmentStore _inner = null!;

        public int Refusals { get; private set; }

        public static ISegmentStore Wrap(ISegmentStore inner, int refusals)
        {
            var proxy = Create<ISegmentStore, RefusingSegments>();
            var refusing = (RefusingSegments)(object)proxy;
            (refusing._inner, refusing.Refusals) = (inner, refusals);
            return proxy;
        }

        protected override object? Invoke(System.Reflection.MethodInfo? targetMethod, object?[]? args)
        {
            if (targetMethod!.Name == nameof(ISegmentStore.ApplyMembershipAsync) && Refusals > 0)
            {
                Refusals--;
                return Task.FromException(new PositionConflictException("segment entry of a merged-away profile", 0));
            }
            try { return targetMethod.Invoke(_inner, args); }
            catch (System.Reflection.TargetInvocationException e) { throw e.InnerException!; }
        }
    }
}
