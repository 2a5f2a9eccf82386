using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Tailor.Core.Storage;
using Tailor.Server.Pipeline;
using Tailor.Server.Segments;
using Tailor.Server.Tests.Triggers;

namespace Tailor.Server.Tests.Segments;

/// <summary>The membership feed behind the segments' SSE stream: a subscriber that falls behind is told what it missed.</summary>
public sealed class MembershipFeedTests
{
    [Fact]
    public async Task A_subscriber_that_falls_behind_gets_one_missed_notice_counting_the_dropped_changes_before_the_newest()
    {
        await using var app = await TriggerApp.StartAsync();
        var feed = app.Services.GetRequiredService<MembershipFeed>();
        var changes = app.Services.GetRequiredService<ChangeFeed>();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        var subscribed = feed.Subscribers;
        var notices = feed.SubscribeAsync("seg-slow", timeout.Token); // subscribed from here, before the first read
        Assert.Equal(subscribed + 1, feed.Subscribers);
        changes.MembershipsChanged([new MembershipChange("seg-other", "p-other", true, app.Now)]); // another segment's: never queued
        var published = MembershipFeed.QueueLength + 25;
        changes.MembershipsChanged([.. Enumerable.Range(0, published).Select(i => new MembershipChange("seg-slow", $"p{i}", true, app.Now.AddMilliseconds(i)))]);

        var read = new List<MembershipNotice>();
        await foreach (var notice in notices)
        {
            read.Add(notice);
            if (read.Count == MembershipFeed.QueueLength + 1) break;
        }

        var missed = read[0];
        Assert.Equal(("missed", "seg-slow", 25L), (missed.Type, missed.SegmentId, missed.Missed));
        // Then exactly the newest QueueLength, in order.
        Assert.Equal(Enumerable.Range(25, MembershipFeed.QueueLength).Select(i => $"p{i}"), read.Skip(1).Select(n => n.ProfileId));
        Assert.All(read.Skip(1), n => Assert.Equal(("entered", "seg-slow", (long?)null), (n.Type, n.SegmentId, n.Missed)));
        Assert.Equal(subscribed, feed.Subscribers); // the break ended the subscription
    }

    /// <summary>
    /// The same through the SSE stream: a client that does not keep up is sent a <c>missed</c> event with the count,
    /// and every change is either delivered, in order, or counted in one.
    /// </summary>
    [Fact]
    public async Task Through_the_stream_every_change_is_delivered_in_order_or_counted_in_a_missed_event()
    {
        await using var app = await TriggerApp.StartAsync();
        var changes = app.Services.GetRequiredService<ChangeFeed>();
        var ct = TestContext.Current.CancellationToken;
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/segments/stream?segment=seg-flood");
        using var response = await app.Admin.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(ct));
        Assert.Equal("event: subscribed", await reader.ReadLineAsync(ct));
        await reader.ReadLineAsync(ct); // its data
        await reader.ReadLineAsync(ct); // the blank line that ends it

        // Far more than a subscriber's queue, in one synchronous publish: the stream cannot write them as fast.
        var published = 5 * MembershipFeed.QueueLength;
        changes.MembershipsChanged([.. Enumerable.Range(0, published).Select(i => new MembershipChange("seg-flood", $"p{i:D6}", true, app.Now))]);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        long delivered = 0, missed = 0, missedEvents = 0;
        var last = "";
        while (delivered + missed < published)
        {
            var type = (await reader.ReadLineAsync(timeout.Token))!;
            var data = JsonNode.Parse((await reader.ReadLineAsync(timeout.Token))!["data: ".Length..])!;
            Assert.Equal("", await reader.ReadLineAsync(timeout.Token));
            if (type == "event: missed")
            {
                missedEvents++;
                missed += (long)data["missed"]!;
            }
            else
            {
                Assert.Equal("event: entered", type);
                var profile = (string)data["profileId"]!;
                Assert.True(string.CompareOrdinal(profile, last) > 0, $"{profile} came after {last}");
                (last, delivered) = (profile, delivered + 1);
            }
        }

        Assert.Equal(published, delivered + missed);
        Assert.True(missedEvents > 0 && missed > 0, "nothing was dropped: the test did not outrun the stream");
        Assert.Equal($"p{published - 1:D6}", last); // the newest is never the one dropped
    }
}
