using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Tailor.Server.Tests.Hosting;

namespace Tailor.Server.Tests.Ingestion;

/// <summary>
/// Segment's tracking pixel (<c>GET /v1/pixel/{method}?data=BASE64</c>): a logged message is answered with a 1x1 GIF;
/// the message meets the same rules as the JSON endpoints, and a refused one gets a problem naming the field.
/// </summary>
public sealed class PixelTests(TailorAppFixture app)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Base64(JsonObject message) => Convert.ToBase64String(Encoding.UTF8.GetBytes(message.ToJsonString()));

    private Task<HttpResponseMessage> PixelAsync(string method, string data) => app.Anonymous.GetAsync($"/v1/pixel/{method}?data={data}", Ct);

    [Fact]
    public async Task An_email_open_pixel_logs_the_track_and_answers_a_transparent_gif()
    {
        var user = TailorAppFixture.NewId("pixel");
        var data = Base64(new JsonObject
        {
            ["writeKey"] = app.WriteKey, ["userId"] = user, ["event"] = "Email Opened",
            ["properties"] = new JsonObject { ["subject"] = "The Electric Daily" },
        });

        using var response = await PixelAsync("track", Uri.EscapeDataString(data));

        await response.ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal("image/gif", response.Content.Headers.ContentType?.MediaType);
        var gif = await response.Content.ReadAsByteArrayAsync(Ct);
        Assert.Equal(43, gif.Length);
        Assert.Equal("GIF89a", Encoding.ASCII.GetString(gif, 0, 6));
        Assert.Equal((1, 1), (gif[6] | gif[7] << 8, gif[8] | gif[9] << 8)); // logical screen width and height
        var control = gif.AsSpan().IndexOf(new byte[] { 0x21, 0xF9, 0x04 }); // graphic control extension (GIF89a spec, section 23)
        Assert.True(control > 0 && (gif[control + 3] & 1) == 1 && gif[control + 6] == 0, "the pixel's colour 0 is transparent");
        Assert.Equal(0x3B, gif[^1]); // trailer
        Assert.True(response.Headers.CacheControl?.NoStore);
        await app.WaitForPipelineAsync();
        var events = await app.Admin.EventsAsync((await app.Admin.LookupAsync("userId", user)).Id());
        var e = Assert.Single(events)!;
        Assert.Equal("track", (string)e["type"]!);
        Assert.Equal("Email Opened", (string)e["name"]!);
        Assert.Equal("The Electric Daily", (string)e["message"]!["properties"]!["subject"]!);
    }

    [Fact]
    public async Task The_url_safe_alphabet_without_padding_and_a_plus_left_unescaped_are_read_too()
    {
        var (paged, identified) = (TailorAppFixture.NewId("pixel-page"), TailorAppFixture.NewId("pixel-id"));
        // "name": "Cart?>" encodes with '/' and '+' in standard base64; these bytes exercise both alphabets.
        var page = Base64(new JsonObject { ["writeKey"] = app.WriteKey, ["anonymousId"] = paged, ["name"] = "Cart?>>>", ["properties"] = new JsonObject { ["step"] = "~~~" } });
        Assert.True(page.Contains('/', StringComparison.Ordinal) || page.Contains('+', StringComparison.Ordinal), page);
        var urlSafe = page.Replace('+', '-').Replace('/', '_').TrimEnd('=');
        var identify = Base64(new JsonObject { ["writeKey"] = app.WriteKey, ["userId"] = identified, ["traits"] = new JsonObject { ["plan"] = "pro>>>" } });

        using (var r = await PixelAsync("page", urlSafe)) await r.ShouldBeAsync(HttpStatusCode.OK);
        using (var r = await PixelAsync("identify", identify)) await r.ShouldBeAsync(HttpStatusCode.OK); // '+' unescaped arrives as ' '

        await app.WaitForPipelineAsync();
        var pageEvent = (await app.Admin.EventsAsync((await app.Admin.LookupAsync("anonymousId", paged)).Id()))[0]!;
        Assert.Equal("page", (string)pageEvent["type"]!);
        Assert.Equal("~~~", (string)pageEvent["message"]!["properties"]!["step"]!);
        Assert.Equal("pro>>>", (string)(await app.Admin.LookupAsync("userId", identified))["traits"]!["plan"]!);
    }

    [Fact]
    public async Task A_pixel_without_data_or_with_data_that_is_not_base64_json_is_refused_naming_data()
    {
        using (var r = await app.Anonymous.GetAsync("/v1/pixel/track", Ct)) await r.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "data", "is required");
        using (var r = await PixelAsync("track", "%%%not-base64")) await r.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "data", "must be base64-encoded JSON");
        using (var r = await PixelAsync("track", Convert.ToBase64String("not json"u8.ToArray())))
            await r.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "body", "must be valid JSON");
        using (var r = await PixelAsync("track", new string('A', 6145))) await r.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "data", "must be at most 6144 characters");
    }

    [Fact]
    public async Task A_pixel_follows_the_write_key_and_field_rules_of_the_json_endpoints()
    {
        var user = TailorAppFixture.NewId("pixel-rules");
        using (var r = await PixelAsync("track", Base64(new JsonObject { ["userId"] = user, ["event"] = "Opened" })))
            await r.ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "writeKey", "must be the write key of a source");
        using (var r = await PixelAsync("track", Base64(new JsonObject { ["writeKey"] = "wk_nobody", ["userId"] = user, ["event"] = "Opened" })))
            await r.ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "writeKey", "must be the write key of a source");
        using (var r = await PixelAsync("track", Base64(new JsonObject { ["writeKey"] = app.WriteKey, ["userId"] = user })))
            await r.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "event", "is required");
        using (var r = await PixelAsync("track", Base64(new JsonObject { ["writeKey"] = app.WriteKey, ["event"] = "Opened" })))
            await r.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "userId", "userId or anonymousId is required");
        using (var r = await PixelAsync("track", Base64(new JsonObject { ["writeKey"] = app.WriteKey, ["userId"] = user, ["event"] = "Opened\u0001" })))
            await r.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "event", "must not contain control characters");
        using (var r = await app.Anonymous.GetAsync("/v1/pixel/purchase?data=e30", Ct)) await r.ShouldBeAsync(HttpStatusCode.NotFound);
    }
}
