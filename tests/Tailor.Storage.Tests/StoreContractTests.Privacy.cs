using System.Data.Common;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tailor.Application.Pipeline;
using Tailor.Application.Privacy;
using Tailor.Core.Analytics;
using Tailor.Core.Delivery;
using Tailor.Core.Events;
using Tailor.Core.Experiments;
using Tailor.Core.Identity;
using Tailor.Core.Pipeline;
using Tailor.Core.Privacy;
using Tailor.Core.Profiles;
using Tailor.Core.Storage;
using Tailor.Storage.Tests.Support;
using static Tailor.Tests.Support.Messages;

namespace Tailor.Storage.Tests;

/// <summary>
/// Erasure, suppression, event retention and consent history on both stores (docs/privacy.md). The erasure test reads
/// the schema from the database itself and scans every column of every row for the person's identifiers and values.
/// </summary>
public abstract partial class StoreContractTests
{
    /// <summary>A raw connection to the test's database, for reading the schema and scanning every row; null when the subclass has none.</summary>
    protected virtual Task<DbConnection?> OpenRawAsync() => Task.FromResult<DbConnection?>(null);

    /// <summary>Decodes a stored binary payload (SQLite's compact form), or null.</summary>
    protected virtual string? DecodePayload(byte[] stored) => null;

    /// <summary>The data directory of the store (SQLite), to scan its files; null for a server.</summary>
    protected virtual string? DataDirectory => null;

    private static readonly KeyRingSubjectHasher Hasher = new(new LookupHasher(PrivacyKeyRing.Generate()));

    private ProfilePipeline PrivacyPipeline() =>
        new(Store.Events, Store.Positions, Store.Profiles, Store.Merges, Store.Triggers, new ProfileReducer(EngagementWeights.Default), _time,
            suppressions: new SuppressionFilter(Store.Privacy, Hasher));

    private SubjectErasure Erasure(ProfilePipeline? pipeline = null) =>
        new(Store.Profiles, Store.Privacy, Hasher, new AuditTrail(Store.Audit, _time), _time, [], pipeline);

    private const string ZeldaEmail = "Zelda.Quux@example.org";

    /// <summary>Zelda: two devices merged into one profile, traits with history, consent with a text version, an order, an experiment exposure, a contact, a dead letter and an audit path quoting her email.</summary>
    private async Task<Profile> PlantZeldaAndBobAsync(ProfilePipeline pipeline)
    {
        await Store.Events.AppendAsync([
            Page(At(1), anonymousId: "anon-zq-phone", name: "Home", context: new JsonObject { ["ip"] = "198.51.100.77" }),
            Identify(At(1), "user-bob", traits: new JsonObject { ["email"] = "bob.bystander@example.net", ["name"] = "Bob Bystander" }),
            Track("Order Completed", At(2), "user-bob", properties: new JsonObject { ["revenue"] = 12 }),
            Identify(At(3), "user-zq", "anon-zq-laptop", traits: new JsonObject
            {
                ["email"] = ZeldaEmail, ["name"] = "Zelda Quux", ["phone"] = "+4799912345", ["city"] = "Kirkenesby",
                ["consent"] = new JsonObject { ["email"] = true, ["version"] = "terms-2026-01" },
            }),
            Identify(At(4), "user-zq", "anon-zq-phone", traits: new JsonObject { ["city"] = "Vardøhavn" }), // merges the phone's profile in
        ], Ct);
        await pipeline.CatchUpAsync(Ct);
        var zelda = await ProfileOfAsync(User("user-zq"));
        var bob = await ProfileOfAsync(User("user-bob"));
        await Store.Experiments.RecordExposureAsync(new Exposure("hero", zelda.Id, "b", At(5)), Ct);
        await Store.Experiments.RecordExposureAsync(new Exposure("hero", bob.Id, "a", At(5)), Ct);
        await Store.Contacts.RecordContactAsync(new Contact(zelda.Id, "email", "campaign:c1", At(5)), Ct);
        await Store.Contacts.RecordContactAsync(new Contact(bob.Id, "email", "campaign:c1", At(5)), Ct);
        await Store.DeadLetters.AddDeadLetterAsync(new DeadLetter(0, "profiles", "77", "src_1", """{"type":"identify","traits":{"email":"zelda.quux@example.org"}}""", "boom", null, 3, At(6)), Ct);
        await Store.DeadLetters.AddDeadLetterAsync(new DeadLetter(0, "profiles", "78", "src_1", """{"type":"identify","traits":{"email":"bob.bystander@example.net"}}""", "boom", null, 3, At(6)), Ct);
        await new AuditTrail(Store.Audit, _time).RecordAsync("key_1", "ops", $"GET /api/profiles/{ZeldaEmail}", zelda.Id, 200, "10.0.0.1", Ct);
        // Her event is the newest in the log: SQLite would hand its sequence out again if it were deleted.
        await Store.Events.AppendAsync([Track("Order Completed", At(7), "user-zq", properties: new JsonObject { ["revenue"] = 99, ["coupon"] = "ZQ-SECRET-COUPON" })], Ct);
        await pipeline.CatchUpAsync(Ct);
        return zelda;
    }

    private static readonly string[] ZeldaNeedles =
        ["zelda.quux@example.org", "Zelda Quux", "user-zq", "anon-zq-laptop", "anon-zq-phone", "+4799912345", "Kirkenesby", "Vardøhavn", "ZQ-SECRET-COUPON", "198.51.100.77"];

    [Fact]
    public async Task Erasure_leaves_none_of_the_persons_identifiers_or_values_in_any_table_and_keeps_everyone_else()
    {
        await using var raw = await OpenRawAsync();
        if (raw is null) return;
        var pipeline = PrivacyPipeline();
        var zelda = await PlantZeldaAndBobAsync(pipeline);
        var ids = (await Store.Profiles.MergesAsync(zelda.Id, Ct)).Select(m => m.LoserId).Append(zelda.Id).ToList();
        Assert.Equal(2, ids.Count);
        Assert.NotEmpty(await SchemaScan.FindAsync(raw, ZeldaNeedles, DecodePayload, Ct)); // the scans see her before
        if (DataDirectory is { } before) Assert.NotEmpty(SchemaScan.FindInFiles(before, ZeldaNeedles));
        var last = await Store.Events.LastSequenceAsync(Ct);
        // An analytics run whose result and chart name her (a top-customers list, a labelled point), beside one that does not.
        await Store.Analytics.SaveRunAsync(new AnalyticsRun("run_zq", "rfm", AnalyticsRunStatus.Succeeded, JsonDocument.Parse("""{"segment":"all"}""").RootElement, At(6), At(6), At(6),
            JsonDocument.Parse($$"""{"top":[{"profileId":"{{zelda.Id}}","email":"zelda.quux@example.org","revenue":99}],"customers":2}""").RootElement),
            [new AnalyticsArtifact("groups.svg", "image/svg+xml", System.Text.Encoding.UTF8.GetBytes($"<svg><text>{zelda.Id} Zelda.Quux@example.org</text></svg>"))], Ct);

        var erased = await Erasure(pipeline).EraseAsync("email", " ZELDA.QUUX@example.org ", "key_1", "ops", "10.0.0.1", Ct);

        Assert.Null(erased.Problem);
        Assert.Equal((zelda.Id, 2), (erased.Value!.ProfileId, erased.Value.Profiles));
        Assert.Equal(DataDirectory is null ? null : true, erased.Value.WriteAheadLogEmptied); // SQLite's own -wal file; none on PostgreSQL
        Assert.Equal([], await SchemaScan.FindAsync(raw, ZeldaNeedles, DecodePayload, Ct));
        var idHits = await SchemaScan.FindAsync(raw, ids, DecodePayload, Ct);
        // The audit trail keeps who was erased, by id only, and so does the erasure fence (against followers writing back).
        Assert.Equal([$"audit_log.target holds '{zelda.Id}'", .. ids.Select(id => $"erased_profiles.id holds '{id}'").Order(StringComparer.Ordinal)],
            idHits.Order(StringComparer.Ordinal));
        var redacted = (await Store.Analytics.GetRunAsync("run_zq", Ct))!;
        Assert.Equal(2, redacted.Result!.Value.GetProperty("customers").GetInt32()); // the run stays, the person's name goes
        Assert.Contains("[erased]", redacted.Result.Value.GetRawText(), StringComparison.Ordinal);
        Assert.Equal("<svg><text>[erased] [erased]</text></svg>", System.Text.Encoding.UTF8.GetString((await Store.Analytics.GetArtifactAsync("run_zq", "groups.svg", Ct))!.Content));
        if (DataDirectory is { } directory) Assert.Equal([], SchemaScan.FindInFiles(directory, ZeldaNeedles));
        var entry = (await Store.Audit.ListAsync(new AuditQuery(ActionPrefix: "privacy erase"), Ct)).Single();
        Assert.Equal(("privacy erase by email", zelda.Id), (entry.Action, entry.Target));
        Assert.Contains("GET /api/profiles/[erased]", (await Store.Audit.ListAsync(new AuditQuery(ActionPrefix: "GET"), Ct)).Select(e => e.Action));

        // Everyone else is untouched, and the log goes on: no sequence is handed out twice.
        var bob = await ProfileOfAsync(new ProfileIdentifier(IdentityTypes.Email, "bob.bystander@example.net"));
        Assert.Equal("Bob Bystander", bob.Traits["name"].Value.GetString());
        Assert.Equal(2, (await Store.Events.ProfileEventsAsync(new EventQuery(bob.Id), Ct)).Count);
        Assert.Single(await Store.Experiments.ExposuresAsync("hero", bob.Id, Ct));
        Assert.Equal(1, await Store.Contacts.CountContactsAsync(bob.Id, "email", null, At(0), Ct));
        Assert.Single(await Store.DeadLetters.ListDeadLettersAsync(new(), Ct), d => d.Payload.Contains("bob.bystander", StringComparison.Ordinal));
        Assert.Null(await Store.Profiles.GetProfileAsync(zelda.Id, Ct));
        Assert.Empty(await Store.Events.ProfileEventsAsync(new EventQuery(zelda.Id), Ct));
        await Store.Events.AppendAsync([Track("After", At(8), "user-bob")], Ct);
        Assert.True(await Store.Events.LastSequenceAsync(Ct) > last);
        Assert.Equal(1, await pipeline.CatchUpAsync(Ct));
        Assert.Equal(1, await Store.Privacy.CounterAsync(PrivacyCounters.Erasures, Ct));
    }

    /// <summary>
    /// The race with followers (docs/privacy.md, "Followers after an erasure"): steps that read the person before the
    /// erasure and commit after it — the profile pipeline writing her profile, an identity, a trait change and an
    /// event's assignment back, the segment engine her entry, an experiment her exposure, a campaign her contact — write
    /// nothing of her: the erasure fence drops each of those rows in the follower's own commit, while the rest of the
    /// commit (Bob's rows, the position) goes through.
    /// </summary>
    [Fact]
    public async Task A_follower_step_that_read_the_person_before_an_erasure_writes_nothing_of_her_after_it()
    {
        await using var raw = await OpenRawAsync();
        if (raw is null) return;
        var pipeline = PrivacyPipeline();
        var zelda = await PlantZeldaAndBobAsync(pipeline);
        var bob = await ProfileOfAsync(User("user-bob"));
        var ids = (await Store.Profiles.MergesAsync(zelda.Id, Ct)).Select(m => m.LoserId).Append(zelda.Id).ToList();
        // What the followers read before the erasure.
        var stale = (await Store.Profiles.GetProfileAsync(zelda.Id, Ct))!;
        var herNewest = await Store.Events.LastSequenceAsync(Ct);
        var position = await Store.Positions.PositionAsync(Followers.Profiles, Ct);
        var email = new ProfileIdentifier(IdentityTypes.Email, "zelda.quux@example.org");

        Assert.Null((await Erasure(pipeline).EraseAsync("profileId", zelda.Id, "key_1", "ops", null, Ct)).Problem);
        await Store.Events.AppendAsync([Track("Product Viewed", At(9), "user-bob")], Ct);
        var bobsEvent = await Store.Events.LastSequenceAsync(Ct);
        await Store.Profiles.CommitAsync(new ProfileChangeSet([stale, bob],
            [new IdentityLink(email, zelda.Id, At(3)), new IdentityLink(new ProfileIdentifier(IdentityTypes.DeviceId, "bobs-phone"), bob.Id, At(9))],
            [new EventAssignment(herNewest, zelda.Id), new EventAssignment(bobsEvent, bob.Id)],
            [new TraitChange(zelda.Id, "city", JsonDocument.Parse("\"Kirkenesby\"").RootElement, At(3), "identify", "m-zq", herNewest)], [],
            new PositionMove(Followers.Profiles, position, bobsEvent)), Ct);
        await Store.Segments.ApplyMembershipAsync(new MembershipUpdate(
            [new MembershipChange("seg-buyers", zelda.Id, true, At(8)), new MembershipChange("seg-buyers", bob.Id, true, At(8))], []), Ct);
        await Store.Experiments.RecordExposureAsync(new Exposure("hero-2", zelda.Id, "b", At(8)), Ct);
        await Store.Contacts.RecordContactAsync(new Contact(zelda.Id, "email", "campaign:c2", At(8)), Ct);

        Assert.Null(await Store.Profiles.GetProfileAsync(zelda.Id, Ct));
        Assert.Null(await Store.Profiles.FindProfileAsync(email, Ct));
        Assert.Empty(await Store.Profiles.TraitHistoryAsync(zelda.Id, null, Ct));
        Assert.Empty(await Store.Events.ProfileEventsAsync(new EventQuery(zelda.Id), Ct));
        Assert.Empty(await Store.Segments.MembershipsAsync(zelda.Id, Ct));
        Assert.Empty(await Store.Experiments.ExposuresAsync("hero-2", zelda.Id, Ct));
        Assert.Equal(0, await Store.Contacts.CountContactsAsync(zelda.Id, "email", null, At(0), Ct));
        Assert.Equal([], await SchemaScan.FindAsync(raw, ZeldaNeedles, DecodePayload, Ct));
        Assert.Equal([$"audit_log.target holds '{zelda.Id}'"], (await SchemaScan.FindAsync(raw, ids, DecodePayload, Ct)).Where(h => !h.StartsWith("erased_profiles.", StringComparison.Ordinal)));
        // Everyone else's rows in the same commits are written, and the pipeline's position moved.
        Assert.Equal(bobsEvent, await Store.Positions.PositionAsync(Followers.Profiles, Ct));
        Assert.Equal(bob.Id, (await Store.Profiles.FindProfileAsync(new ProfileIdentifier(IdentityTypes.DeviceId, "bobs-phone"), Ct))?.Id);
        Assert.Contains(await Store.Events.ProfileEventsAsync(new EventQuery(bob.Id), Ct), e => e.Sequence == bobsEvent);
        Assert.Contains("seg-buyers", await Store.Segments.MembershipsAsync(bob.Id, Ct));
    }

    /// <summary>
    /// A pipeline batch on another node that read the person before her erasure may merge her profile into another
    /// (carrying her traits onto the survivor) or another into hers (carrying its events into hers), and commit after
    /// it. Such a commit is refused whole, as a stale position is, and writes nothing; the pipeline then folds the log
    /// again without her.
    /// </summary>
    [Fact]
    public async Task A_stale_batch_that_merges_with_an_erased_profile_is_refused_whole()
    {
        await using var raw = await OpenRawAsync();
        if (raw is null) return;
        var pipeline = PrivacyPipeline();
        var zelda = await PlantZeldaAndBobAsync(pipeline);
        await Store.Events.AppendAsync([Track("Product Viewed", At(8), "user-yann")], Ct);
        await pipeline.CatchUpAsync(Ct);
        var yann = await ProfileOfAsync(User("user-yann"));
        var bob = await ProfileOfAsync(User("user-bob"));
        var bobsTraits = bob.Traits.Keys.Order(StringComparer.Ordinal).ToList();
        var stale = (await Store.Profiles.GetProfileAsync(zelda.Id, Ct))!;
        var position = await Store.Positions.PositionAsync(Followers.Profiles, Ct);

        Assert.Null((await Erasure(pipeline).EraseAsync("profileId", zelda.Id, "key_1", "ops", null, Ct)).Problem);
        await Store.Events.AppendAsync([Track("Product Viewed", At(9), "user-yann")], Ct);
        var last = await Store.Events.LastSequenceAsync(Ct);
        // Hers into Bob's: her traits carried onto him, as the fold's merge does.
        foreach (var (name, value) in stale.Traits) bob.Traits[name] = value;
        await Assert.ThrowsAsync<PositionConflictException>(() => Store.Profiles.CommitAsync(new ProfileChangeSet(
            [bob, new Profile { Id = zelda.Id, CreatedAt = stale.CreatedAt, MergedInto = bob.Id }], [], [new EventAssignment(last, bob.Id)], [],
            [new ProfileMerge(bob.Id, zelda.Id, At(9), "m-stale", "identify") { Sequence = last }], new PositionMove(Followers.Profiles, position, last)), Ct));
        // Yann's into hers: his event assigned to her.
        yann.MergedInto = zelda.Id;
        await Assert.ThrowsAsync<PositionConflictException>(() => Store.Profiles.CommitAsync(new ProfileChangeSet(
            [stale, yann], [], [new EventAssignment(last, zelda.Id)], [],
            [new ProfileMerge(zelda.Id, yann.Id, At(9), "m-stale", "identify") { Sequence = last }], new PositionMove(Followers.Profiles, position, last)), Ct));

        Assert.Equal(position, await Store.Positions.PositionAsync(Followers.Profiles, Ct));
        Assert.Equal([], await SchemaScan.FindAsync(raw, ZeldaNeedles, DecodePayload, Ct));
        Assert.Equal(bobsTraits, (await ProfileOfAsync(User("user-bob"))).Traits.Keys.Order(StringComparer.Ordinal));
        Assert.Empty(await Store.Profiles.MergesAsync(bob.Id, Ct));
        Assert.Empty(await Store.Profiles.MergesAsync(yann.Id, Ct));
        // Folded again, Yann's event is his.
        await pipeline.CatchUpAsync(Ct);
        Assert.Equal(last, await Store.Positions.PositionAsync(Followers.Profiles, Ct));
        Assert.Null((await Store.Profiles.GetProfileAsync(yann.Id, Ct))!.MergedInto);
        Assert.Contains(await Store.Events.ProfileEventsAsync(new EventQuery(yann.Id), Ct), e => e.Sequence == last);
    }

    /// <summary>
    /// On PostgreSQL the erasure vacuums every table it changed (docs/privacy.md, "Files"): the dead rows and their index
    /// entries go at once, not whenever autovacuum comes by. (SQLite: the erasure test reads every file of the store.)
    /// </summary>
    [Fact]
    public async Task Erasure_vacuums_the_tables_it_changed_on_PostgreSQL()
    {
        await using var raw = await OpenRawAsync();
        if (raw is null || !SchemaScan.IsPostgres(raw)) return;
        var pipeline = PrivacyPipeline();
        var zelda = await PlantZeldaAndBobAsync(pipeline);
        string[] tables = ["event_log", "event_profiles", "identities", "trait_history", "profiles", "contacts", "dead_letters"];
        var before = await SchemaScan.VacuumCountsAsync(raw, tables, Ct);

        var erased = await Erasure(pipeline).EraseAsync("profileId", zelda.Id, "key_1", "ops", null, Ct);

        Assert.All(tables, t => Assert.True(erased.Value!.Rows.GetValueOrDefault(t) > 0, $"the erasure did not change {t}"));
        var after = await SchemaScan.VacuumCountsAsync(raw, tables, Ct);
        Assert.Equal([], tables.Where(t => after.GetValueOrDefault(t) <= before.GetValueOrDefault(t)));
    }

    /// <summary>
    /// PostgreSQL runs writers side by side: a follower transaction that wrote a row of the person and has not committed
    /// when the erasure starts is waited for (the erasure first locks the profile tables against writers), and its row
    /// is erased with the rest instead of surviving the erasure's delete.
    /// </summary>
    [Fact]
    public async Task An_erasure_waits_for_a_follower_commit_under_way_and_erases_its_row_on_PostgreSQL()
    {
        await using var raw = await OpenRawAsync();
        if (raw is null || !SchemaScan.IsPostgres(raw)) return;
        var pipeline = PrivacyPipeline();
        var zelda = await PlantZeldaAndBobAsync(pipeline);
        await using var follower = (await OpenRawAsync())!;
        await using var transaction = await follower.BeginTransactionAsync(Ct);
        await using (var insert = follower.CreateCommand())
        {
            insert.Transaction = transaction;
            insert.CommandText = $"INSERT INTO segment_members (segment_id, profile_id, since) VALUES ('seg-late', '{zelda.Id}', 0)";
            Assert.Equal(1, await insert.ExecuteNonQueryAsync(Ct));
        }

        var erasure = Erasure(pipeline).EraseAsync("profileId", zelda.Id, "key_1", "ops", null, Ct);
        var waiting = Stopwatch.StartNew();
        while (await SchemaScan.WaitingLocksAsync(raw, Ct) == 0 && !erasure.IsCompleted && waiting.Elapsed < TimeSpan.FromSeconds(20))
            await Task.Delay(20, Ct); // until the erasure waits on the follower's lock
        Assert.False(erasure.IsCompleted);
        await transaction.CommitAsync(Ct);

        Assert.Null((await erasure).Problem);
        Assert.Empty(await Store.Segments.MembershipsAsync(zelda.Id, Ct));
    }

    /// <summary>
    /// The re-encryption pass renews only what is not under the active key. A row already under it is left exactly as
    /// stored — also one whose ciphertext does not open for its row (here Zelda's traits copied onto Bob's profile),
    /// which is never sealed a second time: the pass does not open rows it has nothing to do for.
    /// </summary>
    [Fact]
    public async Task A_rotation_pass_leaves_every_row_under_the_active_key_as_it_is()
    {
        await using var raw = await OpenRawAsync();
        if (raw is null || Protection is not { Enabled: true }) return;
        var zelda = await PlantZeldaAndBobAsync(PrivacyPipeline());
        var bob = await ProfileOfAsync(User("user-bob"));
        var zeldas = await SchemaScan.ScalarTextAsync(raw, $"SELECT CAST(traits AS TEXT) FROM profiles WHERE id = '{zelda.Id}'", Ct);
        Assert.Contains($"enc:v{Protection.ActiveVersion}:", zeldas, StringComparison.Ordinal);
        await SchemaScan.ExecuteAsync(raw, $"UPDATE profiles SET traits = (SELECT traits FROM profiles WHERE id = '{zelda.Id}') WHERE id = '{bob.Id}'", Ct);
        await SchemaScan.ExecuteAsync(raw, "DELETE FROM privacy_rotation", Ct); // a pass due (the key was new on an empty store: none was)

        while (await Store.Encryption.RewriteNextBatchAsync(2, Ct)) { }

        Assert.True((await Store.Encryption.ProgressAsync(Ct)).Done);
        Assert.Equal(zeldas, await SchemaScan.ScalarTextAsync(raw, $"SELECT CAST(traits AS TEXT) FROM profiles WHERE id = '{bob.Id}'", Ct));
        Assert.Equal(zeldas, await SchemaScan.ScalarTextAsync(raw, $"SELECT CAST(traits AS TEXT) FROM profiles WHERE id = '{zelda.Id}'", Ct));
    }

    /// <summary>
    /// A key first used on an empty store has nothing older to re-encrypt: the pass is recorded done as the store opens,
    /// so it does not scan the first events as they arrive. On a store that already holds data in clear (encryption
    /// turned on later) the pass is still due, and leaves no protected value in clear.
    /// </summary>
    [Fact]
    public async Task A_key_first_used_on_an_empty_store_needs_no_pass_and_one_used_over_clear_data_does()
    {
        if (Protection is { Enabled: true })
        {
            var fresh = await Store.Encryption.ProgressAsync(Ct);
            Assert.True(fresh.Done);
            Assert.All(fresh.Tables, t => Assert.Equal(0, t.Rewritten));
            Assert.False(await Store.Encryption.RewriteNextBatchAsync(100, Ct));
            return;
        }
        await using var raw = await OpenRawAsync();
        if (raw is null) return;
        await IngestAsync(Identify(At(1), "ada", traits: new JsonObject { ["email"] = "ada@example.com", ["plan"] = "pro" }));
        var traitsOfAda = $"SELECT CAST(traits AS TEXT) FROM profiles WHERE id = '{(await ProfileOfAsync(User("ada"))).Id}'";
        Assert.Contains("ada@example.com", await SchemaScan.ScalarTextAsync(raw, traitsOfAda, Ct), StringComparison.Ordinal);

        using var protection = new PersonalDataProtection(PrivacyKeyRing.Generate(), PersonalDataProtection.DefaultFields);
        await using var encrypted = OpenSameStore(protection);
        await encrypted.MigrateAsync(Ct);
        Assert.False((await encrypted.Encryption.ProgressAsync(Ct)).Done);
        while (await encrypted.Encryption.RewriteNextBatchAsync(100, Ct)) { }

        var done = await encrypted.Encryption.ProgressAsync(Ct);
        Assert.True(done.Done);
        Assert.Equal(1, done.Tables.Single(t => t.Table == "profiles").Rewritten);
        var traits = await SchemaScan.ScalarTextAsync(raw, traitsOfAda, Ct);
        Assert.DoesNotContain("ada@example.com", traits, StringComparison.Ordinal);
        Assert.Contains($"enc:v{protection.ActiveVersion}:", traits, StringComparison.Ordinal);
    }

    /// <summary>
    /// A follower that needs the payload of only some events (the trigger engine: those that start a trigger) has only
    /// theirs opened; the others come as stored, their protected values still sealed, and nothing else about them differs.
    /// </summary>
    [Fact]
    public async Task Assigned_events_open_the_protected_values_only_of_the_events_asked_for()
    {
        if (Protection is not { Enabled: true }) return;
        await Store.Events.AppendAsync([
            Identify(At(1), "user-ada", traits: new JsonObject { ["email"] = "ada@example.org", ["plan"] = "pro" }),
            Page(At(2), anonymousId: null, userId: "user-ada", name: "Home", context: new JsonObject { ["ip"] = "198.51.100.9" }),
        ], Ct);
        await PrivacyPipeline().CatchUpAsync(Ct);
        var last = await Store.Events.LastSequenceAsync(Ct);

        var all = await Store.Triggers.AssignedEventsAsync(0, last, 10, Ct);
        var some = await Store.Triggers.AssignedEventsAsync(0, last, 10, e => e.Type == EventType.Identify, Ct);

        Assert.Equal(all.Select(e => (e.Sequence, e.ProfileId, e.Event.MessageId)), some.Select(e => (e.Sequence, e.ProfileId, e.Event.MessageId)));
        Assert.Contains("ada@example.org", some[0].Event.Payload, StringComparison.Ordinal);
        Assert.Contains("198.51.100.9", all[1].Event.Payload, StringComparison.Ordinal);
        Assert.DoesNotContain("198.51.100.9", some[1].Event.Payload, StringComparison.Ordinal);
        Assert.Contains($"enc:v{Protection.ActiveVersion}:", some[1].Event.Payload, StringComparison.Ordinal);
    }

    /// <summary>
    /// The profile pipeline reads the log sealed and opens only what its fold reads: a read as stored keeps every
    /// protected value sealed, <see cref="IEventLog.Open"/> gives what the opened read gives, and the profile folded
    /// from both kinds of event holds clear traits and the consent's "where".
    /// </summary>
    [Fact]
    public async Task The_log_read_sealed_opens_event_by_event_to_what_the_opened_read_gives()
    {
        if (Protection is not { Enabled: true }) return;
        await Store.Events.AppendAsync([
            Identify(At(1), "user-ada", traits: new JsonObject { ["email"] = "ada@example.org", ["plan"] = "pro" }),
            Page(At(2), anonymousId: null, userId: "user-ada", name: "Home", context: new JsonObject { ["ip"] = "198.51.100.9" }),
            Track("Consent Given", At(3), "user-ada", context: new JsonObject
            {
                ["ip"] = "198.51.100.10", ["consent"] = new JsonObject { ["categoryPreferences"] = new JsonObject { ["email"] = true } },
            }),
        ], Ct);

        var opened = await Store.Events.ReadAfterAsync(0, 10, Ct);
        var stored = await Store.Events.ReadSealedAfterAsync(0, 10, Ct);

        Assert.Equal(3, stored.Count);
        Assert.All(stored, e => Assert.Contains($"enc:v{Protection.ActiveVersion}:", e.Event.Payload, StringComparison.Ordinal));
        Assert.DoesNotContain(stored, e => e.Event.Payload.Contains("ada@example.org", StringComparison.Ordinal) || e.Event.Payload.Contains("198.51.100.", StringComparison.Ordinal));
        Assert.Equal(opened, stored.Select(Store.Events.Open));

        await PrivacyPipeline().CatchUpAsync(Ct);
        var profile = await Store.Profiles.FindProfileAsync(new ProfileIdentifier("userId", "user-ada"), Ct);
        Assert.Equal("ada@example.org", profile!.Traits["email"].Value.GetString());
        Assert.Equal("198.51.100.10", Assert.Single(await Store.Privacy.ConsentHistoryAsync(profile.Id, 10, Ct)).Where);
    }

    /// <summary>
    /// The real pipeline over this store's log (read sealed where encryption is on, opened only where the fold reads a
    /// protected part) gives each profile what folding the clear messages in memory gives: traits, computed traits,
    /// consent with its "where", tags, identities and trait history.
    /// </summary>
    [Fact]
    public async Task The_pipeline_folds_the_stored_log_to_what_folding_the_clear_messages_gives()
    {
        var day = Tailor.Tests.Support.VisitorDay.Messages();
        await Store.Events.AppendAsync(day, Ct);
        await PrivacyPipeline().CatchUpAsync(Ct);

        var logged = await Store.Events.ReadSealedAfterAsync(0, 100, Ct);
        Assert.Equal(day.Select(e => e.MessageId), logged.Select(l => l.Event.MessageId));
        var clear = new ProfileBatch([], new ProfileReducer(EngagementWeights.Default), _time.GetUtcNow());
        for (var i = 0; i < day.Length; i++) clear.Apply(EventView.Parse(new LoggedEvent(logged[i].Sequence, day[i])));
        var expected = clear.ToChangeSet(0, logged[^1].Sequence);

        var live = expected.Profiles.Where(p => p.MergedInto is null).ToList();
        Assert.NotEmpty(live);
        foreach (var want in live)
        {
            var got = await Store.Profiles.FindProfileAsync(want.Identities[0], Ct);
            Assert.NotNull(got);
            Assert.Equal(want.Identities.ToHashSet(), got.Identities.ToHashSet());
            AssertFoldedAlike(want, got);
            // The history rows of a profile merged into this one moved here with its events.
            var ids = expected.Profiles.Where(p => p.Id == want.Id || p.MergedInto == want.Id).Select(p => p.Id).ToHashSet();
            var wantRows = expected.TraitHistory.Where(h => ids.Contains(h.ProfileId)).OrderBy(h => (h.Name, h.MessageId)).ToList();
            var gotRows = (await Store.Profiles.TraitHistoryAsync(got.Id, null, Ct)).OrderBy(h => (h.Name, h.MessageId)).ToList();
            Assert.Equal(wantRows.Select(h => (h.Name, h.At, h.MessageId)), gotRows.Select(h => (h.Name, h.At, h.MessageId)));
            Assert.All(wantRows.Zip(gotRows), pair => Assert.True(JsonElement.DeepEquals(pair.First.Value, pair.Second.Value), pair.First.Name)); // jsonb reorders keys
        }
        Assert.Contains(live, p => p.Consent.Values.Any(c => c.Where is not null)); // the IP as a consent's "where" was read
    }

    /// <summary>
    /// SQLite keeps audit entries in a journal file beside the database until they are moved into <c>audit_log</c>
    /// (docs/security.md): an entry quoting her email that a crashed process left there is erased with the rest, from
    /// the trail and from the journal file's bytes.
    /// </summary>
    [Fact]
    public async Task Erasure_reaches_an_audit_entry_a_crashed_process_left_in_the_journal()
    {
        if (DataDirectory is not { } directory) return;
        var pipeline = PrivacyPipeline();
        await PlantZeldaAndBobAsync(pipeline);
        Assert.Single(await Store.Audit.ListAsync(new AuditQuery(ActionPrefix: "GET"), Ct)); // moved: the journal is empty
        await using (var journal = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(directory, "tailor.audit.db")};Pooling=false"))
        {
            await journal.OpenAsync(Ct);
            await using var insert = journal.CreateCommand();
            insert.CommandText = """
                INSERT INTO entries (at, actor, actor_name, action, target, outcome, origin)
                VALUES (0, 'key_2', 'support', 'GET /api/profiles/zelda.quux@example.org/events', NULL, 200, '10.0.0.2')
                """;
            await insert.ExecuteNonQueryAsync(Ct);
        }

        var erased = await Erasure(pipeline).EraseAsync("email", ZeldaEmail, "key_1", "ops", "10.0.0.1", Ct);

        Assert.Null(erased.Problem);
        Assert.Equal([], SchemaScan.FindInFiles(directory, ZeldaNeedles));
        Assert.Equal(["GET /api/profiles/[erased]", "GET /api/profiles/[erased]/events"],
            (await Store.Audit.ListAsync(new AuditQuery(ActionPrefix: "GET"), Ct)).Select(e => e.Action).Order(StringComparer.Ordinal));
    }

    /// <summary>Entries appended at the same moment (reads of many profiles at once) share commits: every one is kept, once, with what was recorded.</summary>
    [Fact]
    public async Task Audit_entries_appended_at_once_are_each_kept_once()
    {
        var trail = new AuditTrail(Store.Audit, _time);

        await Task.WhenAll(Enumerable.Range(0, 300).Select(i => Task.Run(() =>
            trail.RecordAsync($"key_{i % 7}", "ops", $"GET /api/profiles/p{i}", $"p{i}", 200, "10.0.0.9", Ct))));

        var entries = (await trail.ListAsync(new AuditQuery(ActionPrefix: "GET /api/profiles/p", Limit: 1000), Ct)).Value!;
        Assert.Equal(300, entries.Count);
        Assert.Equal(Enumerable.Range(0, 300).Select(i => $"p{i}").Order(), entries.Select(e => e.Target!).Order());
        Assert.All(entries, e => Assert.Equal($"key_{int.Parse(e.Target![1..], System.Globalization.CultureInfo.InvariantCulture) % 7}", e.Actor));
        Assert.Equal(300, entries.Select(e => e.Seq).Distinct().Count());
    }

    /// <summary>A path is cut to 300 characters, never through a character: half of one is refused by PostgreSQL, and with it the commit other entries share.</summary>
    [Fact]
    public async Task An_audited_path_is_cut_whole_characters_and_the_entries_beside_it_are_kept()
    {
        var trail = new AuditTrail(Store.Audit, _time);
        var path = "GET /api/profiles/" + new string('a', 281) + "\U0001F600tail"; // the emoji's two halves at 299 and 300

        await Task.WhenAll(
            trail.RecordAsync("key_1", "ops", path, null, 404, "10.0.0.1", Ct),
            trail.RecordAsync("key_2", "ops", "GET /api/profiles/p1", "p1", 200, "10.0.0.2", Ct));

        var entries = (await trail.ListAsync(new AuditQuery(ActionPrefix: "GET /api/profiles/"), Ct)).Value!;
        Assert.Equal(2, entries.Count);
        Assert.Equal(path[..299], Assert.Single(entries, e => e.Actor == "key_1").Action);
    }

    /// <summary>A new table with a <c>profile_id</c> column needs the erasure fence's guard as well as erasure's delete.</summary>
    [Fact]
    public async Task Every_table_a_profile_has_rows_in_is_guarded_against_writes_for_an_erased_profile()
    {
        await using var raw = await OpenRawAsync();
        if (raw is null) return;
        var guarded = await SchemaScan.GuardedTablesAsync(raw, Ct);
        var holding = new List<string> { "profiles" };
        foreach (var table in await SchemaScan.TablesAsync(raw, Ct))
            if ((await SchemaScan.ColumnsAsync(raw, table, Ct)).Contains("profile_id")) holding.Add(table);

        Assert.Equal([], holding.Where(t => !guarded.Contains(t)));
    }

    [Fact]
    public async Task Every_table_with_a_profile_id_column_is_one_that_erasure_deletes_from()
    {
        await using var raw = await OpenRawAsync();
        if (raw is null) return;
        var handled = TailorDatabase.TablesErasedByProfile.Concat(["event_profiles"]).ToHashSet(StringComparer.Ordinal);
        var holding = new List<string>();
        foreach (var table in await SchemaScan.TablesAsync(raw, Ct))
            if ((await SchemaScan.ColumnsAsync(raw, table, Ct)).Contains("profile_id")) holding.Add(table);

        Assert.NotEmpty(holding);
        Assert.Equal([], holding.Where(t => !handled.Contains(t)));
    }

    [Fact]
    public async Task Late_events_of_an_erased_person_are_dropped_and_counted_until_they_opt_in_again()
    {
        var pipeline = PrivacyPipeline();
        var zelda = await PlantZeldaAndBobAsync(pipeline);
        await Erasure(pipeline).EraseAsync("profileId", zelda.Id, "key_1", "ops", null, Ct);

        await Store.Events.AppendAsync([
            Track("Product Viewed", At(10), "user-zq"),
            Identify(At(11), traits: new JsonObject { ["email"] = "ZELDA.quux@example.org", ["name"] = "Zelda Quux" }, anonymousId: "anon-new"),
            Track("Product Viewed", At(12), "user-bob"),
        ], Ct);
        await pipeline.CatchUpAsync(Ct);

        Assert.Null(await Store.Profiles.FindProfileAsync(User("user-zq"), Ct));
        Assert.Null(await Store.Profiles.FindProfileAsync(new ProfileIdentifier(IdentityTypes.Email, "zelda.quux@example.org"), Ct));
        Assert.Null(await Store.Profiles.FindProfileAsync(new ProfileIdentifier(IdentityTypes.AnonymousId, "anon-new"), Ct));
        Assert.Equal(2, await Store.Privacy.CounterAsync(PrivacyCounters.SuppressedEvents, Ct));
        Assert.DoesNotContain(await Store.Events.ReadAfterAsync(0, 100, Ct), e => e.Event.UserId == "user-zq" || e.Event.Payload.Contains("Zelda", StringComparison.Ordinal));
        Assert.Equal(3, (await Store.Events.ProfileEventsAsync(new EventQuery((await ProfileOfAsync(User("user-bob"))).Id), Ct)).Count);

        // She signs up again and says yes: the identify that grants consent is kept and lifts the suppression of what it carries.
        await Store.Events.AppendAsync([
            Identify(At(20), "user-zq", traits: new JsonObject { ["email"] = ZeldaEmail, ["consent"] = new JsonObject { ["email"] = true } }),
            Track("Product Viewed", At(21), "user-zq"),
        ], Ct);
        await pipeline.CatchUpAsync(Ct);

        var back = await ProfileOfAsync(User("user-zq"));
        Assert.Equal(2, back.Computed.EventCount);
        Assert.False(back.Traits.ContainsKey("city")); // nothing from before the erasure
        Assert.Equal(2, await Store.Privacy.CounterAsync(PrivacyCounters.SuppressedEvents, Ct));
    }

    [Fact]
    public async Task Retention_deletes_old_events_by_name_in_batches_and_leaves_computed_traits_and_other_names()
    {
        var pipeline = PrivacyPipeline();
        var events = new List<Tailor.Core.Events.TailorEvent>();
        for (var i = 0; i < 2500; i++) events.Add(Track("Page Viewed", At(i % 50), "u1"));
        events.Add(Track("Order Completed", At(1), "u1", properties: new JsonObject { ["revenue"] = 40 }));
        events.Add(Identify(At(2), "u1", traits: new JsonObject { ["plan"] = "pro" }));
        events.Add(Track("Page Viewed", T0.AddDays(100), "u1")); // young enough to stay
        events.Add(Track("Newest", T0.AddDays(100), "u1"));
        await Store.Events.AppendAsync(events, Ct);
        await pipeline.CatchUpAsync(Ct);
        await Store.Segments.ApplyMembershipAsync(new MembershipUpdate([], [], new PositionMove(Followers.Segments, 0, await Store.Events.LastSequenceAsync(Ct))), Ct);
        var before = await ProfileOfAsync(User("u1"));
        _time.SetUtcNow(T0.AddDays(120));
        var policy = EventRetentionPolicy.Parse(new Dictionary<string, string> { ["Page Viewed"] = "90d", ["identify"] = "400d" }, out var problem);
        Assert.Null(problem);

        var deleted = await new EventRetention(Store.Privacy, Store.Positions, _time).RunAsync(policy, Ct);

        Assert.Equal(2500, deleted);
        var left = await Store.Events.ReadAfterAsync(0, 10_000, Ct);
        Assert.Equal(["Order Completed", null, "Page Viewed", "Newest"], left.Select(e => e.Event.Name));
        Assert.Equal(new RetentionRun(T0.AddDays(120), 2500, null), await Store.Privacy.LastRetentionRunAsync(Ct));
        var after = await ProfileOfAsync(User("u1"));
        Assert.Equal((before.Computed.EventCount, before.Computed.EventCounts["Page Viewed"], before.Computed.TotalRevenue),
            (after.Computed.EventCount, after.Computed.EventCounts["Page Viewed"], after.Computed.TotalRevenue));

        _time.SetUtcNow(T0.AddDays(500)); // now identify is past 400d, and the young page view past 90d; nothing for Order Completed (no "*")
        Assert.Equal(2, await new EventRetention(Store.Privacy, Store.Positions, _time).RunAsync(policy, Ct));
        Assert.Equal(["Order Completed", "Newest"], (await Store.Events.ReadAfterAsync(0, 10, Ct)).Select(e => e.Event.Name));
    }

    [Fact]
    public async Task Retention_never_deletes_what_the_followers_have_not_passed()
    {
        await Store.Events.AppendAsync([Track("Page Viewed", At(1), "u1"), Track("Page Viewed", At(2), "u1"), Track("Page Viewed", At(3), "u1")], Ct);
        await PrivacyPipeline().CatchUpAsync(Ct); // profiles at 3, segments at 0
        _time.SetUtcNow(T0.AddDays(400));
        var policy = EventRetentionPolicy.Parse(new Dictionary<string, string> { ["*"] = "30d" }, out _);

        Assert.Equal(0, await new EventRetention(Store.Privacy, Store.Positions, _time).RunAsync(policy, Ct));
        await Store.Segments.ApplyMembershipAsync(new MembershipUpdate([], [], new PositionMove(Followers.Segments, 0, 3)), Ct);
        Assert.Equal(2, await new EventRetention(Store.Privacy, Store.Positions, _time).RunAsync(policy, Ct)); // the newest row stays (its sequence)
    }

    [Fact]
    public async Task Every_consent_change_is_kept_with_source_place_and_text_version_and_merges_join_the_histories()
    {
        await IngestViaAsync(PrivacyPipeline(),
            Track("Signed Up", At(1), anonymousId: "a1", context: new JsonObject
            {
                ["page"] = new JsonObject { ["url"] = "https://shop.example/signup" },
                ["consent"] = new JsonObject { ["version"] = "cookies-v3", ["categoryPreferences"] = new JsonObject { ["analytics"] = true, ["email"] = false } },
            }),
            Track("Page Viewed", At(2), anonymousId: "a1", context: new JsonObject
            {
                ["consent"] = new JsonObject { ["version"] = "cookies-v3", ["categoryPreferences"] = new JsonObject { ["analytics"] = true, ["email"] = false } },
            }), // the same answers again: no change
            Identify(At(3), "u1", traits: new JsonObject { ["consent"] = new JsonObject { ["email"] = true, ["version"] = "newsletter-v2" } },
                context: new JsonObject { ["ip"] = "203.0.113.5" }),
            Identify(At(4), "u1", "a1"), // merges the two
            Track("Page Viewed", At(5), "u1", context: new JsonObject
            {
                ["consent"] = new JsonObject { ["categoryPreferences"] = new JsonObject { ["analytics"] = false } },
            }));
        var profile = await ProfileOfAsync(User("u1"));

        var history = await Store.Privacy.ConsentHistoryAsync(profile.Id, 100, Ct);

        Assert.Equal(
            [("analytics", true, "cookies-v3", "https://shop.example/signup"), ("email", false, "cookies-v3", "https://shop.example/signup"),
             ("email", true, "newsletter-v2", "203.0.113.5"), ("analytics", false, "cookies-v3", null)],
            history.Select(h => (h.Purpose, h.Granted, h.Version, h.Where)));
        Assert.All(history, h => Assert.Equal(SourceId, h.Source));
        Assert.Equal([At(1), At(1), At(3), At(5)], history.Select(h => h.At));
        Assert.Equal("newsletter-v2", profile.Consent["email"].Version);
        Assert.False(profile.HasConsent("analytics"));
    }

    private async Task IngestViaAsync(ProfilePipeline pipeline, params Tailor.Core.Events.TailorEvent[] events)
    {
        await Store.Events.AppendAsync(events, Ct);
        await pipeline.CatchUpAsync(Ct);
    }
}
