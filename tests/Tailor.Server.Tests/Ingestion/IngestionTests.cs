using System.Net;
using System.Text.Json.Nodes;
using Tailor.Server.Tests.Hosting;

namespace Tailor.Server.Tests.Ingestion;

/// <summary>The Segment-compatible tracking API: every endpoint, authentication and the shape of the answer.</summary>
public sealed class IngestionTests(TailorAppFixture app)
{
    public static TheoryData<string, string> SingleMessageRoutes => new()
    {
        { "/v1/track", "track" }, { "/v1/t", "track" },
        { "/v1/identify", "identify" }, { "/v1/i", "identify" },
        { "/v1/page", "page" }, { "/v1/p", "page" },
        { "/v1/screen", "screen" }, { "/v1/s", "screen" },
        { "/v1/group", "group" }, { "/v1/g", "group" },
        { "/v1/alias", "alias" }, { "/v1/a", "alias" },
    };

    [Theory]
    [MemberData(nameof(SingleMessageRoutes))]
    public async Task Each_endpoint_and_its_alias_logs_a_message_of_its_type(string path, string type)
    {
        var userId = TailorAppFixture.NewId("route");
        var messageId = TailorAppFixture.NewId("msg");
        var message = new JsonObject
        {
            ["userId"] = userId, ["messageId"] = messageId, ["event"] = "Route Tested", ["name"] = "Home",
            ["groupId"] = "g-1", ["previousId"] = TailorAppFixture.NewId("prev"), ["traits"] = new JsonObject { ["plan"] = "free" },
        };

        var answer = await app.Ingest.SendAsync(path, message);

        Assert.Equal(1, (int)answer["accepted"]!);
        Assert.Equal(0, (int)answer["duplicates"]!);
        await app.WaitForPipelineAsync();
        var profile = await app.Admin.LookupAsync("userId", userId);
        var logged = Assert.Single(await app.Admin.EventsAsync(profile.Id()));
        Assert.Equal(messageId, (string)logged!["messageId"]!);
        Assert.Equal(type, (string)logged["type"]!);
    }

    [Theory]
    [InlineData("/v1/batch")]
    [InlineData("/v1/b")]
    [InlineData("/v1/import")]
    public async Task Batch_endpoints_log_every_message_with_the_type_it_names(string path)
    {
        var userId = TailorAppFixture.NewId("batch");
        var answer = await app.Ingest.SendAsync(path, new
        {
            batch = new object[]
            {
                new { type = "identify", userId, traits = new { plan = "gold" } },
                new { type = "track", userId, @event = "Signed Up" },
                new { type = "page", userId, name = "Pricing" },
            },
        });

        Assert.Equal(3, (int)answer["accepted"]!);
        await app.WaitForPipelineAsync();
        var events = await app.Admin.EventsAsync((await app.Admin.LookupAsync("userId", userId)).Id());
        Assert.Equal(["identify", "page", "track"], events.Select(e => (string)e!["type"]!).Order());
    }

    [Fact]
    public async Task Write_key_in_the_body_is_accepted_without_basic_auth()
    {
        var answer = await app.Anonymous.SendAsync("/v1/track", new { writeKey = app.WriteKey, userId = TailorAppFixture.NewId("u"), @event = "Body Key" });

        Assert.Equal(1, (int)answer["accepted"]!);
    }

    [Fact]
    public async Task Write_key_in_the_body_of_a_batch_is_accepted_without_basic_auth()
    {
        var answer = await app.Anonymous.SendAsync("/v1/batch", new
        {
            writeKey = app.WriteKey,
            batch = new[] { new { type = "track", userId = TailorAppFixture.NewId("u"), @event = "Body Key" } },
        });

        Assert.Equal(1, (int)answer["accepted"]!);
    }

    [Fact]
    public async Task Write_key_in_the_body_is_used_when_basic_credentials_are_blank()
    {
        using var client = app.NewClient(TailorAppFixture.BasicAuth(""));

        var answer = await client.SendAsync("/v1/track", new { writeKey = app.WriteKey, userId = TailorAppFixture.NewId("u"), @event = "Blank Basic" });

        Assert.Equal(1, (int)answer["accepted"]!);
    }

    [Fact]
    public async Task Missing_write_key_is_refused_with_401()
    {
        using var response = await app.Anonymous.PostObjectAsync("/v1/track", new { userId = "u-1", @event = "No Key" });

        await response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "writeKey", "must be the write key of a source");
    }

    [Fact]
    public async Task Unknown_write_key_is_refused_with_401()
    {
        using var client = app.NewClient(TailorAppFixture.BasicAuth("wk_nobody_knows_this"));

        using var response = await client.PostObjectAsync("/v1/batch", new { batch = new[] { new { type = "track", userId = "u-1", @event = "Bad Key" } } });

        await response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "writeKey", "must be the write key of a source");
    }

    [Fact]
    public async Task Unknown_write_key_in_the_body_is_refused_with_401()
    {
        using var response = await app.Anonymous.PostObjectAsync("/v1/track", new { writeKey = "wk_nobody_knows_this", userId = "u-1", @event = "Bad Key" });

        await response.ShouldBeAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Admin_key_cannot_send_events()
    {
        using var client = app.NewClient(TailorAppFixture.BasicAuth(app.AdminKey));

        using var response = await client.PostObjectAsync("/v1/track", new { userId = "u-1", @event = "Admin Key" });

        await response.ShouldBeAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task ReceivedAt_is_set_by_Tailor_not_taken_from_the_client()
    {
        var userId = TailorAppFixture.NewId("recv");
        var before = DateTimeOffset.UtcNow.AddMilliseconds(-1);
        await app.Ingest.SendAsync("/v1/track", new { userId, @event = "Clocked", receivedAt = "2001-01-01T00:00:00Z" });
        var after = DateTimeOffset.UtcNow.AddMilliseconds(1);

        await app.WaitForPipelineAsync();
        var logged = Assert.Single(await app.Admin.EventsAsync((await app.Admin.LookupAsync("userId", userId)).Id()))!;
        var receivedAt = (DateTimeOffset)logged["receivedAt"]!;
        Assert.InRange(receivedAt, before, after);
    }

    [Fact]
    public async Task Event_timestamp_is_corrected_by_the_client_clock_skew()
    {
        // The client's clock runs one hour fast: it says it sent the message an hour from now.
        var userId = TailorAppFixture.NewId("skew");
        var now = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        var clientSentAt = now.AddHours(1);
        var clientTimestamp = clientSentAt.AddMinutes(-5);
        await app.Ingest.SendAsync("/v1/track", new { userId, @event = "Skewed", timestamp = Http.Iso(clientTimestamp), sentAt = Http.Iso(clientSentAt) });

        await app.WaitForPipelineAsync();
        var logged = Assert.Single(await app.Admin.EventsAsync((await app.Admin.LookupAsync("userId", userId)).Id()))!;
        var receivedAt = (DateTimeOffset)logged["receivedAt"]!;
        var timestamp = (DateTimeOffset)logged["timestamp"]!;
        Assert.Equal(receivedAt.AddMinutes(-5), timestamp);
    }

    [Fact]
    public async Task Batch_sentAt_corrects_the_clock_skew_of_messages_without_their_own()
    {
        var userId = TailorAppFixture.NewId("skew-batch");
        var clientSentAt = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()).AddDays(-2);
        await app.Ingest.SendAsync("/v1/batch", new
        {
            sentAt = Http.Iso(clientSentAt),
            batch = new[] { new { type = "track", userId, @event = "Skewed", timestamp = Http.Iso(clientSentAt.AddSeconds(-30)) } },
        });

        await app.WaitForPipelineAsync();
        var logged = Assert.Single(await app.Admin.EventsAsync((await app.Admin.LookupAsync("userId", userId)).Id()))!;
        Assert.Equal(((DateTimeOffset)logged["receivedAt"]!).AddSeconds(-30), (DateTimeOffset)logged["timestamp"]!);
    }

    [Fact]
    public async Task Message_without_timestamp_happened_when_it_was_received()
    {
        var userId = TailorAppFixture.NewId("no-ts");
        await app.Ingest.SendAsync("/v1/track", new { userId, @event = "Timeless" });

        await app.WaitForPipelineAsync();
        var logged = Assert.Single(await app.Admin.EventsAsync((await app.Admin.LookupAsync("userId", userId)).Id()))!;
        Assert.Equal((DateTimeOffset)logged["receivedAt"]!, (DateTimeOffset)logged["timestamp"]!);
    }

    [Fact]
    public async Task Message_is_logged_as_the_client_sent_it()
    {
        var userId = TailorAppFixture.NewId("payload");
        await app.Ingest.SendAsync("/v1/track", new { userId, @event = "Order Completed", properties = new { revenue = 12.5, sku = "A-1" } });

        await app.WaitForPipelineAsync();
        var logged = Assert.Single(await app.Admin.EventsAsync((await app.Admin.LookupAsync("userId", userId)).Id()))!;
        Assert.Equal("Order Completed", (string)logged["name"]!);
        Assert.Equal(12.5m, (decimal)logged["message"]!["properties"]!["revenue"]!);
        Assert.Equal("A-1", (string)logged["message"]!["properties"]!["sku"]!);
    }

    [Fact]
    public async Task Message_without_messageId_gets_one_from_Tailor()
    {
        var userId = TailorAppFixture.NewId("no-mid");
        await app.Ingest.SendAsync("/v1/track", new { userId, @event = "Anonymous Message" });
        await app.Ingest.SendAsync("/v1/track", new { userId, @event = "Anonymous Message" });

        await app.WaitForPipelineAsync();
        var events = await app.Admin.EventsAsync((await app.Admin.LookupAsync("userId", userId)).Id());
        Assert.Equal(2, events.MessageIds().Distinct().Count());
        Assert.All(events.MessageIds(), id => Assert.False(string.IsNullOrWhiteSpace(id)));
    }

    [Fact]
    public async Task Health_says_ok_without_credentials()
    {
        var health = await app.Anonymous.GetObjectAsync("/health");

        Assert.Equal("ok", (string)health["status"]!);
        Assert.Equal("sqlite", (string)health["store"]!);
    }
}
