using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Tailor.Server.Tests.Hosting;

namespace Tailor.Server.Tests.Ingestion;

/// <summary>Text that is not valid Unicode, or holds control characters where they make no sense, is refused at the door.</summary>
public sealed class TextValidationTests(TailorAppFixture app)
{
    [Fact]
    public async Task Invalid_UTF8_in_a_batch_rejects_that_message_and_keeps_the_good_ones()
    {
        var userId = TailorAppFixture.NewId("utf8");
        var good = TailorAppFixture.NewId("good");
        var body = Concat(
            $$"""{"batch": [{"type": "track", "userId": "{{userId}}", "event": "Kept", "messageId": "{{good}}"},""" +
            "{\"type\": \"identify\", \"userId\": \"" + userId + "\", \"traits\": {\"name\": \"A", [0xC3, 0x28], "\"}}]}");

        using var response = await PostBytesAsync("/v1/batch", body);

        await response.ShouldBeAsync(HttpStatusCode.OK);
        var answer = await response.JsonAsync();
        Assert.Equal(1, (int)answer["accepted"]!);
        var rejected = Assert.Single(answer["rejected"]!.AsArray())!;
        Assert.Equal((1, "traits.name"), ((int)rejected["index"]!, (string)rejected["field"]!));
        Assert.Contains("valid UTF-8", (string)rejected["rule"]!, StringComparison.Ordinal);
        await app.WaitForPipelineAsync();
        var profile = await app.Admin.LookupAsync("userId", userId);
        Assert.Equal([good], (await app.Admin.EventsAsync(profile.Id())).MessageIds());
    }

    [Fact]
    public async Task Invalid_UTF8_in_a_single_message_is_a_400_naming_the_field()
    {
        using var response = await PostBytesAsync("/v1/track", Concat("""{"userId": "u-1", "event": "Bad""", [0xFF], "\"}"));

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "event", "must be valid UTF-8");
    }

    [Fact]
    public async Task Lone_surrogate_escape_in_a_trait_is_refused_and_the_pipeline_moves_on()
    {
        var userId = TailorAppFixture.NewId("surrogate");
        using var response = await app.Ingest.PostRawAsync("/v1/identify", "{\"userId\": \"" + userId + "\", \"traits\": {\"nick\": \"\\ud800\"}}");

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "traits.nick", "lone UTF-16 surrogate");
        await app.Ingest.SendAsync("/v1/identify", new { userId, traits = new { nick = "fine" } });
        await app.WaitForPipelineAsync();
        Assert.Equal("fine", (string)(await app.Admin.LookupAsync("userId", userId))["traits"]!["nick"]!);
    }

    [Fact]
    public async Task Control_character_in_a_userId_is_refused()
    {
        using var response = await app.Ingest.PostRawAsync("/v1/track", """{"userId": "u\u0007-1", "event": "x"}""");

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "userId", "must not contain control characters");
    }

    [Fact]
    public async Task Control_character_in_a_property_key_is_refused()
    {
        using var response = await app.Ingest.PostRawAsync("/v1/track", """{"userId": "u-1", "event": "x", "properties": {"a\nb": 1}}""");

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "properties.a\\nb", "keys must not contain control characters");
    }

    [Fact]
    public async Task Tabs_and_newlines_in_free_text_are_kept_but_a_NUL_is_refused()
    {
        var userId = TailorAppFixture.NewId("text");
        await app.Ingest.SendAsync("/v1/identify", new { userId, traits = new { bio = "line one\n\tline two\r\n" } });
        using var nul = await app.Ingest.PostRawAsync("/v1/identify", "{\"userId\": \"" + userId + "\", \"traits\": {\"bio\": \"a\\u0000b\"}}");

        await nul.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "traits.bio", "other than tab, line feed and carriage return");
        await app.WaitForPipelineAsync();
        Assert.Equal("line one\n\tline two\r\n", (string)(await app.Admin.LookupAsync("userId", userId))["traits"]!["bio"]!);
    }

    [Fact]
    public async Task Write_key_that_is_not_valid_UTF8_is_unauthorized_not_a_crash()
    {
        using var client = app.NewClient(null);
        using var content = new ByteArrayContent(Concat("{\"writeKey\": \"k", [0xFF], "\", \"userId\": \"u\", \"event\": \"x\"}"));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        using var response = await client.PostAsync("/v1/track", content, TestContext.Current.CancellationToken);

        await response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "writeKey", "must be the write key");
    }

    private Task<HttpResponseMessage> PostBytesAsync(string path, byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return app.Ingest.PostAsync(path, content, TestContext.Current.CancellationToken);
    }

    private static byte[] Concat(string head, byte[] middle, string tail) =>
        [.. Encoding.UTF8.GetBytes(head), .. middle, .. Encoding.UTF8.GetBytes(tail)];
}
