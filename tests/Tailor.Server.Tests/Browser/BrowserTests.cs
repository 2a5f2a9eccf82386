using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Tailor.Server.Tests.Hosting;

namespace Tailor.Server.Tests.Browser;

/// <summary>
/// The browser, end to end: Segment's own browser library (<c>@segment/analytics-next</c> from npm, bundled locally)
/// on a shop page served from one origin sends page, identify and track to Tailor on another origin, in Debian's
/// headless Chromium driven by Playwright (tests/browser/run.mjs); the page then asks <c>/v1/personalize</c> and shows
/// the offer. Every send carries a header of the shop's own, so each is a real CORS preflight; the personalize call
/// carries the write key (Authorization), a preflight too. Screenshots are kept (<see cref="BrowserTools.Artifacts"/>).
/// </summary>
public sealed class BrowserTests(TailorAppFixture app)
{
    [Fact]
    public async Task Analytics_next_in_Chromium_sends_page_identify_and_track_across_origins_and_the_page_shows_the_personalised_offer()
    {
        var chromium = BrowserTools.Chromium();
        await BrowserTools.EnsurePackagesAsync();
        var run = Guid.NewGuid().ToString("N")[..12];
        var block = $"browser-offer-{run}";
        var placement = $"browser-banner-{run}";
        using (var created = await app.Admin.PostObjectAsync("/api/blocks", new
        {
            name = block,
            variants = new[] { new { name = "cart", condition = "performed \"Product Added\" in last 1 day", body = "Your cart is waiting, {{ profile.traits.name }}" } },
            @default = new { body = "Spring sale" },
        })) await created.ShouldBeAsync(HttpStatusCode.Created);
        using (var created = await app.Admin.PostObjectAsync("/api/placements", new { name = placement, block }))
            await created.ShouldBeAsync(HttpStatusCode.Created);
        var tailor = app.BaseAddress.GetLeftPart(UriPartial.Authority);
        var artifacts = BrowserTools.Artifacts("analytics-next");

        var clock = Stopwatch.StartNew();
        var output = await BrowserTools.RunAsync("node", ["run.mjs", tailor, app.WriteKey, placement, run, artifacts, chromium], TimeSpan.FromSeconds(120));
        TestContext.Current.SendDiagnosticMessage($"browser run took {clock.Elapsed.TotalSeconds:F1} s");

        var result = JsonNode.Parse(output.Trim().Split('\n')[^1])!.AsObject();
        Assert.True(result["consoleErrors"]!.AsArray().Count == 0, $"The page logged errors: {result["consoleErrors"]!.ToJsonString()}");
        // What the page shows: Tailor's personalised offer for this visitor.
        Assert.Equal("personalized", (string)result["state"]!);
        Assert.Equal("Your cart is waiting, Bea", (string)result["offer"]!);
        Assert.Equal("cart", (string)result["answer"]!["variant"]!);
        // No request left the machine (no Segment CDN, no metrics): the page's own origin and Tailor's only.
        var shop = (string)result["shop"]!;
        Assert.NotEqual(new Uri(shop).Port, app.BaseAddress.Port);
        Assert.All(result["requests"]!.AsArray(), r =>
            Assert.True(((string)r!["url"]!).StartsWith(shop + "/", StringComparison.Ordinal) || ((string)r["url"]!).StartsWith(tailor + "/", StringComparison.Ordinal),
                $"unexpected request {r.ToJsonString()}"));
        var sends = result["tracking"]!.AsArray().Select(t => ((string)t!["url"]!)[tailor.Length..] + " " + (int)t["status"]!).Order().ToList();
        Assert.Equal(["/v1/i 200", "/v1/p 200", "/v1/t 200"], sends);
        Assert.All(new[] { "sent.png", "offer.png" }, png => Assert.True(new FileInfo(Path.Combine(artifacts, png)).Length > 1000, $"screenshot {png} missing"));

        // What Tailor holds: one profile with both ids and the traits, and the three events with the library's fields.
        await app.WaitForPipelineAsync();
        var anonymousId = (string)result["anonymousId"]!;
        var profile = await app.Admin.LookupAsync("userId", $"browser-user-{run}");
        Assert.Contains(("anonymousId", anonymousId), profile.Identities());
        Assert.Equal("Bea", (string)profile["traits"]!["name"]!);
        Assert.Equal("gold", (string)profile["traits"]!["plan"]!);
        var events = await app.Admin.EventsAsync(profile.Id());
        Assert.Equal(["identify", "page", "track"], events.Select(e => (string)e!["type"]!).Order());
        Assert.All(events, e =>
        {
            var message = e!["message"]!;
            Assert.StartsWith("ajs-", (string)e["messageId"]!, StringComparison.Ordinal); // the library's own ids, so its retries dedupe
            Assert.Equal(anonymousId, (string)message["anonymousId"]!);
            Assert.Equal("analytics.js", (string)message["context"]!["library"]!["name"]!);
            Assert.StartsWith($"{shop}/shop.html", (string)message["context"]!["page"]!["url"]!, StringComparison.Ordinal);
            Assert.Contains("HeadlessChrome", (string)message["context"]!["userAgent"]!, StringComparison.Ordinal);
        });
        var track = events.Single(e => (string)e!["type"]! == "track")!;
        Assert.Equal("Product Added", (string)track["name"]!);
        Assert.Equal($"SKU-{run}", (string)track["message"]!["properties"]!["sku"]!);
        Assert.Equal(12.5m, (decimal)track["message"]!["properties"]!["price"]!);
        var page = events.Single(e => (string)e!["type"]! == "page")!;
        Assert.Equal("Home", (string)page["message"]!["name"]!);
        Assert.Equal("Shop", (string)page["message"]!["category"]!);
    }
}
