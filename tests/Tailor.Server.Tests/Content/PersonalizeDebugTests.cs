using System.Net;
using Microsoft.Extensions.Time.Testing;
using Tailor.Server.Hosting;
using Tailor.Server.Tests.Hosting;

namespace Tailor.Server.Tests.Content;

/// <summary>The operator's debug mode for <c>/v1/personalize</c>: the answer says why (off by default, see PersonalizeApiTests).</summary>
public sealed class PersonalizeDebugTests
{
    [Fact]
    public async Task In_debug_mode_the_answer_says_which_rule_matched_and_why_a_visitor_got_the_default()
    {
        var options = new TailorServerOptions { DataDirectory = TempDirectory.Create("debug"), WriteKey = "wk_debug_mode", AdminKey = "tk_admin_debug_mode" };
        options.Security.PersonalizeDebug = true;
        options.Security.IdentitySecret = "a-configured-secret";
        await using var app = await FakeClockApp.StartAsync(options, new FakeTimeProvider(DateTimeOffset.UtcNow));
        using (var b = await app.Admin.PostObjectAsync("/api/blocks", new
        {
            name = "hero", variants = new[] { new { name = "pro", condition = "trait plan = \"pro\"", body = "Pro" } }, @default = new { body = "Sale" },
        })) await b.ShouldBeAsync(HttpStatusCode.Created);
        using (var p = await app.Admin.PostObjectAsync("/api/placements", new { name = "home", block = "hero" })) await p.ShouldBeAsync(HttpStatusCode.Created);
        await app.Ingest.SendAsync("/v1/identify", new { userId = "ann", traits = new { plan = "pro", consent = new { personalization = true } } });
        await PipelineProgress.WaitUntilCaughtUpAsync(app.Admin);

        var secret = await app.Admin.GetObjectAsync("/api/identity-secret");
        Assert.Equal("a-configured-secret", (string)secret["secret"]!); // the configured secret, not a generated one
        var matched = await app.Ingest.GetObjectAsync($"/v1/personalize?placement=home&userId=ann&userHash={PersonalizeApiTests.UserHash("a-configured-secret", "ann")}");
        var unverified = await app.Ingest.GetObjectAsync("/v1/personalize?placement=home&userId=ann");

        Assert.Equal(("pro", "matched trait plan = \"pro\""), ((string)matched["variant"]!, (string)matched["reason"]!));
        Assert.Equal("default", (string)unverified["variant"]!);
        Assert.StartsWith("the userId is not verified", (string)unverified["reason"]!, StringComparison.Ordinal);
    }
}
