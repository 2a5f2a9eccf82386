using System.Net;
using Tailor.Server.Tests.Hosting;

namespace Tailor.Server.Tests.Profiles;

/// <summary>Consent changed through the API outranks event-sourced answers dated after it; far-future event times are clamped.</summary>
public sealed class ConsentAuthorityTests(TailorAppFixture app)
{
    [Fact]
    public async Task Consent_set_through_the_API_wins_over_an_event_sourced_answer_dated_later()
    {
        var userId = TailorAppFixture.NewId("consent-authority");
        // Within the clamp tolerance, so the event keeps its time, which is later than the API change below.
        var ahead = Http.Iso(DateTimeOffset.UtcNow.AddMinutes(3));
        await app.Ingest.SendAsync("/v1/identify", new { userId, timestamp = ahead, traits = new { consent = new { email = true } } });
        await app.WaitForPipelineAsync();
        var id = (await app.Admin.LookupAsync("userId", userId)).Id();

        using (var response = await app.Admin.PutObjectAsync($"/api/profiles/{id}/consent", new { purposes = new { email = false } }))
            await response.ShouldBeAsync(HttpStatusCode.Accepted);
        await app.WaitForPipelineAsync();

        var consent = (await app.Admin.ProfileAsync(id))["consent"]!["email"]!;
        Assert.False((bool)consent["granted"]!);
        Assert.Equal("api", (string)consent["source"]!);
    }

    [Fact]
    public async Task Far_future_timestamp_is_clamped_to_the_receive_time_and_the_original_kept()
    {
        var userId = TailorAppFixture.NewId("clamp");
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        await app.Ingest.SendAsync("/v1/identify", new { userId, timestamp = "9999-01-01T00:00:00Z", traits = new { plan = "pro" } });
        await app.WaitForPipelineAsync();

        var profile = await app.Admin.LookupAsync("userId", userId);
        var e = Assert.Single(await app.Admin.EventsAsync(profile.Id()))!;
        var at = DateTimeOffset.Parse((string)e["timestamp"]!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(at, before, DateTimeOffset.UtcNow.AddSeconds(1));
        Assert.Equal("9999-01-01T00:00:00Z", (string)e["message"]!["originalTimestamp"]!);
    }
}
