using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Tailor.Core.Profiles;
using Tailor.Server.Destinations;
using Tailor.Server.Pipeline;
using Tailor.Server.Tests.Hosting;
using Tailor.Server.Tests.Triggers;
using static Tailor.Server.Tests.Destinations.DestinationTestSupport;

namespace Tailor.Server.Tests.Destinations;

/// <summary>Audience sync (webhook and CSV) and the live profile stream (SSE, WebSocket, resume, keys, slow clients).</summary>
public sealed class AudienceAndStreamTests
{
    // SHA-256 of "ann@example.com", computed outside Tailor: python3 -c "import hashlib; print(hashlib.sha256(b'ann@example.com').hexdigest())"
    private const string AnnHash = "71d4f55f72fa128dfb468a1a3901507c804b74316488744d769d7f4b16696476";

    [Fact]
    public async Task Segment_entries_go_out_as_hashed_add_lists_and_CSV_with_consenting_members_only()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var app = await TriggerApp.StartAsync();
        string segmentId;
        using (var created = await app.Admin.PostObjectAsync("/api/segments", new { name = "Buyers", rule = "performed \"Order Completed\" in last 30 days" }))
        {
            await created.ShouldBeAsync(HttpStatusCode.Created);
            segmentId = (string)(await created.JsonAsync())["id"]!;
        }
        var id = await CreateAsync(app.Admin, new { name = "ads", kind = "audience", settings = new { url = receiver.Url.ToString(), segmentId, secret = "s3cret", maxWaitSeconds = 0 } });
        await app.IdentifyAsync("ann", " Ann@Example.com ", "data sharing");
        await app.IdentifyAsync("bob", "bob@example.com", "email");
        await app.TrackAsync("ann", "Order Completed", app.Now, new { revenue = 10 });
        await app.TrackAsync("bob", "Order Completed", app.Now, new { revenue = 10 });
        await PipelineProgress.WaitUntilCaughtUpAsync(app.Admin);
        await WaitForStatusAsync(app.Admin, id, s => (long)s["sent"]! + (long)s["skipped"]! >= 2);

        var bodies = receiver.Requests.Select(r => JsonNode.Parse(r.Body)!).ToList();
        var added = bodies.SelectMany(b => b["add"]!.AsArray()).ToList();
        var member = Assert.Single(added);
        Assert.Equal([AnnHash], member!["emailSha256"]!.AsArray().Select(h => (string)h!));
        Assert.Equal(["ann"], member["userIds"]!.AsArray().Select(h => (string)h!));
        Assert.All(receiver.Requests, r => Assert.DoesNotContain("bob", r.Body, StringComparison.Ordinal));
        Assert.All(receiver.Requests, r => Assert.StartsWith("sha256=", r.Signature, StringComparison.Ordinal));

        var csv = await (await app.Admin.GetResponseAsync($"/api/destinations/{id}/audience.csv")).Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("profile_id,user_id,email_sha256", lines[0]);
        Assert.EndsWith(",ann," + AnnHash, Assert.Single(lines.Skip(1)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_SSE_stream_resumes_from_a_position_and_takes_a_stream_key_but_not_a_wrong_one()
    {
        await using var app = await TriggerApp.StartAsync();
        await app.IdentifyAsync("carol", "carol@example.com", "personalization");
        await PipelineProgress.WaitUntilCaughtUpAsync(app.Admin);
        using (var created = await app.Admin.PostObjectAsync("/api/destinations", new { name = "front", kind = "stream" }))
        {
            await created.ShouldBeAsync(HttpStatusCode.Created);
            var key = (string)(await created.JsonAsync())["streamKey"]!;
            using var anonymous = new HttpClient { BaseAddress = app.Admin.BaseAddress };
            using (var refused = await anonymous.GetAsync("/v1/profiles/stream?key=sk_wrong", HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken))
                Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            // Resuming from 0 replays carol's profile as it stands now, with the position as the SSE id.
            using var stream = await anonymous.GetAsync($"/v1/profiles/stream?from=0&key={key}", HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.OK, stream.StatusCode);
            using var reader = new StreamReader(await stream.Content.ReadAsStreamAsync(TestContext.Current.CancellationToken));
            var (eventId, data) = await NextEventAsync(reader, "profile");
            Assert.Equal("carol@example.com", (string)data["traits"]!["email"]!);
            Assert.True(long.Parse(eventId, System.Globalization.CultureInfo.InvariantCulture) > 0);
            // Then live: a new trait arrives as it is committed.
            await app.Ingest.SendAsync("/v1/identify", new { userId = "carol", traits = new { plan = "gold" } });
            var (_, live) = await NextEventAsync(reader, "profile", d => d["traits"]?["plan"] is not null);
            Assert.Equal("gold", (string)live["traits"]!["plan"]!);
        }
    }

    [Fact]
    public async Task A_subscriber_that_falls_a_full_queue_behind_is_dropped()
    {
        await using var app = await TriggerApp.StartAsync();
        var stream = app.Services.GetRequiredService<ProfileStream>();
        var feed = app.Services.GetRequiredService<ChangeFeed>();
        var notices = await stream.SubscribeAsync(null, TestContext.Current.CancellationToken);
        var enumerator = notices.GetAsyncEnumerator(TestContext.Current.CancellationToken);
        var first = enumerator.MoveNextAsync(); // starts the subscription's reader, which then stops reading
        // Consenting to personalization, which the stream is gated on: otherwise no notice would reach the reader.
        var profiles = Enumerable.Range(0, ProfileStream.QueueLength + 10).Select(i => new Profile
        {
            Id = $"p{i}", CreatedAt = app.Now,
            Consent = new(StringComparer.Ordinal) { [ConsentPurposes.Personalization] = new ConsentRecord(true, app.Now, "test", null) },
        }).ToList();
        feed.ProfilesChanged(profiles);
        Assert.True(await first);
        var read = 1;
        await Assert.ThrowsAsync<SlowSubscriberException>(async () => { while (await enumerator.MoveNextAsync()) read++; });
        // The queue holds QueueLength notices; the one handed straight to the waiting reader came on top.
        Assert.True(read <= ProfileStream.QueueLength + 1, $"read {read}");
        Assert.Equal(0, stream.Subscribers);
        await enumerator.DisposeAsync();
    }

    private static async Task<(string Id, JsonNode Data)> NextEventAsync(StreamReader reader, string type, Func<JsonNode, bool>? match = null)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        string? eventType = null, id = null, data = null;
        while (await reader.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal)) eventType = line[7..];
            else if (line.StartsWith("id: ", StringComparison.Ordinal)) id = line[4..];
            else if (line.StartsWith("data: ", StringComparison.Ordinal)) data = line[6..];
            else if (line.Length == 0)
            {
                // The end of one event (its fields come in any order).
                if (eventType == type && data is not null && JsonNode.Parse(data) is { } parsed && (match is null || match(parsed))) return (id ?? "", parsed);
                eventType = id = data = null;
            }
        }
        throw new InvalidOperationException("the stream ended");
    }
}
