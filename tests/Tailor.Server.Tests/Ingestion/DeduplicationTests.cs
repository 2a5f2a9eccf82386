using Tailor.Server.Tests.Hosting;

namespace Tailor.Server.Tests.Ingestion;

/// <summary>The same event delivered twice is counted once.</summary>
public sealed class DeduplicationTests(TailorAppFixture app)
{
    [Fact]
    public async Task Duplicate_messageId_in_one_batch_is_stored_and_counted_once()
    {
        var userId = TailorAppFixture.NewId("dup-batch");
        var messageId = TailorAppFixture.NewId("msg");
        var message = new { type = "track", userId, messageId, @event = "Order Completed", properties = new { revenue = 20 } };

        var answer = await app.Ingest.SendAsync("/v1/batch", new { batch = new[] { message, message } });

        Assert.Equal(1, (int)answer["accepted"]!);
        Assert.Equal(1, (int)answer["duplicates"]!);
        await app.WaitForPipelineAsync();
        var profile = await app.Admin.LookupAsync("userId", userId);
        Assert.Equal(1, profile.EventCount());
        Assert.Equal(1, (long)profile["computed"]!["orderCount"]!);
        Assert.Equal(20m, (decimal)profile["computed"]!["totalRevenue"]!);
        Assert.Single(await app.Admin.EventsAsync(profile.Id()));
    }

    [Fact]
    public async Task Duplicate_messageId_across_requests_is_stored_and_counted_once()
    {
        var userId = TailorAppFixture.NewId("dup-req");
        var messageId = TailorAppFixture.NewId("msg");

        var first = await app.Ingest.SendAsync("/v1/track", new { userId, messageId, @event = "Order Completed", properties = new { revenue = 20 } });
        await app.WaitForPipelineAsync();
        var retry = await app.Ingest.SendAsync("/v1/batch", new { batch = new[] { new { type = "track", userId, messageId, @event = "Order Completed", properties = new { revenue = 20 } } } });

        Assert.Equal((1, 0), ((int)first["accepted"]!, (int)first["duplicates"]!));
        Assert.Equal((0, 1), ((int)retry["accepted"]!, (int)retry["duplicates"]!));
        await app.WaitForPipelineAsync();
        var profile = await app.Admin.LookupAsync("userId", userId);
        Assert.Equal(1, profile.EventCount());
        Assert.Equal(1, (long)profile["computed"]!["orderCount"]!);
        Assert.Equal([messageId], (await app.Admin.EventsAsync(profile.Id())).MessageIds());
    }

    [Fact]
    public async Task Concurrent_retries_of_the_same_message_are_stored_once()
    {
        var userId = TailorAppFixture.NewId("dup-race");
        var messageId = TailorAppFixture.NewId("msg");

        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ =>
            app.Ingest.SendAsync("/v1/track", new { userId, messageId, @event = "Raced" })));

        Assert.Equal(1, answers.Sum(a => (int)a["accepted"]!));
        Assert.Equal(7, answers.Sum(a => (int)a["duplicates"]!));
        await app.WaitForPipelineAsync();
        Assert.Equal(1, (await app.Admin.LookupAsync("userId", userId)).EventCount());
    }
}
