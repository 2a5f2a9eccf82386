using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Tailor.Server.Tests.Hosting;
using Tailor.Server.Triggers;

namespace Tailor.Server.Tests.Triggers;

/// <summary>
/// The SSRF guard: webhooks reach public addresses only, checked at connect time on the address connected to — every
/// spelling of loopback and the other special ranges is refused before a connection is made, redirects are not
/// followed, and the operator's allow-list opens chosen ranges. Refusals are in the run log.
/// </summary>
public sealed class WebhookGuardTests
{
    public static TheoryData<string> ForbiddenUrls =>
    [
        "http://127.0.0.1/", "http://2130706433/", "http://0x7f.1/", "http://0x7f000001/", "http://0177.0.0.1/", "http://127.1/",
        "http://017700000001/", "http://localhost/", "http://[::1]/", "http://[::]/", "http://0.0.0.0/", "http://0/",
        "http://[::ffff:127.0.0.1]/", "http://[::ffff:7f00:1]/", "http://[::127.0.0.1]/", "http://[64:ff9b::7f00:1]/",
        "http://10.0.0.1/", "http://172.16.5.4/", "http://192.168.1.1/", "http://169.254.169.254/latest/meta-data/", "http://100.64.0.1/",
        "http://224.0.0.1/", "http://255.255.255.255/", "http://240.0.0.1/", "http://198.18.0.1/",
        "http://[fd00::1]/", "http://[fc00::1]/", "http://[fe80::1]/", "http://[ff02::1]/", "http://[::ffff:10.0.0.1]/", "http://[::ffff:169.254.169.254]/",
        "http://[2001:db8::1]/", "http://[2002:7f00:1::]/",
    ];

    [Theory]
    [MemberData(nameof(ForbiddenUrls))]
    public async Task Every_spelling_of_a_special_address_is_refused_before_connecting(string url)
    {
        await using var services = new ServiceCollection().AddSingleton(WebhookAddressPolicy.Parse([])).AddWebhookHttp().BuildServiceProvider();
        var http = services.GetRequiredService<IHttpClientFactory>().CreateClient(WebhookHttp.ClientName);

        var failure = await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync(url, TestContext.Current.CancellationToken));

        var refused = Assert.IsType<WebhookRefusedException>(failure.InnerException);
        Assert.Contains("webhooks may only reach public addresses", refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("93.184.215.14")]
    [InlineData("8.8.8.8")]
    [InlineData("2606:4700:4700::1111")]
    [InlineData("::ffff:8.8.8.8")]
    [InlineData("64:ff9b::808:808")]
    public void Public_addresses_are_allowed(string address) => Assert.Null(WebhookAddressPolicy.Parse([]).Refusal(IPAddress.Parse(address)));

    [Fact]
    public void The_allow_list_opens_only_its_ranges_and_rejects_what_does_not_parse()
    {
        var policy = WebhookAddressPolicy.Parse(["10.1.0.0/16", "127.0.0.1", "fd00::/8"]);

        Assert.Null(policy.Refusal(IPAddress.Parse("10.1.2.3")));
        Assert.Null(policy.Refusal(IPAddress.Parse("::ffff:10.1.2.3")));
        Assert.Null(policy.Refusal(IPAddress.Parse("127.0.0.1")));
        Assert.Null(policy.Refusal(IPAddress.Parse("fd12::1")));
        Assert.NotNull(policy.Refusal(IPAddress.Parse("10.2.0.1")));
        Assert.NotNull(policy.Refusal(IPAddress.Parse("127.0.0.2")));
        var bad = Assert.Throws<ArgumentException>(() => WebhookAddressPolicy.Parse(["10.0.0.0/33"]));
        Assert.Contains("10.0.0.0/33", bad.Message, StringComparison.Ordinal);
    }

    private static string Hook(WebhookReceiver receiver, string name) => """
        {"name": "NAME", "start": {"event": "Product Added"},
         "steps": [{"action": {"webhook": {"url": "RECEIVER/hook", "maxAttempts": 5}}}]}
        """.Replace("NAME", name, StringComparison.Ordinal).Replace("RECEIVER/", receiver.Url.ToString(), StringComparison.Ordinal);

    [Fact]
    public async Task Without_the_allow_list_a_webhook_to_loopback_is_refused_at_once_and_the_run_log_says_why()
    {
        await using var app = await TriggerApp.StartAsync(loopbackAllowed: false);
        await using var receiver = await WebhookReceiver.StartAsync();
        var trigger = await app.CreateTriggerAsync(Hook(receiver, "Internal"));
        await app.IdentifyAsync("ssrf", null, "personalization");
        await app.TrackAsync("ssrf", "Product Added", app.Now);

        var runs = await app.WaitForRunsAsync(trigger, r => r.Count == 1 && r[0].Kinds().Contains("dead"));

        var detail = (string)runs[0].LogOf("dead")!["detail"]!;
        Assert.Contains("webhook refused: 127.0.0.1 is loopback (127.0.0.0/8)", detail, StringComparison.Ordinal);
        Assert.DoesNotContain("retry", runs[0].Kinds()); // an address does not become public on a retry
        Assert.Empty(receiver.Requests);
    }

    [Fact]
    public async Task With_loopback_on_the_allow_list_the_same_webhook_is_delivered()
    {
        await using var app = await TriggerApp.StartAsync(webhookAllow: ["127.0.0.1/32"]);
        await using var receiver = await WebhookReceiver.StartAsync();
        var trigger = await app.CreateTriggerAsync(Hook(receiver, "Allowed"));
        await app.IdentifyAsync("allowed", null, "personalization");
        await app.TrackAsync("allowed", "Product Added", app.Now);

        await app.WaitForRunsAsync(trigger, r => r.Count == 1 && r[0].Kinds().Contains("sent"));
        Assert.Single(await receiver.WaitForAsync(1));
    }

    [Fact]
    public async Task A_redirect_is_a_failure_and_is_not_followed()
    {
        await using var app = await TriggerApp.StartAsync();
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Answer = _ => 302;
        receiver.RedirectTo = new Uri(receiver.Url, "followed").ToString();
        var trigger = await app.CreateTriggerAsync(Hook(receiver, "Redirected"));
        await app.IdentifyAsync("redirected", null, "personalization");
        await app.TrackAsync("redirected", "Product Added", app.Now);

        var runs = await app.WaitForRunsAsync(trigger, r => r.Count == 1 && r[0].Kinds().Contains("dead"));

        Assert.Contains("webhook answered 302 (a redirect; redirects are not followed)", (string)runs[0].LogOf("dead")!["detail"]!, StringComparison.Ordinal);
        var only = Assert.Single(receiver.Requests);
        Assert.Equal("/hook", only.Path);
    }

    [Theory]
    [InlineData("ftp://example.com/hook", "must be an absolute http or https URL")]
    [InlineData("file:///etc/passwd", "must be an absolute http or https URL")]
    [InlineData("https://user:pass@example.com/hook", "must not contain credentials")]
    [InlineData("https://token@example.com/hook", "must not contain credentials")]
    public async Task A_webhook_url_is_checked_when_the_trigger_is_saved(string url, string rule)
    {
        await using var app = await TriggerApp.StartAsync();

        using var response = await app.Admin.PostRawAsync("/api/triggers", """
            {"name": "Bad url", "start": {"event": "Product Added"}, "steps": [{"action": {"webhook": {"url": "URL"}}}]}
            """.Replace("URL", url, StringComparison.Ordinal));

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "$.steps[0].action.webhook.url", rule);
    }
}
