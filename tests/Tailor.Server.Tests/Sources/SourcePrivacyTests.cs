using System.Diagnostics.Metrics;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Tailor.Core.Storage;
using Tailor.Server.Observability;
using Tailor.Server.Tests.Hosting;
using Tailor.Server.Tests.Triggers;

namespace Tailor.Server.Tests.Sources;

/// <summary>
/// Per-source privacy through the real tracking API (docs/privacy.md): events without analytics consent stored only in
/// pseudonymous form or dropped, and traits and properties left out by allow- and deny-lists before storage, counted.
/// What is stored is read back from the event log.
/// </summary>
public sealed class SourcePrivacyTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Without_analytics_consent_a_pseudonymous_source_stores_no_direct_identifier_and_a_drop_source_stores_nothing()
    {
        await using var app = await TriggerApp.StartAsync();
        var (site, siteKey) = await CreateSourceAsync(app, "site", new { withoutAnalyticsConsent = "pseudonymous" });
        var (shop, shopKey) = await CreateSourceAsync(app, "shop", new { withoutAnalyticsConsent = "drop" });
        var first = await app.Services.GetRequiredService<IEventLog>().LastSequenceAsync(Ct);

        // A person who consented to analytics, one who did not (the identify is their first word), for each source.
        var site1 = await SendAsync(app, siteKey,
            new { type = "identify", userId = "fan", traits = new { email = "fan@example.com", consent = new { analytics = true } } },
            new { type = "track", userId = "fan", @event = "Order Completed", properties = new { revenue = 5 } },
            new { type = "identify", userId = "secret-user", traits = new { email = "secret@example.com", name = "Secret Person" }, context = new { ip = "203.0.113.9", traits = new { phone = "+15550100" } } },
            new { type = "track", userId = "secret-user", @event = "Order Completed", properties = new { revenue = 7, email = "secret@example.com", sku = "lamp" } },
            new { type = "track", anonymousId = "secret-device", @event = "Page Viewed", properties = new { path = "/" }, context = new { consent = new { categoryPreferences = new { analytics = false } } } });
        Assert.Equal(5, (int)site1["accepted"]!);
        await PipelineProgress.WaitUntilCaughtUpAsync(app.Admin); // the fan's consent is now on their profile, where the next request finds it
        var shop1 = await SendAsync(app, shopKey,
            new { type = "track", userId = "dropped-user", @event = "Order Completed", properties = new { revenue = 9 } },
            new { type = "track", userId = "fan", @event = "Order Completed", properties = new { revenue = 3 } });
        Assert.True((bool)shop1["success"]!);
        Assert.Equal(1, (int)shop1["accepted"]!); // acknowledged, and the one without consent discarded

        var stored = await app.Services.GetRequiredService<IEventLog>().ReadAfterAsync(first, 100, Ct);
        var all = string.Join("\n", stored.Select(e => $"{e.Event.UserId}|{e.Event.AnonymousId}|{e.Event.Payload}"));
        foreach (var direct in new[] { "secret-user", "secret@example.com", "Secret Person", "203.0.113.9", "+15550100", "secret-device", "dropped-user" })
            Assert.False(all.Contains(direct, StringComparison.Ordinal), $"\"{direct}\" was stored:\n{all}");
        // The consenting person is stored as sent; the other as pseudonyms (linkable to each other through the key), the
        // order itself kept without the email.
        Assert.Contains("fan@example.com", all, StringComparison.Ordinal);
        var pseudonymous = stored.Where(e => e.Event.SourceId == site && (e.Event.UserId ?? e.Event.AnonymousId)!.StartsWith("psn_", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, pseudonymous.Count);
        Assert.Equal(pseudonymous[0].Event.UserId, pseudonymous[1].Event.UserId);
        var order = JsonNode.Parse(pseudonymous[1].Event.Payload)!;
        Assert.Equal(("lamp", 7), ((string)order["properties"]!["sku"]!, (int)order["properties"]!["revenue"]!));
        Assert.Null(JsonNode.Parse(pseudonymous[0].Event.Payload)!["traits"]);
        Assert.Equal(["fan"], stored.Where(e => e.Event.SourceId == shop).Select(e => e.Event.UserId));

        var sitePrivacy = await app.Admin.GetObjectAsync($"/api/sources/{site}/privacy");
        Assert.Equal((3, 0), ((long)sitePrivacy["eventsPseudonymized"]!, (long)sitePrivacy["eventsDropped"]!));
        var shopPrivacy = await app.Admin.GetObjectAsync($"/api/sources/{shop}/privacy");
        Assert.Equal(("drop", 1L), ((string)shopPrivacy["privacy"]!["withoutAnalyticsConsent"]!, (long)shopPrivacy["eventsDropped"]!));
    }

    [Fact]
    public async Task Allow_and_deny_lists_remove_traits_and_properties_before_storage_and_count_them()
    {
        await using var app = await TriggerApp.StartAsync();
        var (site, key) = await CreateSourceAsync(app, "minimal", new { allowTraits = new[] { "email", "plan" }, denyProperties = new[] { "card_number" } });
        var measured = 0L;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) => { if (instrument.Meter.Name == TailorMetrics.Name && instrument.Name == "tailor.ingestion.fields.dropped") l.EnableMeasurementEvents(instrument); };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags) if (tag.Key == "source" && (string?)tag.Value == site) Interlocked.Add(ref measured, value);
        });
        listener.Start();
        var first = await app.Services.GetRequiredService<IEventLog>().LastSequenceAsync(Ct);

        await SendAsync(app, key,
            new { type = "identify", userId = "u1", traits = new { email = "u1@example.com", plan = "gold", phone = "+15550101", birthday = "1990-01-01" } },
            new { type = "track", userId = "u1", @event = "Order Completed", properties = new { card_number = "4111111111111111", sku = "mug" } });

        var stored = await app.Services.GetRequiredService<IEventLog>().ReadAfterAsync(first, 100, Ct);
        var identify = JsonNode.Parse(stored.Single(e => e.Event.Name is null).Event.Payload)!;
        Assert.Equal(["email", "plan"], identify["traits"]!.AsObject().Select(t => t.Key).Order(StringComparer.Ordinal));
        var track = JsonNode.Parse(stored.Single(e => e.Event.Name == "Order Completed").Event.Payload)!;
        Assert.Equal(["sku"], track["properties"]!.AsObject().Select(t => t.Key));
        Assert.Equal(3, (long)(await app.Admin.GetObjectAsync($"/api/sources/{site}/privacy"))["fieldsDropped"]!);
        listener.RecordObservableInstruments();
        Assert.Equal(3, Interlocked.Read(ref measured));
    }

    [Fact]
    public async Task Bad_privacy_settings_are_refused_at_save_naming_the_field_and_the_rule()
    {
        await using var app = await TriggerApp.StartAsync();
        var (site, _) = await CreateSourceAsync(app, "site", null);
        foreach (var (body, field) in new (object, string)[]
        {
            (new { withoutAnalyticsConsent = "maybe" }, "privacy.withoutAnalyticsConsent"),
            (new { allowTraits = new[] { "email" }, denyTraits = new[] { "email" } }, "privacy.denyTraits"),
            (new { denyProperties = new[] { "" } }, "privacy.denyProperties[0]"),
            (new { allowProperties = Enumerable.Range(0, 201).Select(i => $"p{i}").ToArray() }, "privacy.allowProperties"),
        })
        {
            using var response = await app.Admin.PutAsync($"/api/sources/{site}/privacy", Json(body), Ct);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal(field, (string)JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!["errors"]![0]!["field"]!);
        }
        using (var created = await app.Admin.PostAsync("/api/sources", Json(new { name = "refused", privacy = new { withoutAnalyticsConsent = "sometimes" } }), Ct))
            Assert.Equal(HttpStatusCode.BadRequest, created.StatusCode);
        using (var missing = await app.Admin.PutAsync("/api/sources/src_nope/privacy", Json(new { withoutAnalyticsConsent = "drop" }), Ct))
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        // A source that was never set answers the defaults: keep, no lists.
        Assert.Equal("{}", (await app.Admin.GetObjectAsync($"/api/sources/{site}/privacy"))["privacy"]!.ToJsonString());
    }

    private static async Task<(string Id, string WriteKey)> CreateSourceAsync(TriggerApp app, string name, object? privacy)
    {
        using var response = await app.Admin.PostAsync("/api/sources", Json(new { name, privacy }), Ct);
        await response.ShouldBeAsync(HttpStatusCode.Created);
        var body = await response.JsonAsync();
        return ((string)body["id"]!, (string)body["writeKey"]!);
    }

    private static async Task<JsonObject> SendAsync(TriggerApp app, string writeKey, params object[] batch)
    {
        using var client = new HttpClient { BaseAddress = app.Admin.BaseAddress };
        client.DefaultRequestHeaders.Authorization = TailorAppFixture.BasicAuth(writeKey);
        using var response = await client.PostAsync("/v1/batch", Json(new { batch }), Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!.AsObject();
    }

    private static StringContent Json(object body) => new(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
}
