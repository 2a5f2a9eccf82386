using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Tailor.Core.Sources;
using Tailor.Core.Tests.Sources;
using Tailor.Server.Tests.Hosting;

namespace Tailor.Server.Tests.Sources;

/// <summary>
/// Connector sources over real HTTP on loopback: signed Shopify webhooks in, events and a profile out; a bad signature
/// refused with nothing stored; a replayed webhook stored once; a generic webhook mapped, previewed, set aside when it
/// cannot be mapped and replayed after the mapping is fixed. Each test has its own source and its own customer ids.
/// </summary>
public sealed class SourcesEndToEndTests(TailorAppFixture app)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<(string Id, string Secret)> CreateAsync(object body)
    {
        using var created = await app.Admin.PostObjectAsync("/api/sources", body);
        await created.ShouldBeAsync(HttpStatusCode.Created);
        var source = await created.JsonAsync();
        return ((string)source["id"]!, (string)body.GetType().GetProperty("secret")?.GetValue(body)! ?? "");
    }

    private Task<(string Id, string Secret)> ShopifyAsync(int ratePerMinute = 600) =>
        CreateAsync(new { name = TailorAppFixture.NewId("shop"), kind = "shopify", secret = $"shpss_{Guid.NewGuid():N}", ratePerMinute });

    private async Task<HttpResponseMessage> PostShopifyAsync(string sourceId, string secret, string topic, string body, string webhookId, string? signature = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/sources/{sourceId}") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Shopify-Topic", topic);
        request.Headers.Add("X-Shopify-Webhook-Id", webhookId);
        request.Headers.Add("X-Shopify-Shop-Domain", "nordwolle.myshopify.com");
        request.Headers.Add("X-Shopify-Hmac-Sha256", signature ?? WebhookSignature.Sign(secret, Encoding.UTF8.GetBytes(body), "base64"));
        return await app.Anonymous.SendAsync(request, Ct);
    }

    /// <summary>A fixture with this test's own customer id, so tests sharing the app do not share a profile.</summary>
    private static string Fixture(string name, string customerId)
    {
        var json = JsonNode.Parse(ShopifyFixtures.Text(name))!;
        if (json["customer"] is JsonObject customer) customer["id"] = customerId;
        else if (name == "customers_update") json["id"] = customerId;
        return json.ToJsonString();
    }

    private Task<JsonObject> StatusAsync(string id) => app.Admin.GetObjectAsync($"/api/sources/{id}/status");

    [Fact]
    public async Task Signed_Shopify_webhooks_become_events_and_a_profile_with_orders_and_marketing_consent()
    {
        var (source, secret) = await ShopifyAsync();
        var customer = $"{Random.Shared.NextInt64(1_000_000_000, 9_999_999_999)}";

        using var order = await PostShopifyAsync(source, secret, "orders/create", Fixture("orders_create", customer), $"wh-{Guid.NewGuid():N}");
        using var update = await PostShopifyAsync(source, secret, "customers/update", Fixture("customers_update", customer), $"wh-{Guid.NewGuid():N}");
        await order.ShouldBeAsync(HttpStatusCode.OK);
        await update.ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal(2, (int)(await order.JsonAsync())["accepted"]!);
        await app.WaitForPipelineAsync();

        var profile = await app.Admin.LookupAsync("userId", customer);
        Assert.Equal("lena.vogel@example.com", (string)profile["traits"]!["email"]!);
        Assert.Equal("Vogel", (string)profile["traits"]!["lastName"]!);
        Assert.Equal(1, (int)profile["computed"]!["orderCount"]!);
        Assert.Equal(54.90m, profile["computed"]!["totalRevenue"]!.GetValue<decimal>());
        // Subscribed on the order (Nov 28), unsubscribed on the later customer update (Dec 1): the latest answer wins.
        Assert.False((bool)profile["consent"]!["email"]!["granted"]!);
        Assert.True((bool)profile["consent"]!["sms"]!["granted"]!);
        var events = await app.Admin.EventsAsync(profile.Id(), "name=Order%20Completed");
        Assert.Equal("BEANIE-MOSS", (string)Assert.Single(events)!["message"]!["properties"]!["products"]![0]!["sku"]!);
        Assert.Equal(3, (long)(await StatusAsync(source))["events"]!);
    }

    [Fact]
    public async Task A_bad_signature_is_refused_with_401_and_nothing_is_stored()
    {
        var (source, secret) = await ShopifyAsync();
        var body = Fixture("orders_create", "4242");

        using var forged = await PostShopifyAsync(source, secret, "orders/create", body, "wh-forged", WebhookSignature.Sign("not-the-secret-at-all", Encoding.UTF8.GetBytes(body), "base64"));
        using var tampered = await PostShopifyAsync(source, secret, "orders/create", body.Replace("64.90", "0.01", StringComparison.Ordinal), "wh-tampered",
            WebhookSignature.Sign(secret, Encoding.UTF8.GetBytes(body), "base64"));
        using var unsigned = await PostShopifyAsync(source, secret, "orders/create", body, "wh-unsigned", "");

        await forged.ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "X-Shopify-Hmac-Sha256", "must be the HMAC-SHA256 of the body");
        await tampered.ShouldBeAsync(HttpStatusCode.Unauthorized);
        await unsigned.ShouldBeAsync(HttpStatusCode.Unauthorized);
        var status = await StatusAsync(source);
        Assert.Equal((0L, 3L, 0L), ((long)status["events"]!, (long)status["rejected"]!, (long)status["deadLetters"]!));
    }

    [Fact]
    public async Task A_replayed_webhook_is_stored_once()
    {
        var (source, secret) = await ShopifyAsync();
        var body = Fixture("checkouts_update", $"{Random.Shared.NextInt64(1_000_000, 9_999_999)}");

        using var first = await PostShopifyAsync(source, secret, "checkouts/update", body, "wh-replayed");
        using var again = await PostShopifyAsync(source, secret, "checkouts/update", body, "wh-replayed");

        Assert.Equal((2, 0), ((int)(await first.JsonAsync())["accepted"]!, (int)(await first.JsonAsync())["duplicates"]!));
        var second = await again.JsonAsync();
        Assert.Equal((0, 2), ((int)second["accepted"]!, (int)second["duplicates"]!));
        Assert.Equal(2, (long)(await StatusAsync(source))["events"]!);
    }

    [Fact]
    public async Task Unknown_paused_and_too_busy_sources_are_refused_before_the_body_is_read()
    {
        var (source, secret) = await ShopifyAsync(ratePerMinute: 2);
        var body = Fixture("carts_update", "x");

        using var unknown = await PostShopifyAsync("src_nope", secret, "carts/update", body, "wh-u");
        using (var pause = await app.Admin.PostObjectAsync($"/api/sources/{source}/pause", new { })) await pause.ShouldBeAsync(HttpStatusCode.OK);
        using var paused = await PostShopifyAsync(source, secret, "carts/update", body, "wh-p");
        using (var resume = await app.Admin.PostObjectAsync($"/api/sources/{source}/resume", new { })) await resume.ShouldBeAsync(HttpStatusCode.OK);
        using var ok = await PostShopifyAsync(source, secret, "carts/update", body, "wh-1");
        using var second = await PostShopifyAsync(source, secret, "carts/update", body, "wh-2");
        using var third = await PostShopifyAsync(source, secret, "carts/update", body, "wh-3"); // 3 > 2 a minute (a paused source counts nothing)

        await unknown.ShouldBeAsync(HttpStatusCode.NotFound);
        await paused.ShouldBeAsync(HttpStatusCode.ServiceUnavailable);
        await ok.ShouldBeAsync(HttpStatusCode.OK);
        await second.ShouldBeAsync(HttpStatusCode.OK);
        await third.ShouldBeProblemAsync(HttpStatusCode.TooManyRequests, "source", "must send at most 2 requests a minute");
        Assert.NotNull(third.Headers.RetryAfter);
    }

    private static readonly object Mapping = new
    {
        messages = new object[]
        {
            new { type = "identify", userId = "$.ticket.requester.id", traits = new { email = "$.ticket.requester.email" } },
            new
            {
                @event = "Ticket Created", userId = "$.ticket.requester.id", messageId = "$.ticket.id",
                properties = new { ticket_id = "$.ticket.id", subject = "$.ticket.subject", minutes = new { liquid = "{{ payload.ticket.minutes }}", @as = "number" } },
            },
        },
    };

    private Task<(string Id, string Secret)> WebhookAsync(object? mapping = null) =>
        CreateAsync(new { name = TailorAppFixture.NewId("desk"), kind = "webhook", secret = $"desk-{Guid.NewGuid():N}", signatureHeader = "X-Desk-Signature", signaturePrefix = "sha256=", mapping = mapping ?? Mapping });

    private async Task<HttpResponseMessage> PostSignedAsync(string source, string secret, string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/sources/{source}") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Desk-Signature", WebhookSignature.Sign(secret, Encoding.UTF8.GetBytes(body), "hex", "sha256="));
        return await app.Anonymous.SendAsync(request, Ct);
    }

    private static string Ticket(string requester, object minutes) =>
        new JsonObject { ["ticket"] = new JsonObject { ["id"] = $"t-{Guid.NewGuid():N}", ["subject"] = "Parcel late", ["minutes"] = JsonValue.Create(minutes), ["requester"] = new JsonObject { ["id"] = requester, ["email"] = $"{requester}@example.com" } } }.ToJsonString();

    [Fact]
    public async Task A_generic_webhook_is_mapped_to_events_and_a_profile()
    {
        var (source, secret) = await WebhookAsync();
        var requester = TailorAppFixture.NewId("req");

        using var response = await PostSignedAsync(source, secret, Ticket(requester, 42));

        await response.ShouldBeAsync(HttpStatusCode.OK);
        await app.WaitForPipelineAsync();
        var profile = await app.Admin.LookupAsync("userId", requester);
        Assert.Equal($"{requester}@example.com", (string)profile["traits"]!["email"]!);
        var ticket = Assert.Single(await app.Admin.EventsAsync(profile.Id(), "name=Ticket%20Created"))!;
        Assert.Equal(42, (int)ticket["message"]!["properties"]!["minutes"]!);
    }

    [Fact]
    public async Task A_test_with_a_sample_returns_the_messages_and_stores_nothing()
    {
        var (source, _) = await WebhookAsync();

        using var response = await app.Admin.PostObjectAsync($"/api/sources/{source}/test", new { sample = JsonNode.Parse(Ticket("preview-user", 5)) });
        await response.ShouldBeAsync(HttpStatusCode.OK);
        var preview = await response.JsonAsync();

        var messages = preview["messages"]!.AsArray();
        Assert.Equal(["identify", "track"], messages.Select(m => (string)m!["type"]!));
        Assert.Equal(5, (int)messages[1]!["properties"]!["minutes"]!);
        Assert.Equal(0, (long)(await StatusAsync(source))["events"]!);
    }

    [Fact]
    public async Task A_payload_that_cannot_be_mapped_is_set_aside_and_replayed_once_the_mapping_is_fixed()
    {
        var (source, secret) = await WebhookAsync();
        var requester = TailorAppFixture.NewId("late");

        using var response = await PostSignedAsync(source, secret, Ticket(requester, "about an hour")); // "minutes" must be a number

        await response.ShouldBeAsync(HttpStatusCode.Accepted);
        var receipt = await response.JsonAsync();
        var deadLetter = (long)receipt["deadLetterId"]!;
        Assert.Contains("messages[1].properties.minutes", (string)receipt["reason"]!);
        using (var stillBroken = await app.Admin.PostObjectAsync($"/api/dead-letters/{deadLetter}/replay", new { }))
            Assert.NotEqual(HttpStatusCode.OK, stillBroken.StatusCode);

        var fixedMapping = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(Mapping))!;
        fixedMapping["messages"]![1]!["properties"]!["minutes"] = "$.ticket.minutes";
        using (var update = await app.Admin.PutObjectAsync($"/api/sources/{source}",
            new { name = (string)(await app.Admin.GetObjectAsync($"/api/sources/{source}"))["name"]!, signatureHeader = "X-Desk-Signature", signaturePrefix = "sha256=", mapping = fixedMapping }))
            await update.ShouldBeAsync(HttpStatusCode.OK);
        using (var replay = await app.Admin.PostObjectAsync($"/api/dead-letters/{deadLetter}/replay", new { })) await replay.ShouldBeAsync(HttpStatusCode.OK);
        using (var again = await app.Admin.PostObjectAsync($"/api/dead-letters/{deadLetter}/replay", new { })) Assert.Equal(HttpStatusCode.OK, again.StatusCode);

        await app.WaitForPipelineAsync();
        var profile = await app.Admin.LookupAsync("userId", requester);
        var ticket = Assert.Single(await app.Admin.EventsAsync(profile.Id(), "name=Ticket%20Created"))!;
        Assert.Equal("about an hour", (string)ticket["message"]!["properties"]!["minutes"]!);
        Assert.Equal((2L, 0L), ((long)(await StatusAsync(source))["events"]!, (long)(await StatusAsync(source))["deadLetters"]!));
    }

    [Theory]
    [InlineData("""{"kind": "webhook", "secret": "0123456789abcdef0123", "mapping": {"messages": [{"event": "E"}]}}""", "mapping.messages[0].userId", "is required (or anonymousId)")]
    [InlineData("""{"kind": "webhook", "secret": "short", "mapping": {"messages": [{"event": "E", "userId": "$.u"}]}}""", "secret", "must be 16 to")]
    [InlineData("""{"kind": "webhook", "secret": "0123456789abcdef0123"}""", "mapping", "is required")]
    [InlineData("""{"kind": "ftp"}""", "kind", "must be one of tracking, shopify, webhook, postgres")]
    [InlineData("""{"kind": "shopify", "secret": "0123456789abcdef0123", "ratePerMinute": 0}""", "ratePerMinute", "must be between 1 and 100000")]
    [InlineData("""{"kind": "postgres", "connectionString": "Host=db;Username=r", "query": "DELETE FROM orders", "cursorColumn": "updated_at", "keyColumn": "id", "mapping": {"messages": [{"event": "E", "userId": "$.u"}]}}""", "query", "must be one SELECT")]
    [InlineData("""{"kind": "postgres", "connectionString": "Host=db;Username=r", "query": "SELECT * FROM orders", "cursorColumn": "updated at", "keyColumn": "id", "mapping": {"messages": [{"event": "E", "userId": "$.u"}]}}""", "cursorColumn", "is required: a column")]
    public async Task A_source_that_breaks_a_rule_is_refused_at_save_naming_the_field(string body, string field, string rule)
    {
        var json = JsonNode.Parse(body)!;
        json["name"] = TailorAppFixture.NewId("bad");

        using var response = await app.Admin.PostRawAsync("/api/sources", json.ToJsonString());

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, field, rule);
    }

    [Fact]
    public async Task Secrets_and_passwords_are_never_returned()
    {
        var (shop, secret) = await ShopifyAsync();
        const string Password = "s3cr3t-pa55w0rd";
        var (pull, _) = await CreateAsync(new
        {
            name = TailorAppFixture.NewId("dwh"), kind = "postgres", connectionString = $"Host=127.0.0.1;Port=1;Database=shop;Username=reader;Password={Password}",
            query = "SELECT id, email, updated_at FROM customers", cursorColumn = "updated_at", keyColumn = "id", everySeconds = 3600,
            mapping = new { messages = new[] { new { type = "identify", userId = "$.id", traits = new { email = "$.email" } } } },
        });

        var texts = new List<string>();
        foreach (var path in new[] { "/api/sources", $"/api/sources/{shop}", $"/api/sources/{pull}", $"/api/sources/{shop}/status", $"/api/sources/{pull}/status" })
        {
            using var response = await app.Admin.GetResponseAsync(path);
            texts.Add(await response.Content.ReadAsStringAsync(Ct));
        }

        Assert.All(texts, text => Assert.DoesNotContain(secret, text, StringComparison.Ordinal));
        Assert.All(texts, text => Assert.DoesNotContain(Password, text, StringComparison.Ordinal));
        var view = await app.Admin.GetObjectAsync($"/api/sources/{pull}");
        Assert.Equal("Host=127.0.0.1;Port=1;Database=shop;Username=reader", (string)view["secret"]!);
        Assert.Equal($"••••{secret[^4..]}", (string)(await app.Admin.GetObjectAsync($"/api/sources/{shop}"))["secret"]!);
    }
}
