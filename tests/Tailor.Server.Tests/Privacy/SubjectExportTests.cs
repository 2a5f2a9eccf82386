using System.Net;
using System.Text.Json.Nodes;
using Tailor.Server.Tests.Hosting;
using Tailor.Server.Tests.Segments;

namespace Tailor.Server.Tests.Privacy;

/// <summary>The right of access: one JSON document with everything held on the person, found by any identity, and the export recorded in the audit trail.</summary>
public sealed class SubjectExportTests(TailorAppFixture app)
{
    [Fact]
    public async Task An_export_by_email_holds_the_profile_its_history_memberships_and_every_event()
    {
        var user = TailorAppFixture.NewId("dsr");
        var email = $"{user}@example.com";
        var segment = TailorAppFixture.NewId("Exported");
        using (var s = await app.Admin.PostObjectAsync("/api/segments", new { name = segment, rule = $"trait cohort = \"{user}\"" })) await s.ShouldBeAsync(HttpStatusCode.Created);
        await app.Ingest.SendAsync("/v1/identify", new { userId = user, traits = new { email, cohort = user, plan = "free" } });
        await app.Ingest.SendAsync("/v1/identify", new { userId = user, traits = new { plan = "pro" } });
        foreach (var product in new[] { "Mug", "Teapot" })
            await app.Ingest.SendAsync("/v1/track", new { userId = user, @event = "Product Viewed", properties = new { name = product } });
        await app.WaitForPipelineAsync();
        await app.Admin.WaitForSegmentsAsync(user, names => names.Contains(segment));

        using var response = await app.Admin.GetAsync($"/api/privacy/export?type=email&value={Uri.EscapeDataString(email)}", TestContext.Current.CancellationToken);
        await response.ShouldBeAsync(HttpStatusCode.OK);
        var archive = JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!.AsObject();

        var profileId = (await app.Admin.LookupAsync("userId", user)).Id();
        Assert.Equal(profileId, (string)archive["profileId"]!);
        Assert.StartsWith("attachment;", response.Content.Headers.ContentDisposition!.ToString(), StringComparison.Ordinal);
        Assert.Equal(email, (string)archive["profile"]!["traits"]!["email"]!["value"]!);
        Assert.Equal(["free", "pro"], archive["traitHistory"]!.AsArray().Where(c => (string)c!["name"]! == "plan").Select(c => (string)c!["value"]!));
        Assert.Contains(segment, archive["segments"]!.AsArray().Select(s => (string)s!["name"]!));
        Assert.Contains(archive["membershipHistory"]!.AsArray(), c => c!.ToJsonString().Contains("entered", StringComparison.OrdinalIgnoreCase));
        var events = archive["events"]!.AsArray();
        Assert.Equal(4, events.Count);
        Assert.Equal(["Teapot", "Mug"], events.Where(e => (string)e!["type"]! == "track").Select(e => (string)e!["payload"]!["properties"]!["name"]!));
        var audit = await app.Admin.GetArrayAsync("/api/audit?action=GET%20/api/privacy/export");
        Assert.Contains(audit, e => (int)e!["outcome"]! == 200);
    }

    [Fact]
    public async Task An_unknown_identity_is_404_and_a_bad_type_names_the_field()
    {
        using var unknown = await app.Admin.GetAsync("/api/privacy/export?type=email&value=nobody%40example.com", TestContext.Current.CancellationToken);
        using var bad = await app.Admin.GetAsync("/api/privacy/export?type=shoe&value=x", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        await bad.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "type", "must be one of userId, anonymousId, email, phone, deviceId");
    }
}
