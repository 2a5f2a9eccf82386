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
}
