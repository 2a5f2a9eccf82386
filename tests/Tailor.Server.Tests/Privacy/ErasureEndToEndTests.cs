using System.Data.Common;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Tailor.Core.Storage;
using Tailor.Server.Tests.Hosting;
using Tailor.Server.Tests.Segments;
using Tailor.Server.Tests.Triggers;
using Tailor.Storage;
using Tailor.Storage.Sqlite;
using Tailor.Storage.Tests.Support;

namespace Tailor.Server.Tests.Privacy;

/// <summary>
/// The right to erasure through the API on a real node: a person built by ingestion and the followers (events, an
/// identify with traits, a segment membership, a trigger run that sent an email, an experiment exposure, a dead letter
/// carrying their email) is erased, and then no table of the database — read from the schema itself — nor any file of
/// the data directory holds any of their identifiers or values; another person is untouched; late events are dropped.
/// </summary>
public sealed class ErasureEndToEndTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_erased_person_is_gone_from_every_table_and_file_and_late_events_do_not_bring_them_back(bool postgres)
    {
        await using var app = await TriggerApp.StartAsync(smtp: true, postgres: postgres);
        var zeldaEmail = SmtpSink.NewRecipient("Zelda.Quux");
        var bobEmail = SmtpSink.NewRecipient("bob");
        using (var s = await app.Admin.PostObjectAsync("/api/segments", new { name = "Quux cohort", rule = "trait cohort = \"quux\"" })) await s.ShouldBeAsync(HttpStatusCode.Created);
        var trigger = await app.CreateTriggerAsync("""
            {"name": "Welcome", "start": {"event": "Product Added"}, "steps": [{"action": {"email": {"subject": "Hi {{ profile.traits.first_name }}", "body": "Hello"}}}]}
            """);
        const string key = "erasure-flag";
        using (var created = await app.Admin.PostObjectAsync("/api/experiments", new
        {
            key, subject = new { kind = "flag" },
            variants = new object[] { new { key = "off", value = "false" }, new { key = "on", value = "true" } },
            primaryMetric = new { name = "orders", kind = "conversion", @event = "Order Completed" },
        })) await created.ShouldBeAsync(HttpStatusCode.Created);
        using (var started = await app.Admin.PostAsync($"/api/experiments/{key}/start", null, Ct)) await started.ShouldBeAsync(HttpStatusCode.OK);

        foreach (var (user, email, name) in new[] { ("user-zq-e2e", zeldaEmail, "Zelda Quux"), ("user-bob-e2e", bobEmail, "Bob Bystander") })
        {
            await app.Ingest.SendAsync("/v1/identify", new
            {
                userId = user, anonymousId = $"anon-{user}", timestamp = Http.Iso(app.Now),
                traits = new { email, first_name = name.Split(' ')[0], name, cohort = "quux", phone = user == "user-zq-e2e" ? "+4799912345" : "+4711122233",
                    consent = new { email = true, personalization = true, version = "terms-2026" } },
                context = new { ip = user == "user-zq-e2e" ? "198.51.100.77" : "198.51.100.8" },
            });
            await app.TrackAsync(user, "Product Added", app.Now, new { sku = $"SKU-{user}" });
            await app.Admin.WaitForSegmentsAsync(user, names => names.Contains("Quux cohort"));
        }
        await app.WaitForRunsAsync(trigger, r => r.Count == 2);
        await SmtpSink.WaitForAsync(zeldaEmail);
        await SmtpSink.WaitForAsync(bobEmail);
        var secret = (string)(await app.Admin.GetObjectAsync("/api/identity-secret"))["secret"]!;
        foreach (var user in (string[])["user-zq-e2e", "user-bob-e2e"])
            Assert.True((bool)(await app.Ingest.GetObjectAsync($"/v1/experiments/{key}/assignment?userId={user}&userHash={Content.PersonalizeApiTests.UserHash(secret, user)}"))["inExperiment"]!);
        var zelda = (await app.Admin.LookupAsync("userId", "user-zq-e2e")).Id();
        var bob = (await app.Admin.LookupAsync("userId", "user-bob-e2e")).Id();
        await app.Services.GetRequiredService<IDeadLetterStore>().AddDeadLetterAsync(new DeadLetter(0, "profiles", "999", "src_x",
            new JsonObject { ["type"] = "identify", ["traits"] = new JsonObject { ["email"] = zeldaEmail } }.ToJsonString(), "could not fold", null, 3, app.Now), Ct);
        await PipelineProgress.WaitUntilCaughtUpAsync(app.Admin);
        string[] needles = [zeldaEmail, "Zelda Quux", "user-zq-e2e", "anon-user-zq-e2e", "+4799912345", "SKU-user-zq-e2e", "198.51.100.77", zelda];
        await using (var raw = await OpenRawAsync(app))
            Assert.NotEmpty(await SchemaScan.FindAsync(raw, needles, Decoder(app), Ct));

        using var erased = await app.Admin.PostObjectAsync("/api/privacy/erase", new { type = "email", value = zeldaEmail.ToUpperInvariant() });
        await erased.ShouldBeAsync(HttpStatusCode.OK);
        var summary = await erased.JsonAsync();

        Assert.Equal(zelda, (string)summary["profileId"]!);
        Assert.Equal(postgres ? null : true, (bool?)summary["writeAheadLogEmptied"]); // SQLite's -wal file; PostgreSQL's WAL is the server's (left out)
        // Read first: on SQLite the erasure's own entry is durable in the audit journal, and reading the trail moves it into audit_log.
        var entry = (await app.Admin.GetArrayAsync("/api/audit?action=privacy%20erase")).Single();
        Assert.Equal(("privacy erase by email", zelda), ((string)entry!["action"]!, (string)entry["target"]!));
        await using (var raw = await OpenRawAsync(app))
        {
            var hits = await SchemaScan.FindAsync(raw, needles, Decoder(app), Ct);
            // The erasure's own entry names the profile id, and the erasure fence keeps it (against followers writing back); nothing else.
            Assert.Equal([$"audit_log.target holds '{zelda}'", $"erased_profiles.id holds '{zelda}'"], hits);
        }
        if (!postgres) Assert.Equal([], SchemaScan.FindInFiles(app.Options.DataDirectory, needles[..^1]));
        Assert.DoesNotContain(zeldaEmail, (await app.Admin.GetArrayAsync("/api/audit?limit=1000")).ToJsonString(), StringComparison.OrdinalIgnoreCase);

        // Bob is untouched: profile, segment, run, exposure.
        var bobProfile = await app.Admin.LookupAsync("userId", "user-bob-e2e");
        Assert.Equal(bob, bobProfile.Id());
        await app.Admin.WaitForSegmentsAsync("user-bob-e2e", names => names.Contains("Quux cohort"));
        Assert.Single((await app.RunsAsync(trigger))["runs"]!.AsArray());
        using (var gone = await app.Admin.GetAsync("/api/profiles/lookup?type=userId&value=user-zq-e2e", Ct)) Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);

        // Late events carrying her identifiers are dropped and counted, and what they carried is not kept.
        await app.TrackAsync("user-zq-e2e", "Product Added", app.Now, new { sku = "SKU-user-zq-e2e" });
        await app.Ingest.SendAsync("/v1/identify", new { anonymousId = "anon-late", traits = new { email = zeldaEmail, name = "Zelda Quux" } });
        await PipelineProgress.WaitUntilCaughtUpAsync(app.Admin);
        var status = await app.Admin.GetObjectAsync("/api/pipeline");
        Assert.Equal((2L, 1L), ((long)status["privacy"]!["suppressedEvents"]!, (long)status["privacy"]!["erasures"]!));
        using (var still = await app.Admin.GetAsync("/api/profiles/lookup?type=anonymousId&value=anon-late", Ct)) Assert.Equal(HttpStatusCode.NotFound, still.StatusCode);
        await using (var raw = await OpenRawAsync(app))
            Assert.Equal([$"audit_log.target holds '{zelda}'", $"erased_profiles.id holds '{zelda}'"], await SchemaScan.FindAsync(raw, needles, Decoder(app), Ct));
    }

    [Fact]
    public async Task Erasure_needs_the_privacy_scope_and_names_a_bad_type_or_an_unknown_person()
    {
        await using var app = await TriggerApp.StartAsync();
        using var created = await app.Admin.PostObjectAsync("/api/admin-keys", new { name = "segments-only", scopes = new[] { "segments" } });
        var segmentsKey = (string)(await created.JsonAsync())["key"]!;
        using var narrow = new HttpClient { BaseAddress = app.Admin.BaseAddress };
        narrow.DefaultRequestHeaders.Authorization = new("Bearer", segmentsKey);

        using var refused = await narrow.PostObjectAsync("/api/privacy/erase", new { type = "email", value = "a@example.com" });
        using var bad = await app.Admin.PostObjectAsync("/api/privacy/erase", new { type = "shoe", value = "x" });
        using var unknown = await app.Admin.PostObjectAsync("/api/privacy/erase", new { type = "email", value = "nobody@example.com" });
        using var notSuppressed = await app.Admin.DeleteAsync("/api/privacy/suppressions?type=email&value=nobody%40example.com", Ct);

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        await bad.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "type", "must be one of profileId, userId, anonymousId, email, phone, deviceId");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, notSuppressed.StatusCode);
    }

    [Fact]
    public async Task An_administrator_lifts_a_suppression_and_the_persons_events_are_folded_again()
    {
        await using var app = await TriggerApp.StartAsync();
        await app.IdentifyAsync("lift-me", "lift.me@example.com");
        await PipelineProgress.WaitUntilCaughtUpAsync(app.Admin);
        using (var erased = await app.Admin.PostObjectAsync("/api/privacy/erase", new { type = "userId", value = "lift-me" })) await erased.ShouldBeAsync(HttpStatusCode.OK);
        await app.TrackAsync("lift-me", "Product Viewed", app.Now);
        await PipelineProgress.WaitUntilCaughtUpAsync(app.Admin);
        using (var gone = await app.Admin.GetAsync("/api/profiles/lookup?type=userId&value=lift-me", Ct)) Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);

        using (var lifted = await app.Admin.DeleteAsync("/api/privacy/suppressions?type=userId&value=lift-me", Ct)) Assert.Equal(HttpStatusCode.NoContent, lifted.StatusCode);
        await app.TrackAsync("lift-me", "Product Viewed", app.Now);
        await PipelineProgress.WaitUntilCaughtUpAsync(app.Admin);

        var back = await app.Admin.LookupAsync("userId", "lift-me");
        Assert.Equal(1, (int)back["computed"]!["eventCount"]!);
    }

    private static async Task<DbConnection> OpenRawAsync(TriggerApp app)
    {
        DbConnection raw = app.Options.Postgres is { } postgres
            ? new Npgsql.NpgsqlConnection(postgres)
            : new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={TailorStores.SqlitePath(app.Options.DataDirectory)};Pooling=false");
        await raw.OpenAsync(Ct);
        return raw;
    }

    private static Func<byte[], string?> Decoder(TriggerApp app) => bytes =>
    {
        if (app.Options.Postgres is not null) return null;
        using var raw = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={TailorStores.SqlitePath(app.Options.DataDirectory)};Pooling=false");
        raw.Open();
        SqliteDatabase.RegisterFunctions(raw);
        using var command = raw.CreateCommand();
        command.CommandText = "SELECT tailor_payload(@b)";
        command.Parameters.AddWithValue("@b", bytes);
        try { return command.ExecuteScalar() as string; }
        catch (Exception e) when (e is InvalidDataException or Microsoft.Data.Sqlite.SqliteException) { return null; }
    };
}
