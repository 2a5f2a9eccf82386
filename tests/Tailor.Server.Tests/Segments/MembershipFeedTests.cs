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
    public async Task A_subscriber_that_falls_behind_gets_a_missed_notice_counting_every_dropped_change_before_the_newer_ones()
    {
        await using var app = await TriggerApp.StartAsync();
        var feed = app.Services.GetRequiredService<MembershipFeed>();
        var changes = app.Services.GetRequiredService<ChangeFeed>();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        await using var notices = feed.SubscribeAsync("seg-slow", timeout.Token).GetAsyncEnumerator(timeout.Token);
        var first = notices.MoveNextAsync(); // subscribes, then stops reading
        var published = MembershipFeed.QueueLength + 25;
        changes.MembershipsChanged([.. Enumerable.Range(0, published).Select(i => new MembershipChange("seg-slow", $"p{i}", true, app.Now.AddMilliseconds(i)))]);
        changes.MembershipsChanged([new MembershipChange("seg-other", "p-other", true, app.Now)]); // another segment's: never counted

        Assert.True(await first);
        var delivered = new List<string>();
        long missed = 0;
        var missedNotices = 0;
        do
        {
            // The waiting reader may have run before the queue filled (its first notice is p0) or after (a missed one).
            var notice = notices.Current;
            if (notice.Type == "missed")
            {
                missedNotices++;
                missed += notice.Missed!.Value;
                Assert.Equal("seg-slow", notice.SegmentId);
                continue;
            }
            Assert.Equal("entered", notice.Type);
            delivered.Add(notice.ProfileId);
        }
        while (delivered.Count + missed < published && await notices.MoveNextAsync());

        Assert.Equal(1, missedNotices);
        // The queue holds QueueLength notices; one may have gone straight to the waiting reader before it filled.
        Assert.True(missed >= published - MembershipFeed.QueueLength - 1, $"missed {missed}");
        Assert.Equal(published, delivered.Count + missed);
        // What is delivered after the gap is the newest, in order.
        var indexes = delivered.Select(id => int.Parse(id[1..], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(indexes.Order(), indexes);
        Assert.Equal(published - 1, indexes[^1]);
        Assert.Equal(published - MembershipFeed.QueueLength, indexes[^MembershipFeed.QueueLength]);
    }
}
