using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Tailor.Server.Tests.Hosting;

namespace Tailor.Server.Tests.Content;

/// <summary>
/// <c>/v1/personalize</c> on the shared app: variants by rule, consent, graceful defaults, cache freshness. A userId
/// counts only with its identity verification hash (<see cref="Verified"/>), computed here as a shop's server would.
/// </summary>
public sealed class PersonalizeApiTests(TailorAppFixture app)
{
    /// <summary>The shop's side: <c>userId=U&amp;userHash=hex(HMAC-SHA256(secret, U))</c> with the secret the operator reads from the admin API.</summary>
    private async Task<string> Verified(string userId)
    {
        var secret = (string)(await app.Admin.GetObjectAsync("/api/identity-secret"))["secret"]!;
        return $"userId={Uri.EscapeDataString(userId)}&userHash={UserHash(secret, userId)}";
    }

    internal static string UserHash(string secret, string userId) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(userId)));

    private async Task<string> PlacementAsync()
    {
        var block = TailorAppFixture.NewId("banner");
        using (var b = await app.Admin.PostObjectAsync("/api/blocks", new
        {
            name = block,
            variants = new object[]
            {
                new { name = "pro", condition = "trait plan = \"pro\"", body = "Pro tips for {{ profile.first_name }}", localized = new Dictionary<string, string> { ["de"] = "Profi-Tipps für {{ profile.first_name }}" } },
                new { name = "buyer", condition = "performed \"Order Completed\"", body = "Thanks for your order" },
            },
            @default = new { body = "Spring sale{% for p in recommendations limit: 1 %}: {{ p.name }}{% endfor %}" },
        })) await b.ShouldBeAsync(HttpStatusCode.Created);
        var placement = TailorAppFixture.NewId("home_banner");
        using (var p = await app.Admin.PostObjectAsync("/api/placements", new { name = placement, block })) await p.ShouldBeAsync(HttpStatusCode.Created);
        return placement;
    }

    private async Task<JsonObject> PersonalizeAsync(string placement, string query, string? language = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/personalize?placement={Uri.EscapeDataString(placement)}&{query}");
        if (language is not null) request.Headers.AcceptLanguage.ParseAdd(language);
        using var response = await app.Ingest.SendAsync(request, TestContext.Current.CancellationToken);
        await response.ShouldBeAsync(HttpStatusCode.OK);
        return await response.JsonAsync();
    }

    [Fact]
    public async Task The_variant_matching_a_verified_profile_renders_without_saying_why()
    {
        var placement = await PlacementAsync();
        var userId = TailorAppFixture.NewId("pro");
        await app.Ingest.SendAsync("/v1/identify", new { userId, traits = new { first_name = "Ann", plan = "pro", consent = new { personalization = true } } });
        await app.WaitForPipelineAsync();

        var result = await PersonalizeAsync(placement, await Verified(userId));
        Assert.Equal(("pro", "Pro tips for Ann", true), ((string)result["variant"]!, (string)result["content"]!, (bool)result["personalized"]!));
        Assert.False(result.ContainsKey("reason"), "the public answer does not say which rule matched: " + result.ToJsonString());

        var german = await PersonalizeAsync(placement, await Verified(userId), "de-DE,de;q=0.9");
        Assert.Equal(("Profi-Tipps für Ann", "de"), ((string)german["content"]!, (string)german["language"]!));
    }

    [Fact]
    public async Task Unknown_unconsented_and_unverified_visitors_get_the_same_answer()
    {
        // A block whose default does not depend on the (moving) popular items, so the answers can be compared whole.
        var block = TailorAppFixture.NewId("same");
        using (var b = await app.Admin.PostObjectAsync("/api/blocks", new
        {
            name = block, variants = new[] { new { name = "pro", condition = "trait plan = \"pro\"", body = "Pro tips for {{ profile.first_name }}" } },
            @default = new { body = "Spring sale" },
        })) await b.ShouldBeAsync(HttpStatusCode.Created);
        var placement = TailorAppFixture.NewId("same_banner");
        using (var p = await app.Admin.PostObjectAsync("/api/placements", new { name = placement, block })) await p.ShouldBeAsync(HttpStatusCode.Created);
        var refuser = TailorAppFixture.NewId("noconsent");
        var consenter = TailorAppFixture.NewId("consent");
        await app.Ingest.SendAsync("/v1/identify", new { userId = refuser, traits = new { first_name = "Bo", plan = "pro", consent = new { personalization = false } } });
        await app.Ingest.SendAsync("/v1/identify", new { userId = consenter, traits = new { first_name = "Al", plan = "pro", consent = new { personalization = true } } });
        await app.WaitForPipelineAsync();
        var secret = (string)(await app.Admin.GetObjectAsync("/api/identity-secret"))["secret"]!;

        var unknown = await PersonalizeAsync(placement, await Verified(TailorAppFixture.NewId("nobody")));
        var answers = new Dictionary<string, JsonObject>
        {
            ["known, no consent"] = await PersonalizeAsync(placement, await Verified(refuser)),
            ["anonymous stranger"] = await PersonalizeAsync(placement, $"anonymousId={TailorAppFixture.NewId("anon")}"),
            ["consented, no userHash"] = await PersonalizeAsync(placement, $"userId={consenter}"),
            ["consented, wrong userHash"] = await PersonalizeAsync(placement, $"userId={consenter}&userHash={new string('0', 64)}"),
            ["consented, another user's hash"] = await PersonalizeAsync(placement, $"userId={consenter}&userHash={UserHash(secret, refuser)}"),
            ["consented, hash not hex"] = await PersonalizeAsync(placement, $"userId={consenter}&userHash=nothex"),
        };

        Assert.Equal(("default", false, "Spring sale"), ((string)unknown["variant"]!, (bool)unknown["personalized"]!, (string)unknown["content"]!));
        Assert.False(unknown.ContainsKey("reason"));
        foreach (var (who, answer) in answers) Assert.True(JsonNode.DeepEquals(unknown, answer), $"{who}: {answer.ToJsonString()} differs from {unknown.ToJsonString()}");
        // The same person with the right hash is personalised: the refusals above were about verification, not the profile.
        Assert.Equal("Pro tips for Al", (string)(await PersonalizeAsync(placement, await Verified(consenter)))["content"]!);
    }

    [Fact]
    public async Task An_unverified_userId_falls_back_to_the_visitors_anonymousId()
    {
        var placement = await PlacementAsync();
        var anonymousId = TailorAppFixture.NewId("anon");
        await app.Ingest.SendAsync("/v1/identify", new { anonymousId, traits = new { first_name = "Di", plan = "pro", consent = new { personalization = true } } });
        await app.WaitForPipelineAsync();

        var result = await PersonalizeAsync(placement, $"userId={TailorAppFixture.NewId("someone")}&anonymousId={anonymousId}");

        Assert.Equal(("pro", "Pro tips for Di"), ((string)result["variant"]!, (string)result["content"]!));
    }

    [Fact]
    public async Task The_default_shows_the_popular_items()
    {
        // What is popular depends on the other tests' events and on when the list was last counted (once a minute;
        // PopularItemsSourceTests covers the counting): the default must show whatever the list is now.
        var placement = await PlacementAsync();
        var popular = await app.Admin.GetArrayAsync("/api/recommendations/popular");
        var result = await PersonalizeAsync(placement, $"anonymousId={TailorAppFixture.NewId("anon")}");
        Assert.Equal(popular.Count == 0 ? "Spring sale" : $"Spring sale: {(string)popular[0]!["name"]!}", (string)result["content"]!);
    }

    [Fact]
    public async Task A_profile_change_is_seen_by_the_next_request()
    {
        var placement = await PlacementAsync();
        var userId = TailorAppFixture.NewId("changer");
        await app.Ingest.SendAsync("/v1/identify", new { userId, traits = new { first_name = "Cy", plan = "free", consent = new { personalization = true } } });
        await app.WaitForPipelineAsync();
        Assert.Equal("default", (string)(await PersonalizeAsync(placement, await Verified(userId)))["variant"]!); // now cached warm

        await app.Ingest.SendAsync("/v1/track", new { userId, @event = "Order Completed", properties = new { revenue = 10 } });
        await app.WaitForPipelineAsync();
        Assert.Equal("buyer", (string)(await PersonalizeAsync(placement, await Verified(userId)))["variant"]!);

        await app.Ingest.SendAsync("/v1/identify", new { userId, traits = new { plan = "pro" } });
        await app.WaitForPipelineAsync();
        Assert.Equal("pro", (string)(await PersonalizeAsync(placement, await Verified(userId)))["variant"]!);
    }

    [Fact]
    public async Task A_placement_can_show_a_template()
    {
        var template = TailorAppFixture.NewId("tpl");
        using (var t = await app.Admin.PostObjectAsync("/api/templates", new { name = template, body = "<p>{{ profile.first_name | default: 'Welcome' }} ({{ context.device }})</p>" }))
            await t.ShouldBeAsync(HttpStatusCode.Created);
        var placement = TailorAppFixture.NewId("sidebar");
        using (var p = await app.Admin.PostObjectAsync("/api/placements", new { name = placement, template })) await p.ShouldBeAsync(HttpStatusCode.Created);
        var userId = TailorAppFixture.NewId("tpl-user");
        await app.Ingest.SendAsync("/v1/identify", new { userId, traits = new { first_name = "Jo", consent = new { personalization = true } } });
        await app.WaitForPipelineAsync();

        var known = await PersonalizeAsync(placement, $"{await Verified(userId)}&device=mobile");
        Assert.Equal(("<p>Jo (mobile)</p>", true), ((string)known["content"]!, (bool)known["personalized"]!));
        var stranger = await PersonalizeAsync(placement, $"anonymousId={TailorAppFixture.NewId("anon")}&device=desktop");
        Assert.Equal(("<p>Welcome (desktop)</p>", false), ((string)stranger["content"]!, (bool)stranger["personalized"]!));
    }

    [Fact]
    public async Task The_write_key_is_required_and_bad_queries_name_the_field()
    {
        var placement = await PlacementAsync();
        using (var anonymous = await app.Anonymous.GetResponseAsync($"/v1/personalize?placement={placement}&userId=x"))
            await anonymous.ShouldBeAsync(HttpStatusCode.Unauthorized);
        using (var admin = await app.Admin.GetResponseAsync($"/v1/personalize?placement={placement}&userId=x"))
            await admin.ShouldBeAsync(HttpStatusCode.Unauthorized);
        using (var noUser = await app.Ingest.GetResponseAsync($"/v1/personalize?placement={placement}"))
            await noUser.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "userId", "userId or anonymousId is required");
        using var unknown = await app.Ingest.GetResponseAsync("/v1/personalize?placement=nope&userId=x");
        await unknown.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "placement", "must name an existing placement");
    }
}
