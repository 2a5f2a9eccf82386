using System.Net;
using Microsoft.Extensions.Time.Testing;
using Tailor.Server.Hosting;
using Tailor.Server.Tests.Hosting;
using Tailor.Server.Tests.Segments;

namespace Tailor.Server.Tests.Campaigns;

/// <summary>
/// A scheduled campaign starts by itself when its moment comes (on an app whose clock is a <see cref="FakeTimeProvider"/>),
/// and each email is rendered from the profile as it is at send time, not as it was when the campaign was made.
/// </summary>
public sealed class ScheduledCampaignTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private FakeClockApp? _host;
    private HttpClient _ingest = null!;
    private HttpClient _admin = null!;

    public async ValueTask InitializeAsync()
    {
        _host = await FakeClockApp.StartAsync(new TailorServerOptions
        {
            DataDirectory = TempDirectory.Create("schedule"), WriteKey = "wk_schedule", AdminKey = "tk_admin_schedule",
            Smtp = SmtpSink.Address, CampaignRatePerSecond = 0, // no pacing: the fake clock does not move by itself
        }, _time);
        (_ingest, _admin) = (_host.Ingest, _host.Admin);
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is not null) await _host.DisposeAsync();
    }

    [Fact]
    public async Task A_scheduled_campaign_starts_when_due_and_renders_the_profile_as_it_is_then()
    {
        var email = SmtpSink.NewRecipient("scheduled");
        using (var s = await _admin.PostObjectAsync("/api/segments", new { name = "Subscribers", rule = "has consent \"email\"" })) await s.ShouldBeAsync(HttpStatusCode.Created);
        await _ingest.SendAsync("/v1/identify", new { userId = "ivy", traits = new { first_name = "Ivy", email, consent = new { email = true } } });
        await _admin.WaitForSegmentsAsync("ivy", names => names.Contains("Subscribers"));
        using (var t = await _admin.PostObjectAsync("/api/templates", new { name = "news", body = "Hello {{ profile.first_name }}", subject = "News" }))
            await t.ShouldBeAsync(HttpStatusCode.Created);

        using (var past = await _admin.PostObjectAsync("/api/campaigns", new { name = "Late", template = "news", segment = "Subscribers", sendAt = _time.GetUtcNow().AddMinutes(-1) }))
            await past.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "sendAt", "must be in the future");
        using var created = await _admin.PostObjectAsync("/api/campaigns", new { name = "Tomorrow", template = "news", segment = "Subscribers", sendAt = _time.GetUtcNow().AddDays(1) });
        await created.ShouldBeAsync(HttpStatusCode.Created);
        var id = (string)(await created.JsonAsync())["id"]!;
        Assert.Equal("scheduled", (string)(await _admin.GetObjectAsync($"/api/campaigns/{id}"))["status"]!);

        // The profile changes after the campaign was made and before it is due.
        await _ingest.SendAsync("/v1/identify", new { userId = "ivy", traits = new { first_name = "Ivana" } });
        await PipelineProgress.WaitUntilCaughtUpAsync(_admin);
        Assert.Equal("scheduled", (string)(await _admin.GetObjectAsync($"/api/campaigns/{id}"))["status"]!);
        Assert.Empty(SmtpSink.MessagesTo(email));

        _time.Advance(TimeSpan.FromDays(1));
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((string)(await _admin.GetObjectAsync($"/api/campaigns/{id}"))["status"]! != "completed")
        {
            Assert.True(DateTime.UtcNow < deadline, "the scheduled campaign did not complete after its moment");
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
        var mail = Assert.Single(await SmtpSink.WaitForAsync(email));
        Assert.StartsWith("Hello Ivana", mail.HtmlBody, StringComparison.Ordinal);
    }
}
