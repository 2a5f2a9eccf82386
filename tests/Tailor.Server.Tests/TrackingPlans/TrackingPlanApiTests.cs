using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Tailor.Server.Tests.Hosting;

namespace Tailor.Server.Tests.TrackingPlans;

/// <summary>The tracking plan through the API, each test on a source (and event name) of its own.</summary>
public sealed class TrackingPlanApiTests(TailorAppFixture app)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<(string Name, HttpClient Client)> SourceAsync(string mode)
    {
        using var created = await app.Admin.PostObjectAsync("/api/sources", new { name = TailorAppFixture.NewId("planned") });
        await created.ShouldBeAsync(HttpStatusCode.Created);
        var source = await created.JsonAsync();
        using (var set = await app.Admin.PutObjectAsync($"/api/tracking-plan/sources/{(string)source["name"]!}", new { mode }))
            await set.ShouldBeAsync(HttpStatusCode.OK);
        return ((string)source["name"]!, app.NewClient(TailorAppFixture.BasicAuth((string)source["writeKey"]!)));
    }

    private async Task<string> SchemaAsync(string schema)
    {
        var name = TailorAppFixture.NewId("Signed Up");
        using var put = await PutSchemaAsync(name, schema);
        await put.ShouldBeAsync(HttpStatusCode.Created);
        return name;
    }

    private Task<HttpResponseMessage> PutSchemaAsync(string eventName, string schema) =>
        app.Admin.PutAsync($"/api/tracking-plan/events/{Uri.EscapeDataString(eventName)}", new StringContent(schema, Encoding.UTF8, "application/json"), Ct);

    [Theory]
    [InlineData("""{"type": "objekt"}""", "schema.type", "must be a valid draft 2020-12 schema")]
    [InlineData("""{"$ref": "https://example.com/s.json"}""", "schema", "inside the document")]
    [InlineData("""{"$schema": "http://json-schema.org/draft-07/schema#"}""", "schema.$schema", "draft 2020-12")]
    [InlineData("""{"type": """, "schema", "must be JSON")]
    public async Task An_invalid_schema_is_refused_naming_the_problem(string schema, string field, string rule)
    {
        using var response = await PutSchemaAsync(TailorAppFixture.NewId("E"), schema);

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, field, rule);
    }

    [Fact]
    public async Task A_schema_over_64_KB_is_refused_with_413()
    {
        using var response = await PutSchemaAsync("Huge", "{\"description\": \"" + new string('x', 70 * 1024) + "\"}");

        await response.ShouldBeProblemAsync(HttpStatusCode.RequestEntityTooLarge, "schema", "must be at most 64 KB");
    }

    [Fact]
    public async Task Schemas_are_saved_read_listed_replaced_and_deleted_and_modes_listed()
    {
        var name = await SchemaAsync("""{"type": "object", "properties": {"plan": {"enum": ["free", "pro"]}}}""");
        var (source, client) = await SourceAsync("flag");
        client.Dispose();

        var one = await app.Admin.GetObjectAsync($"/api/tracking-plan/events/{Uri.EscapeDataString(name)}");
        Assert.Equal("pro", (string)one["schema"]!["properties"]!["plan"]!["enum"]![1]!);
        using (var replace = await PutSchemaAsync(name, """{"type": "object"}""")) await replace.ShouldBeAsync(HttpStatusCode.OK);
        var plan = await app.Admin.GetObjectAsync("/api/tracking-plan");
        Assert.Contains(plan["schemas"]!.AsArray(), s => (string)s!["event"]! == name && s["schema"]!["properties"] is null);
        Assert.Contains(plan["sources"]!.AsArray(), s => (string)s!["name"]! == source && (string)s["mode"]! == "flag");
        using (var delete = await app.Admin.DeleteAsync($"/api/tracking-plan/events/{Uri.EscapeDataString(name)}", Ct)) await delete.ShouldBeAsync(HttpStatusCode.NoContent);
        using (var gone = await app.Admin.GetResponseAsync($"/api/tracking-plan/events/{Uri.EscapeDataString(name)}")) await gone.ShouldBeAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_mode_must_be_allow_flag_or_block_and_the_source_must_exist()
    {
        using var badMode = await app.Admin.PutObjectAsync("/api/tracking-plan/sources/default", new { mode = "strict" });
        await badMode.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "mode", "must be one of allow, flag, block");
        using var missing = await app.Admin.PutObjectAsync("/api/tracking-plan/sources/no-such-source", new { mode = "block" });
        await missing.ShouldBeAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Flag_mode_accepts_the_event_and_records_the_violations_on_it()
    {
        var name = await SchemaAsync("""{"type": "object", "required": ["plan"], "properties": {"plan": {"enum": ["free", "pro"]}}}""");
        var (_, client) = await SourceAsync("flag");
        using var _ = client;
        var userId = TailorAppFixture.NewId("flagged");

        var answer = await client.SendAsync("/v1/batch", new
        {
            batch = new object[]
            {
                new { type = "track", userId, @event = name, properties = new { plan = "enterprise" } },
                new { type = "track", userId, @event = name, properties = new { plan = "pro" } },
            },
        });

        Assert.Equal(2, (int)answer["accepted"]!);
        Assert.Null(answer["blocked"]);
        await app.WaitForPipelineAsync();
        var events = await app.Admin.EventsAsync((await app.Admin.LookupAsync("userId", userId)).Id());
        var flagged = events.Single(e => (string?)e!["message"]!["properties"]!["plan"] == "enterprise")!;
        Assert.Equal("properties.plan", (string)flagged["message"]!["context"]!["violations"]![0]!["field"]!);
        var clean = events.Single(e => (string?)e!["message"]!["properties"]!["plan"] == "pro")!;
        Assert.Null(clean["message"]!["context"]);
    }

    [Fact]
    public async Task Block_mode_keeps_a_single_bad_message_out_of_the_log_and_answers_where_it_went()
    {
        var name = await SchemaAsync("""{"type": "object", "required": ["plan"]}""");
        var (_, client) = await SourceAsync("block");
        using var _ = client;
        var userId = TailorAppFixture.NewId("blocked");

        var answer = await client.SendAsync("/v1/track", new { userId, @event = name, properties = new { } });

        Assert.Equal(0, (int)answer["accepted"]!);
        var blocked = Assert.Single(answer["blocked"]!.AsArray())!;
        Assert.Null(blocked["index"]);
        var letter = await app.Admin.GetObjectAsync($"/api/dead-letters/{(long)blocked["deadLetterId"]!}");
        Assert.Equal("tracking-plan", (string)letter["stage"]!);
        await app.WaitForPipelineAsync();
        using var lookup = await app.Admin.GetResponseAsync($"/api/profiles/lookup?type=userId&value={userId}");
        await lookup.ShouldBeAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Other_sources_are_not_checked()
    {
        var name = await SchemaAsync("""{"type": "object", "required": ["plan"]}""");
        var userId = TailorAppFixture.NewId("unchecked");

        var answer = await app.Ingest.SendAsync("/v1/track", new { userId, @event = name });

        Assert.Equal(1, (int)answer["accepted"]!);
        Assert.Null(answer["blocked"]);
    }
}
