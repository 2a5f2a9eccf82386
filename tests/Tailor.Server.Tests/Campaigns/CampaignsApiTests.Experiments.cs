using System.Net;
using Tailor.Core.Experiments;
using Tailor.Server.Tests.Hosting;

namespace Tailor.Server.Tests.Campaigns;

/// <summary>A campaign under test (docs/experiments.md): each recipient's arm picks the template sent, and the exposure is counted.</summary>
public sealed partial class CampaignsApiTests
{
    [Fact]
    public async Task A_campaign_under_test_sends_each_recipient_the_template_of_their_arm()
    {
        _ = SmtpSink.Address;
        var (segment, people) = await AudienceAsync(("Ann", true), ("Bob", true), ("Cy", true), ("Dee", true), ("Eve", true), ("Fay", true));
        var control = await TemplateAsync("<p>Plain for {{ profile.first_name }}</p>", "Plain");
        var bold = await TemplateAsync("<p>BOLD for {{ profile.first_name }}</p>", "Bold");
        var campaign = await CampaignAsync(control, segment);
        var key = TailorAppFixture.NewId("camp")[..24];
        using (var created = await app.Admin.PostObjectAsync("/api/experiments", new
        {
            key, subject = new { kind = "campaign", name = (string)campaign["name"]! },
            variants = new object[] { new { key = "control" }, new { key = "bold", template = bold } },
            primaryMetric = new { name = "clicks", kind = "click_through", @event = "Email Link Clicked" },
        })) await created.ShouldBeAsync(HttpStatusCode.Created);
        using (var started = await app.Admin.PostAsync($"/api/experiments/{key}/start", null, Ct)) await started.ShouldBeAsync(HttpStatusCode.OK);

        Assert.Equal(6L, Counts(await SendAndWaitAsync((string)campaign["id"]!)).Sent);

        var definition = new ExperimentDefinition(key, null, new ExperimentSubject(SubjectKind.Campaign, "c"), [new("control"), new("bold")], null);
        var arms = new Dictionary<string, long>();
        foreach (var person in people)
        {
            var profileId = (string)(await app.Admin.GetObjectAsync($"/api/profiles/lookup?type=userId&value={Uri.EscapeDataString(person.UserId)}"))["id"]!;
            var arm = ExperimentAssignment.Arm(definition, profileId); // the documented hash
            arms[arm] = arms.GetValueOrDefault(arm) + 1;
            var mail = (await SmtpSink.WaitForAsync(person.Email)).Single();
            Assert.Equal(arm == "bold" ? "Bold" : "Plain", mail.Subject);
        }
        await Experiments.ExperimentsProgress.WaitUntilTalliedAsync(app.Admin);
        var results = await app.Admin.GetObjectAsync($"/api/experiments/{key}/results");
        foreach (var a in results["arms"]!.AsArray()) Assert.Equal(arms.GetValueOrDefault((string)a!["arm"]!), (long)a["units"]!);
    }

    [Fact]
    public async Task A_campaign_holdout_gets_no_email_is_still_exposed_and_is_the_control_of_the_results()
    {
        _ = SmtpSink.Address;
        var (segment, people) = await AudienceAsync(("Ann", true), ("Bob", true), ("Cy", true), ("Dee", true), ("Eve", true), ("Fay", true), ("Gus", true), ("Hal", true));
        var control = await TemplateAsync("<p>Plain for {{ profile.first_name }}</p>", "Plain");
        var bold = await TemplateAsync("<p>BOLD for {{ profile.first_name }}</p>", "Bold");
        var campaign = await CampaignAsync(control, segment);
        var ids = new Dictionary<string, string>();
        foreach (var person in people)
            ids[person.Email] = (string)(await app.Admin.GetObjectAsync($"/api/profiles/lookup?type=userId&value={Uri.EscapeDataString(person.UserId)}"))["id"]!;
        // A key under which these (random) profile ids put at least two people in every arm, found with the documented hash.
        var prefix = TailorAppFixture.NewId("hold")[..20];
        ExperimentDefinition Definition(string k) => new(k, null, new ExperimentSubject(SubjectKind.Campaign, "c"), [new("control"), new("bold")], null, Holdout: 0.5);
        var key = Enumerable.Range(0, 1000).Select(i => $"{prefix}-{i}")
            .First(k => ids.Values.Select(id => ExperimentAssignment.Arm(Definition(k), id)).CountBy(a => a).Count(g => g.Value >= 2) == 3);
        var arms = ids.ToDictionary(p => p.Key, p => ExperimentAssignment.Arm(Definition(key), p.Value));
        var heldOut = arms.Values.Count(a => a == ExperimentArms.Holdout);
        using (var created = await app.Admin.PostObjectAsync("/api/experiments", new
        {
            key, subject = new { kind = "campaign", name = (string)campaign["name"]! }, holdout = 0.5,
            variants = new object[] { new { key = "control" }, new { key = "bold", template = bold } },
            primaryMetric = new { name = "clicks", kind = "click_through", @event = "Email Link Clicked" },
        })) await created.ShouldBeAsync(HttpStatusCode.Created);
        using (var started = await app.Admin.PostAsync($"/api/experiments/{key}/start", null, Ct)) await started.ShouldBeAsync(HttpStatusCode.OK);

        var sent = await SendAndWaitAsync((string)campaign["id"]!);
        Assert.Equal(people.Length - heldOut, Counts(sent).Sent);
        Assert.Equal(heldOut, (long)sent["counts"]!["heldOut"]!);
        foreach (var person in people.Where(p => arms[p.Email] != ExperimentArms.Holdout))
            Assert.Equal(arms[person.Email] == "bold" ? "Bold" : "Plain", (await SmtpSink.WaitForAsync(person.Email)).Single().Subject);
        // The last sends have arrived (above), so a held-out mail would be there by now.
        foreach (var person in people.Where(p => arms[p.Email] == ExperimentArms.Holdout)) Assert.Empty(SmtpSink.MessagesTo(person.Email));

        await Experiments.ExperimentsProgress.WaitUntilTalliedAsync(app.Admin);
        var results = await app.Admin.GetObjectAsync($"/api/experiments/{key}/results");
        foreach (var a in results["arms"]!.AsArray()) Assert.Equal(arms.Values.Count(x => x == (string)a!["arm"]!), (long)a!["units"]!);
        Assert.Equal(3, results["arms"]!.AsArray().Count);
        // Every variant is compared with the holdout, which was sent nothing.
        var comparisons = results["statistics"]!["metrics"]![0]!["comparisons"]!.AsArray();
        Assert.Equal(["bold", "control"], comparisons.Select(c => (string)c!["arm"]!).Order());
        Assert.All(comparisons, c => Assert.Equal(ExperimentArms.Holdout, (string)c!["control"]!));
    }
}
