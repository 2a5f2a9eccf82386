using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Tailor.Server.Tests.Hosting;
using static Tailor.Server.Tests.Hosting.ProcessClient;

namespace Tailor.Server.Tests.Durability;

/// <summary>
/// A campaign interrupted by SIGKILL mid-send resumes after a restart without sending anyone twice: counted on what
/// the real SMTP server received, per recipient.
/// </summary>
public sealed class CampaignCrashTests : IDisposable
{
    private const int Audience = 400;
    private readonly string _data = TempDirectory.Create("campaign-crash");
    private readonly string _writeKey = $"wk_cc_{Guid.NewGuid():N}";
    private readonly string _adminKey = $"tk_admin_cc_{Guid.NewGuid():N}";
    private readonly string _run = $"crash{Guid.NewGuid():N}"[..13];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private Dictionary<string, string> Environment() => new()
    {
        ["TAILOR_SMTP"] = SmtpSink.Address,
        // Slow enough that the kill lands mid-send, fast enough to finish after the restart.
        ["TAILOR_CAMPAIGN_RATE"] = "200",
    };

    [Fact]
    public async Task A_campaign_killed_mid_send_resumes_without_sending_anyone_twice()
    {
        _ = SmtpSink.Address;
        string campaignId;
        long sentBeforeKill;
        await using (var tailor = await TailorProcess.StartAsync(_data, _writeKey, _adminKey, Environment()))
        {
            using var ingest = Client(tailor.BaseAddress, TailorAppFixture.BasicAuth(_writeKey));
            using var admin = Client(tailor.BaseAddress, new AuthenticationHeaderValue("Bearer", _adminKey));
            using (var segment = await admin.PostAsJsonAsync("/api/segments", new { name = "Crash Audience", rule = $"trait cohort = \"{_run}\"" }, Ct))
                await segment.ShouldBeAsync(HttpStatusCode.Created);
            var batch = Enumerable.Range(0, Audience).Select(i => new
            {
                type = "identify", userId = $"{_run}-{i}",
                traits = new { email = $"{_run}-{i}@example.test", first_name = $"N{i}", cohort = _run, consent = new { email = true } },
            }).ToArray();
            using (var sent = await ingest.PostAsJsonAsync("/v1/batch", new { batch }, Ct)) await sent.ShouldBeAsync(HttpStatusCode.OK);
            await WaitAsync(async () => (long)(await admin.GetFromJsonAsync<JsonObject>("/api/segments/Crash%20Audience", Ct))!["size"]! == Audience, "the segment to fill");

            using (var template = await admin.PostAsJsonAsync("/api/templates", new { name = "crash", body = "Hi {{ profile.first_name }}", subject = "Crash test" }, Ct))
                await template.ShouldBeAsync(HttpStatusCode.Created);
            using (var created = await admin.PostAsJsonAsync("/api/campaigns", new { name = "Crash", template = "crash", segment = "Crash Audience" }, Ct))
            {
                await created.ShouldBeAsync(HttpStatusCode.Created);
                campaignId = (string)(await created.JsonAsync())["id"]!;
            }
            using (var send = await admin.PostAsJsonAsync($"/api/campaigns/{campaignId}/send", new { }, Ct)) await send.ShouldBeAsync(HttpStatusCode.Accepted);
            sentBeforeKill = 0;
            await WaitAsync(async () => (sentBeforeKill = await SentAsync(admin, campaignId)) >= 100, "100 emails to go out");
            await tailor.KillAsync();
        }
        Assert.True(sentBeforeKill < Audience, "the kill must land mid-send");

        await using (var tailor = await TailorProcess.StartAsync(_data, _writeKey, _adminKey, Environment()))
        {
            using var admin = Client(tailor.BaseAddress, new AuthenticationHeaderValue("Bearer", _adminKey));
            JsonObject campaign = null!;
            await WaitAsync(async () => (string)(campaign = (await admin.GetFromJsonAsync<JsonObject>($"/api/campaigns/{campaignId}", Ct))!)["status"]! == "completed",
                "the campaign to complete after the restart");
            var counts = campaign["counts"]!;
            long sent = (long)counts["sent"]!, interrupted = (long)counts["interrupted"]!;
            Assert.Equal(Audience, sent + interrupted);
            Assert.True(interrupted <= 100, $"at most one batch can be in flight at a kill, {interrupted} were");
            Assert.True(sent > sentBeforeKill, "sending went on after the restart");

            // What the SMTP server actually received: nobody twice, and everyone recorded as sent got theirs.
            var deadline = DateTime.UtcNow.AddSeconds(20);
            Dictionary<string, int> received;
            while ((received = SmtpSink.CountByRecipient(_run)).Values.Sum() < sent && DateTime.UtcNow < deadline) await Task.Delay(100, Ct);
            Assert.All(received, r => Assert.Equal(1, r.Value));
            Assert.InRange(received.Count, sent, sent + interrupted);
        }
    }

    private static async Task<long> SentAsync(HttpClient admin, string id) =>
        (long)(await admin.GetFromJsonAsync<JsonObject>($"/api/campaigns/{id}", Ct))!["counts"]!["sent"]!;

    private static async Task WaitAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}");
            await Task.Delay(20, Ct);
        }
    }

    public void Dispose() => TempDirectory.Delete(_data);
}
