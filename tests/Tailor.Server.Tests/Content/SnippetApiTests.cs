using System.Net;
using Tailor.Server.Tests.Hosting;

namespace Tailor.Server.Tests.Content;

/// <summary>Stored templates are the snippets <c>{% render %}</c> and <c>{% include %}</c> read by name, through the admin API.</summary>
public sealed class SnippetApiTests(TailorAppFixture app)
{
    [Fact]
    public async Task A_template_renders_a_stored_template_by_name_and_a_missing_one_is_named()
    {
        var footer = TailorAppFixture.NewId("footer");
        using (var created = await app.Admin.PostObjectAsync("/api/templates", new { name = footer, body = "<p>{{ note }} · {{ profile.first_name | default: 'friend' }}</p>" }))
            await created.ShouldBeAsync(HttpStatusCode.Created);
        var page = TailorAppFixture.NewId("page");
        using (var created = await app.Admin.PostObjectAsync("/api/templates", new { name = page, body = $"Hi{{% render '{footer}', note: '<b>sale</b>' %}}" }))
            await created.ShouldBeAsync(HttpStatusCode.Created);

        using var preview = await app.Admin.PostObjectAsync($"/api/templates/{page}/preview", new { });
        await preview.ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal("Hi<p>&lt;b&gt;sale&lt;/b&gt; · friend</p>", (string)(await preview.JsonAsync())["output"]!);

        var broken = TailorAppFixture.NewId("broken");
        using (var created = await app.Admin.PostObjectAsync("/api/templates", new { name = broken, body = "{% render 'no-such-snippet' %}" }))
            await created.ShouldBeAsync(HttpStatusCode.Created);
        using var failed = await app.Admin.PostObjectAsync($"/api/templates/{broken}/preview", new { });
        Assert.Equal(HttpStatusCode.BadRequest, failed.StatusCode);
        Assert.Contains("no template named 'no-such-snippet'", await failed.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }
}
