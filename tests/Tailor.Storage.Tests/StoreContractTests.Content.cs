using System.Text.Json.Nodes;
using Tailor.Core.Delivery;
using Tailor.Core.Storage;
using static Tailor.Tests.Support.Messages;

namespace Tailor.Storage.Tests;

public abstract partial class StoreContractTests
{
    [Fact]
    public async Task Content_documents_are_kept_per_kind_and_name()
    {
        var doc = new ContentDocument(ContentKinds.Template, "welcome", "{\"body\":\"Hi\"}", T0, T0);
        Assert.True(await Store.Content.SaveContentAsync(doc, createOnly: true, Ct));
        Assert.False(await Store.Content.SaveContentAsync(doc with { Json = "{\"body\":\"changed\"}" }, createOnly: true, Ct));
        Assert.Equal("{\"body\":\"Hi\"}", (await Store.Content.GetContentAsync(ContentKinds.Template, "welcome", Ct))!.Json);
        Assert.Null(await Store.Content.GetContentAsync(ContentKinds.Block, "welcome", Ct));

        Assert.True(await Store.Content.SaveContentAsync(doc with { Json = "{\"body\":\"Hello\"}", UpdatedAt = T0.AddHours(1) }, createOnly: false, Ct));
        var stored = (await Store.Content.GetContentAsync(ContentKinds.Template, "welcome", Ct))!;
        Assert.Equal(("{\"body\":\"Hello\"}", T0, T0.AddHours(1)), (stored.Json, stored.CreatedAt, stored.UpdatedAt));

        await Store.Content.SaveContentAsync(new ContentDocument(ContentKinds.Template, "alpha", "{}", T0, T0), false, Ct);
        await Store.Content.SaveContentAsync(new ContentDocument(ContentKinds.Block, "beta", "{}", T0, T0), false, Ct);
        Assert.Equal(["alpha", "welcome"], (await Store.Content.ListContentAsync(ContentKinds.Template, Ct)).Select(d => d.Name));

        Assert.True(await Store.Content.DeleteContentAsync(ContentKinds.Template, "welcome", Ct));
        Assert.False(await Store.Content.DeleteContentAsync(ContentKinds.Template, "welcome", Ct));
        Assert.Equal(["alpha"], (await Store.Content.ListContentAsync(ContentKinds.Template, Ct)).Select(d => d.Name));
    }

    [Fact]
    public async Task Recent_track_events_are_read_newest_first_by_name()
    {
        await IngestAsync(
            Track("Order Completed", At(1), userId: "u1", properties: new JsonObject { ["product_id"] = "a" }),
            Track("Product Viewed", At(2), userId: "u1", properties: new JsonObject { ["product_id"] = "b" }),
            Track("Signed Up", At(3), userId: "u1"),
            Track("Order Completed", At(4), userId: "u2", properties: new JsonObject { ["product_id"] = "c" }));
        var events = await Store.Content.RecentTrackEventsAsync(["Order Completed", "Product Viewed"], 2, Ct);
        Assert.Equal(["c", "b"], events.Select(e => e.GetProperty("properties").GetProperty("product_id").GetString()));
    }

    [Fact]
    public async Task Campaign_ledger_claims_each_recipient_once_and_counts_outcomes()
    {
        var campaign = new Campaign("cmp_1", "Spring", "welcome", "Buyers", "Hi {{ profile.first_name }}", null, Campaign.Draft, T0, null, null, 0,
            [new FrequencyCap(2, TimeSpan.FromDays(7), Channels.Email)], SendAt: T0.AddHours(3));
        await Store.Campaigns.SaveCampaignAsync(campaign, Ct);
        await Store.Campaigns.SaveCampaignAsync(campaign with { Status = Campaign.Sending, StartedAt = T0.AddMinutes(1), AudienceSize = 4 }, Ct);
        var stored = (await Store.Campaigns.GetCampaignAsync("cmp_1", Ct))!;
        Assert.Equal((Campaign.Sending, T0.AddMinutes(1), 4L, (DateTimeOffset?)null), (stored.Status, stored.StartedAt!.Value, stored.AudienceSize, stored.CompletedAt));
        Assert.Single(await Store.Campaigns.ListCampaignsAsync(Ct));
        Assert.Equal([new FrequencyCap(2, TimeSpan.FromDays(7), Channels.Email)], stored.Caps);
        Assert.Equal(T0.AddHours(3), stored.SendAt);

        await Store.Campaigns.AddRecipientsAsync("cmp_1", ["p3", "p1", "p2", "p4"], Ct);
        await Store.Campaigns.AddRecipientsAsync("cmp_1", ["p1"], Ct); // already there: unchanged
        Assert.Equal(["p1", "p2"], await Store.Campaigns.ClaimRecipientsAsync("cmp_1", 2, Ct));
        Assert.Equal(["p3"], await Store.Campaigns.ClaimRecipientsAsync("cmp_1", 1, Ct));
        await Store.Campaigns.CompleteRecipientsAsync("cmp_1", [
            new RecipientOutcome("p1", RecipientStatus.Sent, "<m1@x>", T0.AddMinutes(2)),
            new RecipientOutcome("p2", RecipientStatus.SuppressedConsent, "no email consent", T0.AddMinutes(2))], Ct);

        // p3 was claimed but never completed: as after a crash mid-send.
        Assert.Equal(1, await Store.Campaigns.MarkInterruptedAsync("cmp_1", Ct));
        Assert.Equal(["p4"], await Store.Campaigns.ClaimRecipientsAsync("cmp_1", 10, Ct));
        Assert.Empty(await Store.Campaigns.ClaimRecipientsAsync("cmp_1", 10, Ct));

        var counts = await Store.Campaigns.RecipientCountsAsync("cmp_1", Ct);
        Assert.Equal(1, counts[RecipientStatus.Sent]);
        Assert.Equal(1, counts[RecipientStatus.SuppressedConsent]);
        Assert.Equal(1, counts[RecipientStatus.Interrupted]);
        Assert.Equal(1, counts[RecipientStatus.Sending]);
        Assert.Equal(new RecipientOutcome("p1", RecipientStatus.Sent, "<m1@x>", T0.AddMinutes(2)), await Store.Campaigns.RecipientAsync("cmp_1", "p1", Ct));
        Assert.Equal(["p1", "p2", "p3", "p4"], (await Store.Campaigns.RecipientsAsync("cmp_1", null, null, 10, Ct)).Select(r => r.ProfileId));
        Assert.Equal(["p3", "p4"], (await Store.Campaigns.RecipientsAsync("cmp_1", null, "p2", 10, Ct)).Select(r => r.ProfileId));
        Assert.Equal(["p2"], (await Store.Campaigns.RecipientsAsync("cmp_1", RecipientStatus.SuppressedConsent, null, 10, Ct)).Select(r => r.ProfileId));
    }
}
