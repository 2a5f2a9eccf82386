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

    [Fact]
    public async Task Same_messageId_from_two_sources_is_stored_for_each_and_repeated_from_one_source_once()
    {
        var userId = TailorAppFixture.NewId("dup-sources");
        var messageId = TailorAppFixture.NewId("msg");
        using var second = app.NewClient(TailorAppFixture.BasicAuth(await SecondSourceKeyAsync()));
        var message = new { userId, messageId, @event = "Order Completed", properties = new { revenue = 5 } };

        var fromFirst = await app.Ingest.SendAsync("/v1/track", message);
        var fromSecond = await second.SendAsync("/v1/track", message);
        var secondAgain = await second.SendAsync("/v1/import", new { batch = new[] { new { type = "track", userId, messageId, @event = "Order Completed" } } });

        Assert.Equal((1, 0), ((int)fromFirst["accepted"]!, (int)fromFirst["duplicates"]!));
        Assert.Equal((1, 0), ((int)fromSecond["accepted"]!, (int)fromSecond["duplicates"]!));
        Assert.Equal((0, 1), ((int)secondAgain["accepted"]!, (int)secondAgain["duplicates"]!));
        await app.WaitForPipelineAsync();
        var profile = await app.Admin.LookupAsync("userId", userId);
        var events = await app.Admin.EventsAsync(profile.Id());
        Assert.Equal(2, events.Count);
        Assert.Equal(2, events.Select(e => (string)e!["sourceId"]!).Distinct().Count());
        Assert.Equal(2, (long)profile["computed"]!["orderCount"]!);
    }

    private async Task<string> SecondSourceKeyAsync()
    {
        using var response = await app.Admin.PostObjectAsync("/api/sources", new { name = TailorAppFixture.NewId("second") });
        await response.ShouldBeAsync(System.Net.HttpStatusCode.Created);
        return (string)(await response.JsonAsync())["writeKey"]!;
    }
}
