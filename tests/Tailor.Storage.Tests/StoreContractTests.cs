using System.Data.Common;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Tailor.Core.Events;
using Tailor.Core.Identity;
using Tailor.Core.Pipeline;
using Tailor.Core.Profiles;
using Tailor.Core.Storage;
using Tailor.Storage.Tests.Support;
using static Tailor.Tests.Support.Messages;
using Tailor.Application.Pipeline;

namespace Tailor.Storage.Tests;

/// <summary>
/// The storage contract: every <see cref="TailorDatabase"/> implementation must pass these tests. Each test gets a
/// fresh, migrated, empty store from <see cref="CreateStoreAsync"/>.
/// </summary>
public abstract partial class StoreContractTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(T0.AddDays(1));
    private TailorDatabase? _store;

    /// <summary>A new, empty store (not migrated) that no other test uses.</summary>
    protected abstract Task<TailorDatabase> CreateStoreAsync(CancellationToken cancellationToken);

    /// <summary>A second store instance over the same data as the one <see cref="CreateStoreAsync"/> made (a restart).</summary>
    protected TailorDatabase OpenSameStore() => OpenSameStore(Protection);

    /// <summary>The same data opened with another protection (encryption turned on, or a new key ring).</summary>
    protected abstract TailorDatabase OpenSameStore(Tailor.Core.Privacy.PersonalDataProtection? protection);

    /// <summary>Removes whatever <see cref="CreateStoreAsync"/> created, once the store is disposed.</summary>
    protected virtual ValueTask DeleteStoreAsync() => ValueTask.CompletedTask;

    protected TailorDatabase Store => _store ?? throw new InvalidOperationException("The store is not open.");

    /// <summary>
    /// How the store keeps personal data at rest: null runs the contract with encryption off, a key ring runs every
    /// promise again with the protection on (the encrypted variants), so no store promise holds only in clear.
    /// </summary>
    protected virtual Tailor.Core.Privacy.PersonalDataProtection? Protection => null;

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _store = await CreateStoreAsync(Ct);
        await _store.MigrateAsync(Ct);
    }

    public async ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        if (_store is not null) await _store.DisposeAsync();
        await DeleteStoreAsync();
        Protection?.Dispose();
    }

    protected static ProfileIdentifier User(string id) => new(IdentityTypes.UserId, id);
    private static ProfileIdentifier Anon(string id) => new(IdentityTypes.AnonymousId, id);
    private static ProfileIdentifier Email(string email) => new(IdentityTypes.Email, email);

    private ProfilePipeline Pipeline(TailorDatabase? store = null, int batchSize = 2000) => Pipeline(store ?? Store, new ProfileReducer(EngagementWeights.Default), batchSize);

    private ProfilePipeline Pipeline(TailorDatabase store, ProfileReducer reducer, int batchSize = ProfilePipeline.DefaultBatchSize) =>
        new(store.Events, store.Positions, store.Profiles, store.Merges, store.Triggers, reducer, _time, batchSize);

    private int _ids;

    /// <summary>An id as the caller makes it (the store takes ids and times, never makes them).</summary>
    private string NewId(string prefix) => $"{prefix}_{Interlocked.Increment(ref _ids):D4}";

    private Task<Source> CreateSourceAsync(string name, string writeKey) =>
        Store.Access.CreateSourceAsync(new Source(NewId("src"), name, writeKey, _time.GetUtcNow()), Ct);

    private Task<AdminKey> CreateAdminKeyAsync(string name, string keyHash) =>
        Store.Access.CreateAdminKeyAsync(new AdminKey(NewId("key"), name, _time.GetUtcNow()), keyHash, Ct);

    protected async Task<long> IngestAsync(params TailorEvent[] events)
    {
        await Store.Events.AppendAsync(events, Ct);
        return await Pipeline().CatchUpAsync(Ct);
    }

    protected async Task<Profile> ProfileOfAsync(ProfileIdentifier identity) =>
        await Store.Profiles.FindProfileAsync(identity, Ct) ?? throw new Xunit.Sdk.XunitException($"No profile owns {identity}.");

    // ---------------------------------------------------------------- migrations and event log

    [Fact]
    public async Task Migrating_again_changes_nothing_and_keeps_the_data()
    {
        var first = Identify(At(1), "u1");
        await Store.Events.AppendAsync([first], Ct);

        await Store.MigrateAsync(Ct);
        await using var reopened = OpenSameStore();
        await reopened.MigrateAsync(Ct);
        await reopened.MigrateAsync(Ct);
        var second = Identify(At(2), "u2");
        Assert.Equal((bool[])[true], await reopened.Events.AppendAsync([second], Ct));

        Assert.Equal([first, second], (await reopened.Events.ReadAfterAsync(0, 10, Ct)).Select(l => l.Event));
    }

    [Fact]
    public async Task Empty_log_has_no_events_and_position_zero()
    {
        Assert.Empty(await Store.Events.ReadAfterAsync(0, 10, Ct));
        Assert.Equal(0, await Store.Events.LastSequenceAsync(Ct));
        Assert.Equal(0, await Store.Positions.PositionAsync(Followers.Profiles, Ct));
        Assert.Empty(await Store.Events.AppendAsync([], Ct));
    }

    [Fact]
    public async Task Duplicate_message_id_is_stored_once_across_appends()
    {
        var a = Track("A", At(1), "u1", messageId: "m-a");
        var b = Track("B", At(2), "u1", messageId: "m-b");
        var bAgain = Track("B", At(9), "u1", messageId: "m-b");
        var c = Track("C", At(3), "u1", messageId: "m-c");

        Assert.Equal((bool[])[true, true], await Store.Events.AppendAsync([a, b], Ct));
        Assert.Equal((bool[])[false, true], await Store.Events.AppendAsync([bAgain, c], Ct));

        Assert.Equal([a, b, c], (await Store.Events.ReadAfterAsync(0, 10, Ct)).Select(l => l.Event));
    }

    [Fact]
    public async Task Duplicate_message_id_within_one_append_is_stored_once_and_the_first_copy_wins()
    {
        var first = Track("A", At(1), "u1", messageId: "m-1");
        var repeat = Track("A", At(5), "u2", messageId: "m-1");
        var other = Track("B", At(2), "u1", messageId: "m-2");

        Assert.Equal((bool[])[true, false, true, false], await Store.Events.AppendAsync([first, repeat, other, repeat], Ct));

        Assert.Equal([first, other], (await Store.Events.ReadAfterAsync(0, 10, Ct)).Select(l => l.Event));
    }

    [Fact]
    public async Task Events_read_back_exactly_as_appended_in_log_order_after_a_position()
    {
        // Payload key order, spacing and number spelling must survive: the log keeps what the client sent.
        var verbatim = Parse("""{ "userId": "u1", "type": "track", "event": "Order Completed", "properties": {"total": 10.50, "b": 1, "a": 2}, "timestamp": "2025-03-01T12:00:00.123Z" }""", At(1));
        TailorEvent[] events = [verbatim, Page(At(2), anonymousId: "a1", name: "Home"), Identify(At(0), "u1"), Alias(At(3), "u2", "u1"), Track("X", At(4), "u1")];
        await Store.Events.AppendAsync(events[..2], Ct);
        await Store.Events.AppendAsync(events[2..], Ct);

        var all = await Store.Events.ReadAfterAsync(0, 100, Ct);

        Assert.Equal(events, all.Select(l => l.Event));
        Assert.True(all.Zip(all.Skip(1)).All(p => p.First.Sequence < p.Second.Sequence), "sequences grow in log order");
        Assert.Equal(all[^1].Sequence, await Store.Events.LastSequenceAsync(Ct));
        Assert.Equal([all[2], all[3]], await Store.Events.ReadAfterAsync(all[1].Sequence, 2, Ct));
        Assert.Empty(await Store.Events.ReadAfterAsync(all[^1].Sequence, 10, Ct));
    }

    // ---------------------------------------------------------------- pipeline through the store

    [Fact]
    public async Task Pipeline_profile_is_found_by_each_identity_and_round_trips_exactly()
    {
        var latest = new Dictionary<string, Profile>();
        var pipeline = Pipeline(batchSize: 3); // several batches: profiles are reloaded from the store in between
        pipeline.ProfilesChanged += changed => { foreach (var p in changed) latest[p.Id] = p; };
        const string url = "https://shop.example/checkout";
        await Store.Events.AppendAsync([
            Page(At(1), anonymousId: "a1", name: "Home", context: new JsonObject { ["page"] = new JsonObject { ["url"] = "https://shop.example/" } }),
            Track("Product Viewed", At(2), anonymousId: "a1"),
            Identify(At(3), "u1", "a1",
                traits: new JsonObject
                {
                    ["email"] = "Ann@Example.com", ["plan"] = "pro", ["seats"] = 3, ["vip"] = true, ["score"] = 4.25,
                    ["address"] = new JsonObject { ["zip"] = "0150", ["city"] = "Oslo" }, ["nickname"] = null,
                    ["consent"] = new JsonObject { ["email"] = true },
                },
                context: new JsonObject { ["ip"] = "203.0.113.9" }),
            Track("Order Completed", At(4), "u1", properties: new JsonObject { ["revenue"] = 99.95m },
                context: new JsonObject
                {
                    ["page"] = new JsonObject { ["url"] = url },
                    ["consent"] = new JsonObject { ["categoryPreferences"] = new JsonObject { ["analytics"] = true, ["sms"] = false } },
                }),
            TagsUpdated(At(5), "u1", add: ["loyal/high-value", "vip", "newsletter"]),
            TagsUpdated(At(6), "u1", remove: ["vip"]),
            Track("Email Opened", At(7), "u1"),
        ], Ct);

        Assert.Equal(7, await pipeline.CatchUpAsync(Ct));

        var expected = Assert.Single(latest.Values);
        foreach (var identity in (ProfileIdentifier[])[User("u1"), Anon("a1"), Email("ann@example.com"), Email(" ANN@example.com")])
            ProfileAssert.Equivalent(expected, await Store.Profiles.FindProfileAsync(identity, Ct));
        var stored = await Store.Profiles.GetProfileAsync(expected.Id, Ct);
        ProfileAssert.Equivalent(expected, stored);

        Assert.Equal(new HashSet<ProfileIdentifier> { User("u1"), Anon("a1"), Email("ann@example.com") }, stored!.Identities.ToHashSet());
        Assert.Equal("pro", stored.Traits["plan"].Value.GetString());
        Assert.Equal(3, stored.Traits["seats"].Value.GetInt32());
        Assert.True(stored.Traits["vip"].Value.GetBoolean());
        Assert.Equal(4.25, stored.Traits["score"].Value.GetDouble());
        Assert.Equal("Oslo", stored.Traits["address"].Value.GetProperty("city").GetString());
        Assert.Equal(JsonValueKind.Null, stored.Traits["nickname"].Value.ValueKind);
        Assert.Equal(At(3), stored.Traits["plan"].At);
        Assert.False(stored.Traits.ContainsKey("consent"));

        var c = stored.Computed;
        Assert.Equal((At(1), At(7), 7L, 1L, 99.95m, At(4), 99.95m), (c.FirstSeen, c.LastSeen, c.EventCount, c.OrderCount, c.TotalRevenue, c.LastOrderAt, c.AverageOrderValue));
        Assert.Equal(1 + 5 + 1, c.EngagementScore);
        Assert.Equal(new Dictionary<string, long>
        {
            ["Page Viewed"] = 1, ["Product Viewed"] = 1, ["Identify"] = 1, ["Order Completed"] = 1, ["Tags Updated"] = 2, ["Email Opened"] = 1,
        }, c.EventCounts);

        Assert.Equal(new Dictionary<string, ConsentRecord>
        {
            ["email"] = new(true, At(3), SourceId, "203.0.113.9"),
            ["analytics"] = new(true, At(4), SourceId, url),
            ["sms"] = new(false, At(4), SourceId, url),
        }, stored.Consent);
        Assert.Equal(["loyal/high-value", "newsletter"], stored.Tags);
        Assert.Equal(1, await Store.Profiles.ProfileCountAsync(Ct));
        Assert.Equal(await Store.Events.LastSequenceAsync(Ct), await Store.Positions.PositionAsync(Followers.Profiles, Ct));
    }

    [Fact]
    public async Task Merge_moves_events_identities_and_trait_history_to_the_winner()
    {
        await IngestAsync(
            Identify(At(1), anonymousId: "a1", traits: new JsonObject { ["email"] = "ann@example.com", ["name"] = "Ann" }),
            Track("Viewed", At(2), anonymousId: "a1"));
        _time.Advance(TimeSpan.FromHours(1));
        await IngestAsync(
            Identify(At(3), anonymousId: "a2", traits: new JsonObject { ["plan"] = "pro" }),
            Track("Viewed", At(4), anonymousId: "a2"));
        var older = await ProfileOfAsync(Anon("a1"));
        var newer = await ProfileOfAsync(Anon("a2"));
        Assert.NotEqual(older.Id, newer.Id);
        _time.Advance(TimeSpan.FromHours(1));

        var tie = Track("Signed In", At(5), anonymousId: "a2", context: new JsonObject { ["traits"] = new JsonObject { ["email"] = "ann@example.com" } });
        await IngestAsync(tie);

        var winner = await Store.Profiles.GetProfileAsync(newer.Id, Ct); // the old id resolves to the profile it joined
        Assert.NotNull(winner);
        Assert.Equal(older.Id, winner.Id);
        Assert.Null(winner.MergedInto);
        Assert.Equal(older.Id, (await ProfileOfAsync(Anon("a2"))).Id);
        Assert.Equal(new HashSet<ProfileIdentifier> { Anon("a1"), Anon("a2"), Email("ann@example.com") }, winner.Identities.ToHashSet());
        Assert.Equal(("Ann", "pro", 5L), (winner.Traits["name"].Value.GetString(), winner.Traits["plan"].Value.GetString(), winner.Computed.EventCount));

        var events = await Store.Events.ProfileEventsAsync(new EventQuery(older.Id), Ct);
        Assert.Equal(5, events.Count);
        Assert.Equal(events, await Store.Events.ProfileEventsAsync(new EventQuery(newer.Id), Ct));
        Assert.Contains(await Store.Profiles.TraitHistoryAsync(older.Id, "plan", Ct), h => h.Value.GetString() == "pro" && h.ProfileId == older.Id);
        Assert.Empty(await Store.Profiles.TraitHistoryAsync(newer.Id, null, Ct));

        var merge = Assert.Single(await Store.Profiles.MergesAsync(older.Id, Ct));
        Assert.Equal((older.Id, newer.Id, _time.GetUtcNow(), tie.MessageId), (merge.WinnerId, merge.LoserId, merge.At, merge.MessageId));
        Assert.Equal([merge], await Store.Profiles.MergesAsync(newer.Id, Ct));
        Assert.Equal(1, await Store.Profiles.ProfileCountAsync(Ct));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(100)]
    public async Task Profile_merged_twice_resolves_to_the_final_winner(int batchSize)
    {
        var withEmail = new JsonObject { ["traits"] = new JsonObject { ["email"] = "x@example.com" } };
        await Store.Events.AppendAsync([
            Track("Viewed", At(1), anonymousId: "b"),                                            // makes profile b
            Track("Viewed", At(2), anonymousId: "a"),                                            // makes profile a
            Track("Viewed", At(3), anonymousId: "a", context: withEmail),
            Track("Viewed", At(4), anonymousId: "b", context: withEmail.DeepClone().AsObject()), // a joins b
            Identify(At(5), "u9", "c"),                                                          // makes profile u, a known user
            Identify(At(6), "u9", "b"),                                                          // b joins u
        ], Ct);
        var logged = await Store.Events.ReadSealedAfterAsync(0, 10, Ct);
        var (b, a, u) = (ProfileIds.ForEvent(logged[0]), ProfileIds.ForEvent(logged[1]), ProfileIds.ForEvent(logged[4]));

        await Pipeline(batchSize: batchSize).CatchUpAsync(Ct);

        foreach (var id in (string[])[b, a, u])
            Assert.Equal(u, (await Store.Profiles.GetProfileAsync(id, Ct))?.Id);
        Assert.Equal(u, (await ProfileOfAsync(Email("x@example.com"))).Id);
        Assert.Equal(6, (await Store.Events.ProfileEventsAsync(new EventQuery(a), Ct)).Count);
        Assert.Equal(6, (await ProfileOfAsync(User("u9"))).Computed.EventCount);
        Assert.Equal(1, await Store.Profiles.ProfileCountAsync(Ct));
        Assert.Equal([(b, a), (u, b)], (await Store.Profiles.MergesAsync(b, Ct)).Select(m => (m.WinnerId, m.LoserId)));
    }

    [Fact]
    public async Task Shared_device_keeps_two_users_apart_in_the_store()
    {
        await IngestAsync(Identify(At(1), "uA", "device-1"));
        await IngestAsync(Track("Signed In", At(2), "uB", "device-1"));

        var a = await ProfileOfAsync(User("uA"));
        var b = await ProfileOfAsync(User("uB"));
        Assert.NotEqual(a.Id, b.Id);
        Assert.Equal(a.Id, (await ProfileOfAsync(Anon("device-1"))).Id);
        Assert.Empty(await Store.Profiles.MergesAsync(a.Id, Ct));
        Assert.Equal(2, await Store.Profiles.ProfileCountAsync(Ct));
    }

    [Fact]
    public async Task Restarted_pipeline_continues_from_the_committed_position_without_reapplying_events()
    {
        var events = Enumerable.Range(1, 5).Select(i => Track("Viewed", At(i), "u1")).ToArray();
        await Store.Events.AppendAsync(events, Ct);
        Assert.Equal(5, await Pipeline(batchSize: 2).CatchUpAsync(Ct));
        Assert.Equal(await Store.Events.LastSequenceAsync(Ct), await Store.Positions.PositionAsync(Followers.Profiles, Ct));

        await using var restarted = OpenSameStore();
        var second = Pipeline(restarted);
        Assert.Equal(0, await second.CatchUpAsync(Ct));
        Assert.Equal(5, (await ProfileOfAsync(User("u1"))).Computed.EventCount);

        Assert.Equal((bool[])[false, true], await restarted.Events.AppendAsync([events[0], Track("Viewed", At(6), "u1")], Ct));
        Assert.Equal(1, await second.CatchUpAsync(Ct));
        var profile = await ProfileOfAsync(User("u1"));
        Assert.Equal(6, profile.Computed.EventCount);
        Assert.Equal(6, profile.Computed.EventCounts["Viewed"]);
        Assert.Equal(6, (await Store.Events.ProfileEventsAsync(new EventQuery(profile.Id), Ct)).Count);
    }

    [Fact]
    public async Task Two_pipelines_on_one_store_never_apply_an_event_twice()
    {
        await Store.Events.AppendAsync(Enumerable.Range(1, 6).Select(i => Track("Viewed", At(i), "u1")).ToArray(), Ct);
        await using var other = OpenSameStore();
        var late = Pipeline(other, batchSize: 4);
        Assert.Equal(0, await late.PositionAsync(Ct)); // it read the position before the other pipeline moved it

        await Pipeline().CatchUpAsync(Ct);
        await late.CatchUpAsync(Ct); // its commit from position 0 is refused; it re-reads the position and finds nothing left

        var profile = await ProfileOfAsync(User("u1"));
        Assert.Equal(6, profile.Computed.EventCount);
        Assert.Equal(6, await Store.Positions.PositionAsync(Followers.Profiles, Ct));
    }

    [Fact]
    public async Task A_pipeline_whose_working_set_went_stale_folds_from_the_store_after_its_commit_is_refused()
    {
        await Store.Events.AppendAsync(Enumerable.Range(1, 4).Select(i => Track("Viewed", At(i), "u1")).ToArray(), Ct);
        await using var other = OpenSameStore();
        var first = Pipeline(batchSize: 1);
        var second = Pipeline(other, batchSize: 4);
        Assert.Equal(1, await first.ProcessNextBatchAsync(Ct)); // first now holds u1 (1 event) in its working set
        Assert.Equal(3, await second.ProcessNextBatchAsync(Ct)); // second folds events 2-4 behind its back

        await Store.Events.AppendAsync([Track("Viewed", At(5), "u1"), Track("Viewed", At(6), "u1")], Ct);
        await first.CatchUpAsync(Ct); // its fold of event 2 is refused; it must forget u1 and read it again

        Assert.Equal(6, (await ProfileOfAsync(User("u1"))).Computed.EventCount);
        Assert.Equal(6, (await Store.Events.ProfileEventsAsync(new EventQuery((await ProfileOfAsync(User("u1"))).Id), Ct)).Count);
        Assert.Equal(await Store.Events.LastSequenceAsync(Ct), await Store.Positions.PositionAsync(Followers.Profiles, Ct));
    }

    // ---------------------------------------------------------------- queries

    [Fact]
    public async Task Profile_events_filter_by_name_and_by_time_range_newest_first()
    {
        await IngestAsync(
            Track("Viewed", At(1), "u1"),
            Track("Added", At(2), "u1"),
            Track("Viewed", At(3), "u1"),
            Track("Viewed", At(4), "u1"),
            Track("Added", At(5), "u1"),
            Track("Viewed", At(6), "u2"));
        var id = (await ProfileOfAsync(User("u1"))).Id;

        static DateTimeOffset[] Times(IReadOnlyList<LoggedEvent> events) => [.. events.Select(e => e.Event.Timestamp)];
        Assert.Equal([At(5), At(4), At(3), At(2), At(1)], Times(await Store.Events.ProfileEventsAsync(new EventQuery(id), Ct)));
        Assert.Equal([At(4), At(3), At(1)], Times(await Store.Events.ProfileEventsAsync(new EventQuery(id, Name: "Viewed"), Ct)));
        Assert.Equal([At(4), At(3), At(2)], Times(await Store.Events.ProfileEventsAsync(new EventQuery(id, From: At(2), To: At(5)), Ct)));
        Assert.Equal([At(5), At(2)], Times(await Store.Events.ProfileEventsAsync(new EventQuery(id, Name: "Added", From: At(2)), Ct)));
        Assert.Equal([At(5), At(4)], Times(await Store.Events.ProfileEventsAsync(new EventQuery(id, Limit: 2), Ct)));
        Assert.Empty(await Store.Events.ProfileEventsAsync(new EventQuery(id, Name: "Viewed", From: At(5)), Ct));
        Assert.Empty(await Store.Events.ProfileEventsAsync(new EventQuery("no-such-profile"), Ct));
    }

    [Fact]
    public async Task Profile_events_page_by_before_without_gaps_or_repeats_even_when_events_arrive_out_of_order()
    {
        int[] minutes = [10, 30, 20, 40, 5, 25, 35];
        await IngestAsync([.. minutes.Select(m => Track("Viewed", At(m), "u1"))]);
        var id = (await ProfileOfAsync(User("u1"))).Id;

        var seen = new List<LoggedEvent>();
        long? before = null;
        for (var page = 0; page < 10; page++)
        {
            var events = await Store.Events.ProfileEventsAsync(new EventQuery(id, Before: before, Limit: 3), Ct);
            if (events.Count == 0) break;
            Assert.True(events.Count <= 3);
            seen.AddRange(events);
            before = events[^1].Sequence;
        }

        Assert.Equal(minutes.Length, seen.Count);
        Assert.Equal(minutes.Length, seen.Select(e => e.Sequence).Distinct().Count());
    }

    [Fact]
    public async Task Search_by_trait_matches_strings_numbers_and_booleans_by_type_and_value()
    {
        await IngestAsync(
            Identify(At(1), "u1", traits: new JsonObject { ["plan"] = "pro", ["seats"] = 3, ["vip"] = true }),
            Identify(At(2), "u2", traits: new JsonObject { ["plan"] = "free", ["seats"] = 30, ["vip"] = false }),
            Identify(At(3), "u3", traits: new JsonObject { ["plan"] = "3", ["seats"] = 1, ["vip"] = "true" }),
            Identify(At(4), "u4", traits: new JsonObject { ["plan"] = "pro" }));

        async Task<string[]> UsersWith(string trait, string json, int limit = 10)
        {
            using var value = JsonDocument.Parse(json);
            var found = await Store.Profiles.SearchByTraitAsync(trait, value.RootElement, limit, Ct);
            return [.. found.Select(p => p.Identities.Single(i => i.Type == IdentityTypes.UserId).Value).Order(StringComparer.Ordinal)];
        }

        Assert.Equal(["u1", "u4"], await UsersWith("plan", "\"pro\""));
        Assert.Equal(["u3"], await UsersWith("plan", "\"3\""));
        Assert.Equal(["u1"], await UsersWith("seats", "3"));
        Assert.Equal(["u1"], await UsersWith("seats", "3.0"));
        Assert.Equal(["u1"], await UsersWith("vip", "true"));
        Assert.Equal(["u2"], await UsersWith("vip", "false"));
        Assert.Equal(["u3"], await UsersWith("vip", "\"true\""));
        Assert.Empty(await UsersWith("seats", "\"3\""));
        Assert.Empty(await UsersWith("seats", "true")); // true is not the number 1
        Assert.Empty(await UsersWith("plan", "\"enterprise\""));
        Assert.Single(await UsersWith("plan", "\"pro\"", limit: 1));
    }

    [Fact]
    public async Task Search_by_trait_skips_merged_away_profiles()
    {
        await IngestAsync(Identify(At(1), anonymousId: "a1", traits: new JsonObject { ["plan"] = "pro", ["email"] = "x@example.com" }));
        await IngestAsync(Identify(At(2), anonymousId: "a2", traits: new JsonObject { ["plan"] = "pro" }));
        await IngestAsync(Identify(At(3), anonymousId: "a2", traits: new JsonObject { ["email"] = "x@example.com" }));

        using var pro = JsonDocument.Parse("\"pro\"");
        var found = Assert.Single(await Store.Profiles.SearchByTraitAsync("plan", pro.RootElement, 10, Ct));
        Assert.Null(found.MergedInto);
    }

    [Fact]
    public async Task Trait_history_lists_changes_in_event_time_order_and_filters_by_trait()
    {
        var free = Identify(At(1), "u1", traits: new JsonObject { ["plan"] = "free" });
        var pro = Identify(At(10), "u1", traits: new JsonObject { ["plan"] = "pro", ["seats"] = 2 });
        var late = Identify(At(5), "u1", traits: new JsonObject { ["plan"] = "basic" });
        await IngestAsync(free, pro, late);
        var profile = await ProfileOfAsync(User("u1"));

        var all = await Store.Profiles.TraitHistoryAsync(profile.Id, null, Ct);
        Assert.Equal(
            [("plan", "\"free\"", At(1), free.MessageId), ("plan", "\"basic\"", At(5), late.MessageId),
             ("plan", "\"pro\"", At(10), pro.MessageId), ("seats", "2", At(10), pro.MessageId)],
            all.Select(h => (h.Name, h.Value.GetRawText(), h.At, h.MessageId)));
        Assert.All(all, h => Assert.Equal((profile.Id, SourceId), (h.ProfileId, h.Source)));
        Assert.Equal(["\"free\"", "\"basic\"", "\"pro\""], (await Store.Profiles.TraitHistoryAsync(profile.Id, "plan", Ct)).Select(h => h.Value.GetRawText()));
        Assert.Equal("pro", profile.Traits["plan"].Value.GetString());
        Assert.Empty(await Store.Profiles.TraitHistoryAsync(profile.Id, "city", Ct));
    }

    /// <summary>
    /// A trait history row names the message that set it by log position (migration 0042, bytes per event): its source
    /// and messageId are read from the log, and stay unknown (empty) once retention has removed the event; a row written
    /// before keeps its own.
    /// </summary>
    [Fact]
    public async Task Trait_history_names_its_message_by_log_position_and_a_row_written_before_keeps_its_own()
    {
        await using var raw = await OpenRawAsync();
        if (raw is null) return;
        var identify = Identify(At(5), "u1", traits: new JsonObject { ["plan"] = "free" });
        await IngestAsync(identify);
        var profile = await ProfileOfAsync(User("u1"));
        var seq = (await Store.Events.ReadAfterAsync(0, 10, Ct)).Single().Sequence;
        Assert.Equal($"||{seq}", await SchemaScan.ScalarTextAsync(raw, "SELECT source || '|' || message_id || '|' || CAST(seq AS TEXT) FROM trait_history", Ct));
        // A row as written before 0042: with an encrypted store, its value sealed under the scope of its source and messageId.
        var before = Protection?.ProtectValue("\"old@example.com\"", "email", "trait:src_before:m-before") ?? "\"old@example.com\"";
        await SchemaScan.ExecuteAsync(raw, $"""
            INSERT INTO trait_history (profile_id, name, value, ts, source, message_id) VALUES ('{profile.Id}', 'email', '{before}', {At(1).ToUnixTimeMilliseconds()}, 'src_before', 'm-before')
            """, Ct);

        Assert.Equal([("email", "\"old@example.com\"", "src_before", "m-before", 0L), ("plan", "\"free\"", SourceId, identify.MessageId, seq)],
            (await Store.Profiles.TraitHistoryAsync(profile.Id, null, Ct)).Select(h => (h.Name, h.Value.GetRawText(), h.Source, h.MessageId, h.Sequence)));

        await SchemaScan.ExecuteAsync(raw, $"DELETE FROM event_profiles WHERE seq = {seq}", Ct);
        await SchemaScan.ExecuteAsync(raw, $"DELETE FROM event_log WHERE seq = {seq}", Ct); // as retention does

        Assert.Equal(("\"free\"", "", "", seq), (await Store.Profiles.TraitHistoryAsync(profile.Id, "plan", Ct)).Select(h => (h.Value.GetRawText(), h.Source, h.MessageId, h.Sequence)).Single());
    }

    // ---------------------------------------------------------------- sources, keys, imports

    [Fact]
    public async Task Sources_are_found_by_write_key_and_by_name_and_listed()
    {
        var web = await CreateSourceAsync("web", "wk_web");
        var app = await CreateSourceAsync("ios", "wk_ios");

        Assert.Equal(("web", "wk_web"), (web.Name, web.WriteKey));
        Assert.NotEqual(web.Id, app.Id);
        Assert.Equal(web, await Store.Access.FindSourceByWriteKeyAsync("wk_web", Ct));
        Assert.Equal(app, await Store.Access.FindSourceByNameAsync("ios", Ct));
        Assert.Null(await Store.Access.FindSourceByWriteKeyAsync("wk_nope", Ct));
        Assert.Null(await Store.Access.FindSourceByNameAsync("android", Ct));
        Assert.Equal(new HashSet<Source> { web, app }, (await Store.Access.ListSourcesAsync(Ct)).ToHashSet());
    }

    [Fact]
    public async Task Source_name_and_write_key_are_unique()
    {
        await CreateSourceAsync("web", "wk_1");

        await Assert.ThrowsAnyAsync<DbException>(() => CreateSourceAsync("web", "wk_2"));
        await Assert.ThrowsAnyAsync<DbException>(() => CreateSourceAsync("web-2", "wk_1"));
        Assert.Single(await Store.Access.ListSourcesAsync(Ct));
    }

    private async Task<AdminKey?> AdminKeyWithCredentialAsync(string credential) =>
        (await Store.Access.AdminKeyCredentialsAsync(Ct)).SingleOrDefault(k => k.Credential == credential)?.Key;

    [Fact]
    public async Task Admin_keys_are_kept_with_their_credential_scopes_and_expiry()
    {
        var ops = await CreateAdminKeyAsync("ops", "hash-1");
        var ci = await Store.Access.CreateAdminKeyAsync(new AdminKey(NewId("key"), "ci", _time.GetUtcNow(), At(90), Scopes: "segments analytics"), "hash-2", Ct);

        Assert.Equal(ops, await AdminKeyWithCredentialAsync("hash-1"));
        Assert.Equal("admin", ops.Scopes);
        Assert.Equal(ci, await AdminKeyWithCredentialAsync("hash-2"));
        Assert.Equal(("segments analytics", At(90)), (ci.Scopes, ci.ExpiresAt));
        Assert.Equal(new HashSet<AdminKey> { ops, ci }, (await Store.Access.ListAdminKeysAsync(Ct)).ToHashSet());
        await Assert.ThrowsAnyAsync<DbException>(() => CreateAdminKeyAsync("dup", "hash-1"));
    }

    [Fact]
    public async Task A_rotated_write_key_is_found_with_the_end_of_its_grace_and_the_new_one_as_current()
    {
        var web = await CreateSourceAsync("web", "wk_old");
        var until = At(60);

        var rotated = await Store.Access.RotateWriteKeyAsync(web.Id, "wk_new", until, Ct);

        Assert.Equal(web with { WriteKey = "wk_new" }, rotated);
        Assert.Equal(new WriteKeyMatch(rotated!, null), await Store.Access.FindWriteKeyAsync("wk_new", Ct));
        Assert.Equal(new WriteKeyMatch(rotated!, until), await Store.Access.FindWriteKeyAsync("wk_old", Ct));
        Assert.Null(await Store.Access.FindSourceByWriteKeyAsync("wk_old", Ct)); // no longer the source's key, only a retired one
        Assert.Null(await Store.Access.FindWriteKeyAsync("wk_nope", Ct));
        Assert.Null(await Store.Access.RotateWriteKeyAsync("src_missing", "wk_x", until, Ct));
    }

    [Fact]
    public async Task A_revoked_source_is_marked_with_its_retired_keys_gone_and_rotation_lifts_it_without_grace()
    {
        var web = await CreateSourceAsync("web", "wk_1");
        await Store.Access.RotateWriteKeyAsync(web.Id, "wk_2", At(60), Ct);

        Assert.True(await Store.Access.RevokeSourceAsync(web.Id, At(10), Ct));
        Assert.True(await Store.Access.RevokeSourceAsync(web.Id, At(11), Ct)); // already revoked: still there, unchanged
        Assert.False(await Store.Access.RevokeSourceAsync("src_missing", At(10), Ct));

        Assert.Equal(At(10), (await Store.Access.FindWriteKeyAsync("wk_2", Ct))!.Source.RevokedAt);
        Assert.Null(await Store.Access.FindWriteKeyAsync("wk_1", Ct));
        var lifted = await Store.Access.RotateWriteKeyAsync(web.Id, "wk_3", At(60), Ct);
        Assert.Null(lifted!.RevokedAt);
        Assert.Null(await Store.Access.FindWriteKeyAsync("wk_2", Ct)); // a revoked key gets no grace
        Assert.Equal(new WriteKeyMatch(lifted, null), await Store.Access.FindWriteKeyAsync("wk_3", Ct));
    }

    [Fact]
    public async Task Admin_keys_are_rotated_with_a_grace_and_revoked()
    {
        var ops = await Store.Access.CreateAdminKeyAsync(new AdminKey(NewId("key"), "ops", _time.GetUtcNow(), Scopes: "content"), "hash-old", Ct);

        var next = await Store.Access.RotateAdminKeyAsync(ops.Id, NewId("key"), "hash-new", _time.GetUtcNow(), At(60), Ct);

        Assert.Equal(("ops", "content"), (next!.Name, next.Scopes)); // the successor keeps the scopes
        Assert.NotEqual(ops.Id, next.Id);
        Assert.Equal(ops with { ExpiresAt = At(60) }, await AdminKeyWithCredentialAsync("hash-old"));
        Assert.Equal(next, await AdminKeyWithCredentialAsync("hash-new"));
        Assert.True(await Store.Access.RevokeAdminKeyAsync(ops.Id, At(5), Ct));
        Assert.Equal(At(5), (await AdminKeyWithCredentialAsync("hash-old"))!.RevokedAt);
        Assert.Null(await Store.Access.RotateAdminKeyAsync(ops.Id, NewId("key"), "hash-x", _time.GetUtcNow(), At(60), Ct)); // a revoked key cannot be rotated
        Assert.False(await Store.Access.RevokeAdminKeyAsync("key_missing", At(5), Ct));
        Assert.Equal(2, (await Store.Access.ListAdminKeysAsync(Ct)).Count);
    }

    [Fact]
    public async Task Import_checkpoint_is_saved_overwritten_and_read_back()
    {
        Assert.Null(await Store.Access.GetImportCheckpointAsync("file-1", Ct));
        var started = new ImportCheckpoint("file-1", "/data/a.ndjson", 1000, 990, 10, At(1));
        var other = new ImportCheckpoint("file-2", "/data/b.ndjson", 5, 5, 0, At(2));

        await Store.Access.SaveImportCheckpointAsync(started, Ct);
        await Store.Access.SaveImportCheckpointAsync(other, Ct);
        Assert.Equal(started, await Store.Access.GetImportCheckpointAsync("file-1", Ct));

        var resumed = started with { Path = "/data/renamed.ndjson", LinesDone = 2500, Accepted = 2480, Rejected = 20, UpdatedAt = At(3) };
        await Store.Access.SaveImportCheckpointAsync(resumed, Ct);
        Assert.Equal(resumed, await Store.Access.GetImportCheckpointAsync("file-1", Ct));
        Assert.Equal(other, await Store.Access.GetImportCheckpointAsync("file-2", Ct));
    }
}
