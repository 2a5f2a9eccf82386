using System.Net;
using System.Net.Sockets;
using System.Text;
using Tailor.Server.Tests.Hosting;

namespace Tailor.Server.Tests.Admin;

/// <summary>
/// The guard in front of <c>/api</c>: the admin key before the body, then size (413), content type (415) and JSON
/// depth (400); every error, the framework's own included, is a problem document naming the rule.
/// </summary>
public sealed class AdminGuardTests(TailorAppFixture app)
{
    /// <summary>Raw HTTP/1.1 over a socket: headers and only the start of a body announced as huge, then whatever the server answers.</summary>
    private async Task<string> SendPartialAsync(string headers, string bodyStart)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(app.BaseAddress.Host, app.BaseAddress.Port, TestContext.Current.CancellationToken);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"{headers}\r\n\r\n{bodyStart}"), TestContext.Current.CancellationToken);
        var buffer = new byte[8192];
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        var read = await stream.ReadAsync(buffer, timeout.Token); // an answer while most of the body was never sent: it was not waited for
        return Encoding.UTF8.GetString(buffer, 0, read);
    }

    [Fact]
    public async Task Without_an_admin_key_a_huge_body_is_refused_before_it_is_read()
    {
        var answer = await SendPartialAsync(
            $"POST /api/segments HTTP/1.1\r\nHost: {app.BaseAddress.Authority}\r\nContent-Type: application/json\r\nContent-Length: 1000000000", "{\"name\": [[[[[[");

        Assert.StartsWith("HTTP/1.1 401", answer, StringComparison.Ordinal);
        Assert.Contains("application/problem+json", answer, StringComparison.Ordinal);
        Assert.Contains("must be a valid admin key", answer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_an_admin_key_a_malformed_body_gets_401_not_a_parse_error()
    {
        using var malformed = await app.Anonymous.PostRawAsync("/api/sources", "{not json at all");
        using var wrongKey = await app.Ingest.PostRawAsync("/api/triggers", "[[[[");

        await malformed.ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "Authorization", "must be a valid admin key");
        await wrongKey.ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "Authorization", "must be a valid admin key");
    }

    [Fact]
    public async Task A_body_over_the_limit_is_refused_with_413_whether_its_length_is_announced_or_not()
    {
        var big = "{\"name\": \"" + new string('x', 1024 * 1024) + "\"}";
        using var announced = await app.Admin.PostRawAsync("/api/sources", big);
        using var chunked = await app.Admin.PostAsync("/api/sources",
            new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(big))) { Headers = { ContentType = new("application/json") } }, TestContext.Current.CancellationToken);

        await announced.ShouldBeProblemAsync(HttpStatusCode.RequestEntityTooLarge, "body", "must be at most 1048576 bytes");
        await chunked.ShouldBeProblemAsync(HttpStatusCode.RequestEntityTooLarge, "body", "must be at most 1048576 bytes");
    }

    [Fact]
    public async Task A_body_that_is_not_JSON_by_content_type_is_a_415_problem()
    {
        using var text = await app.Admin.PostAsync("/api/sources", new StringContent("""{"name":"x"}""", Encoding.UTF8, "text/plain"), TestContext.Current.CancellationToken);
        var none = new ByteArrayContent(Encoding.UTF8.GetBytes("""{"name":"x"}"""));
        using var untyped = await app.Admin.PostAsync("/api/sources", none, TestContext.Current.CancellationToken);

        await text.ShouldBeProblemAsync(HttpStatusCode.UnsupportedMediaType, "Content-Type", "must be application/json");
        await untyped.ShouldBeProblemAsync(HttpStatusCode.UnsupportedMediaType, "Content-Type", "must be application/json");
    }

    [Fact]
    public async Task A_body_nested_deeper_than_the_limit_is_refused_naming_where()
    {
        var deep = new StringBuilder("""{"name": "deep", "rule": {"and": """);
        for (var i = 0; i < 100; i++) deep.Append("""{"or": [""");
        deep.Append('1');
        for (var i = 0; i < 100; i++) deep.Append("]}");
        deep.Append("}}");

        using var response = await app.Admin.PostRawAsync("/api/segments", deep.ToString());

        using var shallow = await app.Admin.PostRawAsync("/api/segments", """{"name": 5}""");
        var error = Assert.Single((await response.JsonAsync())["errors"]!.AsArray())!;
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("must be nested at most 64 levels deep", (string)error["rule"]!);
        Assert.StartsWith("rule.and.or.or", (string)error["field"]!, StringComparison.Ordinal);
        await shallow.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "name", "has the wrong JSON type"); // within the limit: the binder's own errors as before
    }

    [Fact]
    public async Task Every_admin_error_status_is_a_problem_document()
    {
        using var unknownRoute = await app.Admin.GetResponseAsync("/api/no-such-thing");
        using var wrongMethod = await app.Admin.DeleteAsync("/api/pipeline", TestContext.Current.CancellationToken);
        using var missing = await app.Admin.GetResponseAsync("/api/triggers/trg_missing");

        await unknownRoute.ShouldBeProblemAsync(HttpStatusCode.NotFound, "path", "must name an existing route");
        await wrongMethod.ShouldBeProblemAsync(HttpStatusCode.MethodNotAllowed, "method", "must be one the route accepts");
        await missing.ShouldBeProblemAsync(HttpStatusCode.NotFound, "path", "must name an existing route and resource");
    }

    [Fact]
    public async Task A_triggers_webhook_secret_is_shown_when_it_is_created_and_never_again()
    {
        using var created = await app.Admin.PostRawAsync("/api/triggers", """
            {"name": "NAME", "start": {"event": "Product Added"},
             "steps": [{"action": {"webhook": {"url": "https://hooks.example/x"}}}]}
            """.Replace("NAME", TailorAppFixture.NewId("secretive"), StringComparison.Ordinal));
        await created.ShouldBeAsync(HttpStatusCode.Created);
        var trigger = await created.JsonAsync();
        var secret = (string)trigger["secret"]!;
        Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);
        var id = (string)trigger["id"]!;

        var one = await app.Admin.GetObjectAsync($"/api/triggers/{id}");
        var all = await app.Admin.GetArrayAsync("/api/triggers");
        using var disabled = await app.Admin.PostObjectAsync($"/api/triggers/{id}/disable", new { });

        Assert.False(one.ContainsKey("secret"));
        Assert.All(all, t => Assert.False(t!.AsObject().ContainsKey("secret")));
        Assert.DoesNotContain(secret, await disabled.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        using var runs = await app.Admin.GetResponseAsync($"/api/triggers/{id}/runs");
        Assert.DoesNotContain(secret, await runs.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }
}
