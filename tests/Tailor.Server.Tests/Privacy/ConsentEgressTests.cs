using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Tailor.Core.Storage;
using Tailor.Server.Tests.Hosting;
using Tailor.Server.Tests.Triggers;
using static Tailor.Server.Tests.Destinations.DestinationTestSupport;

namespace Tailor.Server.Tests.Privacy;

/// <summary>
/// The one consent gate on every egress (docs/privacy.md): each path is walked for a profile WITHOUT consent next to
/// one WITH it, and the bytes that actually leave are inspected — the Parquet files read back by DuckDB, the bodies a
/// Kestrel endpoint on loopback received, the audience CSV, the SSE stream, the traits analytics wrote back and the
/// recommendations served. Nothing of the profile without consent appears; the consenting one does, so each path ran.
/// </summary>
public sealed class ConsentEgressTests : IDisposable
{
    // What only the profile without consent carries: its userId, email, a property value and a product.
    private const string Hidden = "hidden-person";
    private const string HiddenEmail = "hidden@example.com";
    private const string HiddenNote = "hidden-note-7731";
    private readonly string _lake = TempDirectory.Create("consent-egress-lake");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Destinations_send_nothing_of_a_profile_without_data_sharing_consent()
    {
        await using var forwarded = await WebhookReceiver.StartAsync();
        await using var audience = await WebhookReceiver.StartAsync();
        await using var app = await TriggerApp.StartAsync();
        string segmentId;
        using (var created = await app.Admin.PostObjectAsync("/api/segments", new { name = "Buyers", rule = "performed \"Order Completed\" in last 30 days" }))
        {
            await created.ShouldBeAsync(HttpStatusCode.Created);
            segmentId = (string)(await created.JsonAsync())["id"]!;
        }
        var lake = await CreateAsync(app.Admin, new { name = "lake", kind = "parquet", settings = new { directory = _lake } });
        var forward = await CreateAsync(app.Admin, new { name = "forward", kind = "segment", settings = new { url = forwarded.Url.ToString(), maxWaitSeconds = 0 } });
        var ads = await CreateAsync(app.Admin, new { name = "ads", kind = "audience", settings = new { url = audience.Url.ToString(), segmentId, maxWaitSeconds = 0 } });

        // The hidden person consented to email and personalization, but not to data sharing.
        await app.IdentifyAsync("sharer", "sharer@example.com", "data sharing");
        await app.IdentifyAsync(Hidden, HiddenEmail, "email", "personalization");
        await app.TrackAsync("sharer", "Order Completed", app.Now, new { revenue = 10, note = "sharer-note" });
        await app.TrackAsync(Hidden, "Order Completed", app.Now, new { revenue = 20, note = HiddenNote });
        // A consenting latecomer: once its rows are out, everything logged before it has passed the gate.
        await app.IdentifyAsync("late", "late@example.com", "data sharing");
        await app.TrackAsync("late", "Order Completed", app.Now, new { revenue = 30, note = "late-note" });
        var hiddenId = await app.ProfileIdAsync(Hidden);
        var lateId = await app.ProfileIdAsync("late");

        await WaitForStatusAsync(app.Admin, forward, s => (long)s["lag"]! == 0);
        await WaitUntilAsync(() => audience.Requests.Any(r => r.Body.Contains(lateId, StringComparison.Ordinal)), "the latecomer's audience entry");
        await WaitForStatusAsync(app.Admin, lake, s => (long)s["lag"]! == 0);
        await WaitUntilAsync(() => Directory.Exists(Path.Combine(_lake, "memberships")) &&
            Query($"SELECT count(*) FROM read_parquet({Files(_lake, "memberships")}) WHERE profile_id = '{lateId}'")[0][0] == "1", "the latecomer's membership row");

        // Parquet: every column of every row of every table, as DuckDB reads them back.
        foreach (var table in new[] { "events", "profiles", "memberships" })
        {
            var rows = string.Join("\n", Query($"SELECT * FROM read_parquet({Files(_lake, table)})").Select(r => string.Join("|", r)));
            Assert.Contains(lateId, rows, StringComparison.Ordinal);
            AssertNothingOf(rows, hiddenId, $"the exported {table}");
        }
        var lakeStatus = await app.Admin.GetObjectAsync($"/api/destinations/{lake}/status");
        Assert.True((long)lakeStatus["skipped"]! >= 4, lakeStatus.ToJsonString()); // the hidden person's two events, profile and membership

        // Forwarding: the bodies the endpoint received.
        var forwardedBodies = string.Join("\n", forwarded.Requests.Select(r => r.Body));
        Assert.Contains("sharer-note", forwardedBodies, StringComparison.Ordinal);
        AssertNothingOf(forwardedBodies, hiddenId, "the forwarded batches");

        // Audience sync: the webhook bodies and the CSV.
        var audienceBodies = string.Join("\n", audience.Requests.Select(r => r.Body));
        Assert.Contains(Sha256("sharer@example.com"), audienceBodies, StringComparison.Ordinal);
        AssertNothingOf(audienceBodies, hiddenId, "the audience webhook");
        var csv = await (await app.Admin.GetResponseAsync($"/api/destinations/{ads}/audience.csv")).Content.ReadAsStringAsync(Ct);
        Assert.Contains(Sha256("late@example.com"), csv, StringComparison.Ordinal);
        AssertNothingOf(csv, hiddenId, "the audience CSV");
    }

    [Fact]
    public async Task The_live_profile_stream_sends_nothing_of_a_profile_without_personalization_consent()
    {
        await using var app = await TriggerApp.StartAsync();
        await app.IdentifyAsync("sharer", "sharer@example.com", "personalization");
        await app.IdentifyAsync(Hidden, HiddenEmail, "email", "data sharing");
        await app.TrackAsync(Hidden, "Order Completed", app.Now, new { revenue = 20, note = HiddenNote });
        var hiddenId = await app.ProfileIdAsync(Hidden);

        // A resume from 0 replays both profiles as they stand (the gate lets one through), then live notices follow.
        using var stream = await app.Admin.GetAsync("/v1/profiles/stream?from=0", HttpCompletionOption.ResponseHeadersRead, Ct);
        Assert.Equal(HttpStatusCode.OK, stream.StatusCode);
        using var reader = new StreamReader(await stream.Content.ReadAsStreamAsync(Ct));
        var seen = new StringBuilder();
        await ReadUntilAsync(reader, seen, "sharer@example.com");
        // Live: the hidden person changes first, then the sharer; the sharer's notice coming means the hidden one's would have come before it.
        await app.Ingest.SendAsync("/v1/identify", new { userId = Hidden, traits = new { plan = HiddenNote } });
        await PipelineProgress.WaitUntilCaughtUpAsync(app.Admin);
        await app.Ingest.SendAsync("/v1/identify", new { userId = "sharer", traits = new { plan = "gold-marker" } });
        await ReadUntilAsync(reader, seen, "gold-marker");

        AssertNothingOf(seen.ToString(), hiddenId, "the SSE stream");
    }

    [Fact]
    public async Task Analytics_write_back_and_recommendation_training_leave_out_a_profile_without_personalization_consent()
    {
        await using var app = await TriggerApp.StartAsync();
        await app.IdentifyAsync("sharer", "sharer@example.com", "personalization");
        await app.IdentifyAsync(Hidden, HiddenEmail, "email", "data sharing");
        var before = app.Now.AddHours(-1);
        await app.TrackAsync("sharer", "Order Completed", before, new { revenue = 10, products = new[] { new { product_id = "mug" } } });
        await app.TrackAsync("sharer", "Product Viewed", before, new { product_id = "pot" });
        // Only the hidden person ever touched the lamp: if their data trained the model, the lamp could be recommended.
        await app.TrackAsync(Hidden, "Order Completed", before, new { revenue = 20, products = new[] { new { product_id = "secret-lamp" } } });
        await app.TrackAsync(Hidden, "Product Viewed", before, new { product_id = "pot" });
        var sharerId = await app.ProfileIdAsync("sharer");
        var hiddenId = await app.ProfileIdAsync(Hidden);

        var rfm = await RunAsync(app, new { kind = "rfm" });
        Assert.Equal(1, (long)rfm["profilesWritten"]!);
        await PipelineProgress.WaitUntilCaughtUpAsync(app.Admin);
        var sharer = await app.Admin.LookupAsync("userId", "sharer");
        Assert.NotNull(sharer["traits"]!["rfm_frequency"]);
        var hidden = await app.Admin.LookupAsync("userId", Hidden);
        Assert.DoesNotContain(hidden["traits"]!.AsObject(), t => t.Key.StartsWith("rfm_", StringComparison.Ordinal));

        var recommend = await RunAsync(app, new { kind = "recommend", parameters = new { model = "popularity", top = 10 } });
        Assert.Equal(1, (int)recommend["result"]!["profiles"]!);
        Assert.Equal(2, (int)recommend["result"]!["interactionsWithoutConsent"]!);
        var served = app.Services.GetRequiredService<IRecommendationStore>();
        var forSharer = await served.ForProfileAsync(sharerId, 10, null, Ct);
        Assert.Contains(forSharer, r => r.Id == "pot");
        Assert.DoesNotContain(forSharer, r => r.Id == "secret-lamp");
        Assert.Empty(await served.ForProfileAsync(hiddenId, 10, null, Ct));
    }

    /// <summary>No identifier, value or hashed email of the hidden person, nor its profile id.</summary>
    private static void AssertNothingOf(string bytes, string hiddenId, string where)
    {
        foreach (var needle in new[] { Hidden, HiddenEmail, HiddenNote, Sha256(HiddenEmail), hiddenId })
            Assert.False(bytes.Contains(needle, StringComparison.Ordinal), $"{where} carry \"{needle}\" of the profile without consent:\n{bytes}");
    }

    /// <summary>SHA-256 hex of a normalised email, as audience platforms take it (computed here, not by Tailor).</summary>
    private static string Sha256(string email) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(email)));

    private static async Task<JsonObject> RunAsync(TriggerApp app, object request)
    {
        using var response = await app.Admin.PostAsJsonAsync("/api/analytics/runs", request, Ct);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var id = (string)(await response.Content.ReadFromJsonAsync<JsonObject>(Ct))!["id"]!;
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var run = await app.Admin.GetObjectAsync($"/api/analytics/runs/{id}");
            if ((string)run["status"]! == "succeeded") return run;
            Assert.True((string)run["status"]! != "failed" && clock.Elapsed < TimeSpan.FromSeconds(30), $"run {id}: {run.ToJsonString()}");
            await Task.Delay(20, Ct);
        }
    }

    private static async Task ReadUntilAsync(StreamReader reader, StringBuilder seen, string marker)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        while (await reader.ReadLineAsync(timeout.Token) is { } line)
        {
            seen.AppendLine(line);
            if (line.Contains(marker, StringComparison.Ordinal)) return;
        }
        Assert.Fail($"the stream ended before {marker}:\n{seen}");
    }

    private static async Task WaitUntilAsync(Func<bool> done, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!done())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"timed out waiting for {what}");
            await Task.Delay(20, Ct);
        }
    }

    public void Dispose() => TempDirectory.Delete(_lake);
}
