using System.Net;
using System.Net.Http.Headers;
using Tailor.Server.Tests.Hosting;

namespace Tailor.Server.Tests.Admin;

/// <summary>The admin API: only admin keys get in; sources, admin keys and the pipeline's progress.</summary>
public sealed class AdminApiTests(TailorAppFixture app)
{
    public static TheoryData<string> AdminPaths => new()
    {
        "/api/profiles/lookup?type=userId&value=u-1",
        "/api/profiles?trait=plan&value=gold",
        "/api/profiles/prf_x",
        "/api/sources",
        "/api/pipeline",
        "/api/dead-letters",
    };

    [Theory]
    [MemberData(nameof(AdminPaths))]
    public async Task Admin_API_refuses_requests_without_a_key(string path)
    {
        using var response = await app.Anonymous.GetResponseAsync(path);

        await response.ShouldBeAsync(HttpStatusCode.Unauthorized);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [MemberData(nameof(AdminPaths))]
    public async Task Admin_API_refuses_a_write_key_as_bearer_token(string path)
    {
        using var client = app.NewClient(new AuthenticationHeaderValue("Bearer", app.WriteKey));

        using var response = await client.GetResponseAsync(path);

        await response.ShouldBeAsync(HttpStatusCode.Unauthorized);
        var problem = await response.JsonAsync();
        Assert.Equal("Authorization", (string)problem["field"]!);
        Assert.Equal("must be a valid admin key", (string)problem["rule"]!);
    }

    [Fact]
    public async Task Admin_API_refuses_a_write_key_as_basic_credentials()
    {
        using var response = await app.Ingest.GetResponseAsync("/api/sources");

        await response.ShouldBeAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Admin_key_as_basic_credentials_is_refused()
    {
        using var client = app.NewClient(TailorAppFixture.BasicAuth(app.AdminKey));

        using var response = await client.GetResponseAsync("/api/pipeline");

        await response.ShouldBeAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Admin_API_refuses_changes_without_a_key()
    {
        using var source = await app.Anonymous.PostObjectAsync("/api/sources", new { name = TailorAppFixture.NewId("src") });
        using var key = await app.Ingest.PostObjectAsync("/api/admin-keys", new { name = "sneaky" });

        await source.ShouldBeAsync(HttpStatusCode.Unauthorized);
        await key.ShouldBeAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Created_source_gets_a_write_key_that_sends_events_attributed_to_it()
    {
        var name = TailorAppFixture.NewId("website");

        using var response = await app.Admin.PostObjectAsync("/api/sources", new { name });

        await response.ShouldBeAsync(HttpStatusCode.Created);
        var source = await response.JsonAsync();
        var sourceId = (string)source["id"]!;
        var writeKey = (string)source["writeKey"]!;
        Assert.Equal(name, (string)source["name"]!);
        Assert.Equal($"/api/sources/{sourceId}", response.Headers.Location?.OriginalString);
        Assert.StartsWith("wk_", writeKey, StringComparison.Ordinal);
        Assert.Contains(await app.Admin.GetArrayAsync("/api/sources"), s => (string)s!["id"]! == sourceId);

        var userId = TailorAppFixture.NewId("from-source");
        using var client = app.NewClient(TailorAppFixture.BasicAuth(writeKey));
        await client.SendAsync("/v1/identify", new { userId, traits = new { plan = "sourced" } });
        await app.WaitForPipelineAsync();
        var profile = await app.Admin.LookupAsync("userId", userId);
        Assert.Equal(sourceId, (string)Assert.Single(await app.Admin.EventsAsync(profile.Id()))!["sourceId"]!);
        Assert.Equal(sourceId, (string)Assert.Single(await app.Admin.GetArrayAsync($"/api/profiles/{profile.Id()}/traits/history?name=plan"))!["source"]!);
    }

    [Fact]
    public async Task Source_can_be_created_with_a_chosen_write_key()
    {
        var writeKey = TailorAppFixture.NewId("wk_chosen");

        using var response = await app.Admin.PostObjectAsync("/api/sources", new { name = TailorAppFixture.NewId("backend"), writeKey });

        await response.ShouldBeAsync(HttpStatusCode.Created);
        Assert.Equal(writeKey, (string)(await response.JsonAsync())["writeKey"]!);
        using var client = app.NewClient(TailorAppFixture.BasicAuth(writeKey));
        Assert.Equal(1, (int)(await client.SendAsync("/v1/track", new { userId = TailorAppFixture.NewId("u"), @event = "Chosen Key" }))["accepted"]!);
    }

    [Fact]
    public async Task Source_names_are_unique()
    {
        var name = TailorAppFixture.NewId("twice");
        using var first = await app.Admin.PostObjectAsync("/api/sources", new { name });

        using var second = await app.Admin.PostObjectAsync("/api/sources", new { name });

        await first.ShouldBeAsync(HttpStatusCode.Created);
        await second.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "name", "must be unique");
    }

    [Fact]
    public async Task Source_without_a_name_or_with_a_short_write_key_is_refused()
    {
        using var noName = await app.Admin.PostObjectAsync("/api/sources", new { name = " " });
        using var shortKey = await app.Admin.PostObjectAsync("/api/sources", new { name = TailorAppFixture.NewId("short"), writeKey = "abc" });

        await noName.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "name", "is required");
        await shortKey.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "writeKey", "at least 8 characters");
    }

    [Fact]
    public async Task Created_admin_key_is_shown_once_and_opens_the_admin_API()
    {
        using var response = await app.Admin.PostObjectAsync("/api/admin-keys", new { name = "ops" });

        await response.ShouldBeAsync(HttpStatusCode.Created);
        var created = await response.JsonAsync();
        var key = (string)created["key"]!;
        Assert.StartsWith("tk_admin_", key, StringComparison.Ordinal);
        Assert.Equal("ops", (string)created["name"]!);
        using var client = app.NewClient(new AuthenticationHeaderValue("Bearer", key));
        var status = await client.GetObjectAsync("/api/pipeline");
        Assert.True((long)status["logPosition"]! >= 0);
    }

    [Fact]
    public async Task Admin_key_without_a_name_is_refused()
    {
        using var response = await app.Admin.PostObjectAsync("/api/admin-keys", new { });

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "name", "is required");
    }

    [Fact]
    public async Task Pipeline_status_reports_log_and_pipeline_positions_and_profile_count()
    {
        await app.Ingest.SendAsync("/v1/track", new { userId = TailorAppFixture.NewId("status"), @event = "Counted" });

        var status = await PipelineProgress.WaitUntilCaughtUpAsync(app.Admin);

        Assert.True((long)status["logPosition"]! >= 1);
        Assert.Equal((long)status["logPosition"]!, (long)status["pipelinePosition"]!);
        Assert.True((long)status["profiles"]! >= 1);
    }

    [Fact]
    public async Task Pipeline_never_reports_being_ahead_of_the_log_while_events_arrive()
    {
        var userId = TailorAppFixture.NewId("lag");
        var sender = Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < 50; i++)
                await app.Ingest.SendAsync("/v1/track", new { userId, @event = "Lagged" });
        }, TestContext.Current.CancellationToken)));

        var readings = new List<(long Log, long Pipeline, long Lag)>();
        while (!sender.IsCompleted)
        {
            var status = await app.Admin.GetObjectAsync("/api/pipeline");
            readings.Add(((long)status["logPosition"]!, (long)status["pipelinePosition"]!, (long)status["lag"]!));
        }
        await sender;

        Assert.NotEmpty(readings);
        Assert.All(readings, r => Assert.True(r.Lag >= 0 && r.Pipeline <= r.Log && r.Lag == r.Log - r.Pipeline, $"log {r.Log}, pipeline {r.Pipeline}, lag {r.Lag}"));
    }
}
