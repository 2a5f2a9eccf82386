using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Tailor.Core.Storage;
using Tailor.Server.Tests.Hosting;
using Tailor.Server.Tests.Triggers;
using static Tailor.Server.Tests.Destinations.DestinationTestSupport;

namespace Tailor.Server.Tests.Destinations;

/// <summary>Audience sync and consent withdrawal: a member who withdraws <c>data sharing</c> leaves the audience at once, though still in the segment.</summary>
public sealed class AudienceConsentTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Withdrawing_data_sharing_sends_a_removal_while_still_in_the_segment_and_no_entry_while_withdrawn()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var app = await TriggerApp.StartAsync();
        string segmentId;
        using (var created = await app.Admin.PostObjectAsync("/api/segments", new { name = "Buyers", rule = "performed \"Order Completed\" in last 30 days" }))
        {
            await created.ShouldBeAsync(HttpStatusCode.Created);
            segmentId = (string)(await created.JsonAsync())["id"]!;
        }
        await CreateAsync(app.Admin, new { name = "ads", kind = "audience", settings = new { url = receiver.Url.ToString(), segmentId, maxWaitSeconds = 0 } });
        await app.IdentifyAsync("ann", "ann@example.com", "data sharing");
        await app.TrackAsync("ann", "Order Completed", app.Now, new { revenue = 10 });
        var ann = await app.ProfileIdAsync("ann");
        await WaitForAsync(receiver, "add", ann);

        // Ann withdraws: she stays in the segment, and leaves the audience.
        await app.Ingest.SendAsync("/v1/identify", new { userId = "ann", traits = new { consent = new Dictionary<string, bool> { ["data sharing"] = false } } });
        var removal = await WaitForAsync(receiver, "remove", ann);
        Assert.Contains(segmentId, await app.Services.GetRequiredService<ISegmentStore>().MembershipsAsync(ann, Ct));
        Assert.Empty(removal["add"]!.AsArray());
        // SHA-256 of "ann@example.com", computed outside Tailor (python3 hashlib).
        Assert.Equal(["71d4f55f72fa128dfb468a1a3901507c804b74316488744d769d7f4b16696476"], removal["remove"]![0]!["emailSha256"]!.AsArray().Select(h => (string)h!));
        var removedAt = receiver.Requests.Count;

        // While withdrawn she exits (30 days pass) and enters again: neither is sent. A consenting member's entry after hers shows the sync went past it.
        await app.AdvanceAsync(TimeSpan.FromDays(31));
        await app.TrackAsync("ann", "Order Completed", app.Now, new { revenue = 10 });
        await PipelineProgress.WaitUntilCaughtUpAsync(app.Admin);
        await app.IdentifyAsync("bob", "bob@example.com", "data sharing");
        await app.TrackAsync("bob", "Order Completed", app.Now, new { revenue = 10 });
        await WaitForAsync(receiver, "add", await app.ProfileIdAsync("bob"));
        Assert.All(receiver.Requests.Skip(removedAt), r => Assert.DoesNotContain(ann, r.Body, StringComparison.Ordinal));

        // Granting it again while in the segment brings her back.
        await app.Ingest.SendAsync("/v1/identify", new { userId = "ann", traits = new { consent = new Dictionary<string, bool> { ["data sharing"] = true } } });
        await WaitForAsync(receiver, "add", ann, after: removedAt);
    }

    /// <summary>The first body (after the first <paramref name="after"/> requests) whose <paramref name="list"/> holds the profile.</summary>
    private static async Task<JsonNode> WaitForAsync(WebhookReceiver receiver, string list, string profileId, int after = 0)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            foreach (var request in receiver.Requests.Skip(after))
                if (JsonNode.Parse(request.Body) is { } body && body[list]!.AsArray().Any(m => (string)m!["profileId"]! == profileId)) return body;
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"no {list} of {profileId} arrived: {string.Join("\n", receiver.Requests.Select(r => r.Body))}");
            await Task.Delay(20, Ct);
        }
    }
}
