using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Tailor.Server.Tests.Hosting;

namespace Tailor.Server.Tests.Ingestion;

/// <summary>Bad input is refused with the field and the rule it broke, and never reaches a profile.</summary>
public sealed class ValidationTests(TailorAppFixture app)
{
    [Fact]
    public async Task Body_that_is_not_JSON_is_refused_naming_the_body()
    {
        using var response = await app.Ingest.PostRawAsync("/v1/track", """{"userId": "u-1", "event": """);

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "body", "must be valid JSON");
    }

    [Fact]
    public async Task Body_that_is_a_JSON_array_is_refused()
    {
        using var response = await app.Ingest.PostRawAsync("/v1/track", """[{"userId": "u-1", "event": "x"}]""");

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "body", "must be a JSON object");
    }

    [Fact]
    public async Task UserId_given_as_an_object_is_refused()
    {
        using var response = await app.Ingest.PostRawAsync("/v1/track", """{"userId": {"id": 1}, "event": "x"}""");

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "userId", "must be a string");
    }

    [Fact]
    public async Task Numeric_userId_is_accepted_as_a_string()
    {
        var numeric = Random.Shared.NextInt64(10_000_000_000, 99_999_999_999);
        await app.Ingest.SendAsync("/v1/identify", new { userId = numeric, traits = new { plan = "numeric" } });

        await app.WaitForPipelineAsync();
        var profile = await app.Admin.LookupAsync("userId", numeric.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Contains(("userId", numeric.ToString(System.Globalization.CultureInfo.InvariantCulture)), profile.Identities());
    }

    [Fact]
    public async Task Properties_given_as_an_array_are_refused()
    {
        using var response = await app.Ingest.PostRawAsync("/v1/track", """{"userId": "u-1", "event": "x", "properties": [1, 2]}""");

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "properties", "must be a JSON object");
    }

    [Fact]
    public async Task Traits_given_as_a_string_are_refused()
    {
        using var response = await app.Ingest.PostRawAsync("/v1/identify", """{"userId": "u-1", "traits": "vip"}""");

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "traits", "must be a JSON object");
    }

    [Fact]
    public async Task Message_without_userId_or_anonymousId_is_refused()
    {
        using var response = await app.Ingest.PostRawAsync("/v1/track", """{"event": "Nobody Did This"}""");

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "userId", "userId or anonymousId is required");
    }

    [Fact]
    public async Task Blank_ids_count_as_missing()
    {
        using var response = await app.Ingest.PostRawAsync("/v1/track", """{"userId": "  ", "anonymousId": "", "event": "x"}""");

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "userId", "userId or anonymousId is required");
    }

    [Fact]
    public async Task Track_without_event_name_is_refused()
    {
        using var response = await app.Ingest.PostRawAsync("/v1/track", """{"userId": "u-1", "properties": {}}""");

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "event", "is required");
    }

    [Fact]
    public async Task Alias_without_previousId_is_refused()
    {
        using var response = await app.Ingest.PostRawAsync("/v1/alias", """{"userId": "u-1"}""");

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "previousId", "is required");
    }

    [Fact]
    public async Task Group_without_groupId_is_refused()
    {
        using var response = await app.Ingest.PostRawAsync("/v1/group", """{"userId": "u-1"}""");

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "groupId", "is required");
    }

    [Fact]
    public async Task Timestamp_that_is_not_a_date_is_refused()
    {
        using var response = await app.Ingest.PostRawAsync("/v1/track", """{"userId": "u-1", "event": "x", "timestamp": "yesterday"}""");

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "timestamp", "ISO-8601");
    }

    [Fact]
    public async Task Unknown_message_type_in_a_batch_is_refused_naming_type_and_index()
    {
        using var response = await app.Ingest.PostRawAsync("/v1/batch", """{"batch": [{"type": "purchase", "userId": "u-1"}]}""");

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "type", "must be one of track, identify", index: 0);
    }

    [Fact]
    public async Task Batch_message_without_type_is_refused()
    {
        using var response = await app.Ingest.PostRawAsync("/v1/batch", """{"batch": [{"userId": "u-1", "event": "x"}]}""");

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "type", "is required", index: 0);
    }

    [Fact]
    public async Task Batch_without_a_batch_array_is_refused()
    {
        using var response = await app.Ingest.PostRawAsync("/v1/batch", """{"batch": {"type": "track"}}""");

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "batch", "must be an array");
    }

    [Fact]
    public async Task Id_longer_than_256_characters_is_a_bad_request_not_a_size_limit()
    {
        var longId = new string('u', 300);

        using var response = await app.Ingest.PostObjectAsync("/v1/track", new { userId = longId, @event = "x" });

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "userId", "must be at most 256 characters");
    }

    [Fact]
    public async Task Batch_with_some_bad_messages_keeps_the_good_ones_and_names_the_rejected_indexes()
    {
        var userId = TailorAppFixture.NewId("partial");
        var good1 = TailorAppFixture.NewId("good");
        var good2 = TailorAppFixture.NewId("good");
        var body = $$"""
            {"batch": [
              {"type": "track", "userId": "{{userId}}", "event": "Kept", "messageId": "{{good1}}"},
              {"type": "track", "userId": "{{userId}}"},
              {"type": "identify", "userId": {"nested": true} },
              {"type": "page", "userId": "{{userId}}", "messageId": "{{good2}}"},
              "not a message"
            ]}
            """;

        using var response = await app.Ingest.PostRawAsync("/v1/batch", body);

        await response.ShouldBeAsync(HttpStatusCode.OK);
        var answer = await response.JsonAsync();
        Assert.True((bool)answer["success"]!);
        Assert.Equal(2, (int)answer["accepted"]!);
        var rejected = answer["rejected"]!.AsArray().Select(r => ((int)r!["index"]!, (string)r["field"]!)).ToArray();
        Assert.Equal([(1, "event"), (2, "userId"), (4, "message")], rejected);

        await app.WaitForPipelineAsync();
        var events = await app.Admin.EventsAsync((await app.Admin.LookupAsync("userId", userId)).Id());
        Assert.Equal(new[] { good1, good2 }.Order(), events.MessageIds().Order());
    }

    [Fact]
    public async Task Message_over_32_KB_is_refused_with_413_naming_the_limit()
    {
        var big = new string('x', 33 * 1024);

        using var response = await app.Ingest.PostObjectAsync("/v1/track", new { userId = "u-big", @event = "Huge", properties = new { big } });

        await response.ShouldBeProblemAsync(HttpStatusCode.RequestEntityTooLarge, "message", "must be at most 32 KB");
    }

    [Fact]
    public async Task Message_over_32_KB_in_a_batch_is_rejected_and_the_rest_kept()
    {
        var userId = TailorAppFixture.NewId("big-in-batch");
        var big = new string('x', 33 * 1024);

        var answer = await app.Ingest.SendAsync("/v1/batch", new
        {
            batch = new object[]
            {
                new { type = "track", userId, @event = "Huge", properties = new { big } },
                new { type = "track", userId, @event = "Small" },
            },
        });

        Assert.Equal(1, (int)answer["accepted"]!);
        var rejected = Assert.Single(answer["rejected"]!.AsArray())!;
        Assert.Equal(0, (int)rejected["index"]!);
        Assert.Contains("32 KB", (string)rejected["rule"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Request_over_500_KB_is_refused_with_413_naming_the_limit()
    {
        var messages = Enumerable.Range(0, 20).Select(i => new { type = "track", userId = "u-many", @event = "Padded", properties = new { pad = new string('p', 30 * 1024) } });

        using var response = await app.Ingest.PostObjectAsync("/v1/batch", new { batch = messages });

        await response.ShouldBeProblemAsync(HttpStatusCode.RequestEntityTooLarge, "body", "must be at most 500 KB");
    }

    [Fact]
    public async Task Gzip_body_over_500_KB_after_inflating_is_refused_with_413()
    {
        // Compresses to a few KB; the limit is on what it inflates to.
        var messages = Enumerable.Range(0, 20).Select(i => new { type = "track", userId = "u-zip", @event = "Padded", properties = new { pad = new string('p', 30 * 1024) } });

        using var response = await app.Ingest.PostAsync("/v1/batch", Gzip(JsonSerializer.Serialize(new { batch = messages })), TestContext.Current.CancellationToken);

        await response.ShouldBeProblemAsync(HttpStatusCode.RequestEntityTooLarge, "body", "must be at most 500 KB");
    }

    [Fact]
    public async Task Gzip_body_is_accepted()
    {
        var userId = TailorAppFixture.NewId("gzip");
        var json = JsonSerializer.Serialize(new { batch = new[] { new { type = "track", userId, @event = "Zipped" } } });

        using var response = await app.Ingest.PostAsync("/v1/batch", Gzip(json), TestContext.Current.CancellationToken);

        await response.ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal(1, (int)(await response.JsonAsync())["accepted"]!);
        await app.WaitForPipelineAsync();
        Assert.Equal(1, (await app.Admin.LookupAsync("userId", userId)).EventCount());
    }

    [Fact]
    public async Task Invalid_gzip_body_is_refused_with_400()
    {
        var content = new ByteArrayContent("""{"userId": "u-1", "event": "not zipped"}"""u8.ToArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        content.Headers.ContentEncoding.Add("gzip");

        using var response = await app.Ingest.PostAsync("/v1/track", content, TestContext.Current.CancellationToken);

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "body", "must be valid gzip");
    }

    [Fact]
    public async Task Refused_message_never_reaches_a_profile()
    {
        var userId = TailorAppFixture.NewId("refused");
        using var response = await app.Ingest.PostObjectAsync("/v1/identify", new { userId, traits = new[] { "not", "an", "object" } });
        await response.ShouldBeAsync(HttpStatusCode.BadRequest);

        await app.WaitForPipelineAsync();
        using var lookup = await app.Admin.GetResponseAsync($"/api/profiles/lookup?type=userId&value={userId}");
        await lookup.ShouldBeAsync(HttpStatusCode.NotFound);
    }

    private static ByteArrayContent Gzip(string json)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
            gzip.Write(Encoding.UTF8.GetBytes(json));
        var content = new ByteArrayContent(buffer.ToArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        content.Headers.ContentEncoding.Add("gzip");
        return content;
    }
}
