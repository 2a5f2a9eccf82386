using System.Text.Json;
using Tailor.Application;
using Tailor.Application.Campaigns;
using Tailor.Application.Content;
using Tailor.Core.Content;
using Tailor.Core.Delivery;
using Tailor.Core.Segments;
using Tailor.Core.Segments.Text;
using Tailor.Core.Storage;
using Tailor.Server.Tests.Hosting;

namespace Tailor.Server.Tests.Campaigns;

/// <summary>The campaign use case the API and the CLI share, over a real SQLite store on a fake clock.</summary>
public sealed class CampaignOperationsTests() : SqliteStoreTest("campaign-ops")
{
    private CampaignOperations _campaigns = null!;

    protected override async ValueTask SetUpAsync()
    {
        var now = Time.GetUtcNow();
        await Store.Content.SaveContentAsync(new ContentDocument(ContentKinds.Template, "welcome",
            JsonSerializer.Serialize(new TemplateDocument("Hi", "Welcome"), BlockDocument.Json), now, now), false, Ct);
        await Store.Segments.SaveSegmentAsync(new SegmentDefinition("seg_vip", "VIP", RuleParser.Parse("has consent email"), null, SegmentDefinition.DefaultMinSize, now, now), Ct);
        await Store.Segments.ApplyMembershipAsync(new MembershipUpdate(
            [new MembershipChange("seg_vip", "prf_a", true, now), new MembershipChange("seg_vip", "prf_b", true, now)], []), Ct);
        _campaigns = new CampaignOperations(Store.Campaigns, Store.Content, Store.Segments, new CampaignStarter(Store.Segments, Store.Campaigns, Time), new LiquidEngine(), new IdSource(Time), Time);
    }

    private static CampaignDraft Draft(string? template = "welcome", string? segment = "VIP", DateTimeOffset? sendAt = null, params FrequencyCap[] caps) =>
        new("Spring", template, segment, null, null, caps, sendAt);

    [Fact]
    public async Task A_new_campaign_gets_a_cmp_id_on_the_clock_and_names_its_segment()
    {
        var created = (await _campaigns.CreateAsync(Draft(segment: "seg_vip"), Ct)).Value!;

        Assert.Matches("^cmp_[0-9a-f]{32}$", created.Id);
        Assert.Equal(Time.GetUtcNow(), created.CreatedAt);
        Assert.Equal(("VIP", Campaign.Draft), (created.Segment, created.Status));
        Assert.Equal(Campaign.Draft, (await Store.Campaigns.GetCampaignAsync(created.Id, Ct))!.Status);
    }

    [Fact]
    public async Task A_campaign_needs_an_existing_template_and_segment_valid_caps_and_a_future_schedule()
    {
        Assert.Equal("template", (await _campaigns.CreateAsync(Draft(template: "nope"), Ct)).Problem!.Field);
        Assert.Equal("segment", (await _campaigns.CreateAsync(Draft(segment: "nope"), Ct)).Problem!.Field);
        Assert.Equal("frequencyCaps[0]", (await _campaigns.CreateAsync(Draft(caps: new FrequencyCap(0, TimeSpan.Zero, Channels.Email)), Ct)).Problem!.Field);
        Assert.Equal("sendAt", (await _campaigns.CreateAsync(Draft(sendAt: Time.GetUtcNow()), Ct)).Problem!.Field);
        Assert.Equal(Campaign.Scheduled, (await _campaigns.CreateAsync(Draft(sendAt: Time.GetUtcNow().AddHours(1)), Ct)).Value!.Status);
        Assert.DoesNotContain(await _campaigns.ListAsync(Ct), c => c.Campaign.Status == Campaign.Draft);
    }

    [Fact]
    public async Task Starting_takes_the_segments_members_as_the_audience_once()
    {
        var created = (await _campaigns.CreateAsync(Draft(), Ct)).Value!;
        Time.Advance(TimeSpan.FromMinutes(1));

        var started = (await _campaigns.StartAsync(created.Id, Ct)).Value!;
        var again = await _campaigns.StartAsync(created.Id, Ct);
        var progress = (await _campaigns.GetAsync(created.Id, Ct))!;

        Assert.Equal((Campaign.Sending, 2L, Time.GetUtcNow()), (started.Status, started.AudienceSize, started.StartedAt!.Value));
        Assert.Equal(ProblemKind.Conflict, again.Problem!.Kind);
        Assert.Equal(2, progress.Count(RecipientStatus.Pending));
        Assert.Equal(ProblemKind.NotFound, (await _campaigns.StartAsync("cmp_missing", Ct)).Problem!.Kind);
    }

    [Fact]
    public async Task The_ledger_is_read_a_page_at_a_time_with_a_known_status()
    {
        var created = (await _campaigns.CreateAsync(Draft(), Ct)).Value!;
        await _campaigns.StartAsync(created.Id, Ct);

        var page = await _campaigns.RecipientsAsync(created.Id, RecipientStatus.Pending, null, 1, Ct);

        Assert.Equal(["prf_a"], page.Value!.Select(r => r.ProfileId));
        Assert.Equal("status", (await _campaigns.RecipientsAsync(created.Id, "lost", null, null, Ct)).Problem!.Field);
        Assert.Equal("limit", (await _campaigns.RecipientsAsync(created.Id, null, null, 0, Ct)).Problem!.Field);
    }
}
