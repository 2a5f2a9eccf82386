using System.Diagnostics;
using System.Net;
using System.Text.Json;

namespace Tailor.Client.Tests;

/// <summary>The client against a real node: tracking, profiles, segments, personalization, the admin API and its errors.</summary>
public sealed class ClientTests(NodeFixture node)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private TailorClient Tailor => node.Client;

    private async Task WaitForPipelineAsync()
    {
        var clock = Stopwatch.StartNew();
        while ((await Tailor.PipelineAsync(Ct)).Lag > 0)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), "the pipeline did not catch up");
            await Task.Delay(20, Ct);
        }
    }

    [Fact]
    public async Task Events_sent_with_the_write_key_build_a_profile_read_with_the_admin_key()
    {
        var user = $"client-{Guid.NewGuid():N}";
        var identify = await Tailor.IdentifyAsync(new TrackingMessage { UserId = user, Traits = new Dictionary<string, JsonElement> { ["plan"] = JsonSerializer.SerializeToElement("pro") } }, Ct);
        var track = await Tailor.TrackAsync(new TrackingMessage { UserId = user, Event = "Order Completed", MessageId = $"{user}-order" }, Ct);
        var page = await Tailor.PageAsync(new TrackingMessage { UserId = user, Name = "Home" }, Ct);
        var batch = await Tailor.BatchAsync(
        [
            new TrackingMessage { Type = "track", UserId = user, Event = "Order Completed", MessageId = $"{user}-order" }, // a duplicate
            new TrackingMessage { Type = "track", Event = "No one" }, // refused alone: no user
        ], Ct);

        Assert.Equal((true, 1), (identify.Success, identify.Accepted));
        Assert.Equal(1, track.Accepted);
        Assert.Equal(1, page.Accepted);
        Assert.Equal(1, batch.Duplicates);
        Assert.Equal(1, Assert.Single(batch.Rejected!).Index);

        await WaitForPipelineAsync();
        var profile = await Tailor.LookupProfileAsync("userId", user, Ct);
        Assert.NotNull(profile);
        Assert.Equal("pro", profile.Traits["plan"].GetString());
        Assert.Equal(1, profile.Computed.GetProperty("orderCount").GetInt32());
        Assert.Equal(profile.Id, (await Tailor.GetProfileAsync(profile.Id, Ct))!.Id);
        Assert.Null(await Tailor.GetProfileAsync("prf_missing", Ct));
    }

    [Fact]
    public async Task Segments_are_created_listed_read_and_deleted_and_have_members()
    {
        var user = $"seg-{Guid.NewGuid():N}";
        var plan = $"plan-{Guid.NewGuid():N}";
        await Tailor.IdentifyAsync(new TrackingMessage { UserId = user, Traits = new Dictionary<string, JsonElement> { ["plan"] = JsonSerializer.SerializeToElement(plan) } }, Ct);
        await WaitForPipelineAsync();

        var name = $"seg-{Guid.NewGuid():N}";
        var created = await Tailor.CreateSegmentAsync(name, $"trait plan = \"{plan}\"", Ct);
        Assert.Equal(name, created.Name);
        Assert.Contains(await Tailor.ListSegmentsAsync(Ct), s => s.Id == created.Id);
        var clock = Stopwatch.StartNew();
        SegmentMembers members;
        while ((members = await Tailor.SegmentMembersAsync(created.Id, ct: Ct)).Members.Count == 0)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), "the segment was not computed");
            await Task.Delay(20, Ct);
        }
        Assert.Single(members.Members);
        Assert.Equal(1, (await Tailor.GetSegmentAsync(name, Ct))!.Size);

        await Tailor.DeleteSegmentAsync(created.Id, Ct);
        Assert.Null(await Tailor.GetSegmentAsync(created.Id, Ct));
    }

    [Fact]
    public async Task A_refusal_throws_with_the_field_and_rule_the_server_named()
    {
        var bad = await Assert.ThrowsAsync<TailorApiException>(() => Tailor.CreateSegmentAsync($"bad-{Guid.NewGuid():N}", "trait plan ===", Ct));
        Assert.Equal(HttpStatusCode.BadRequest, bad.Status);
        Assert.Contains(bad.Errors, e => e.Field == "rule");

        var placement = await Assert.ThrowsAsync<TailorApiException>(() => Tailor.PersonalizeAsync("", userId: "u", ct: Ct));
        Assert.Equal("placement", Assert.Single(placement.Errors).Field);

        var anonymous = new TailorClient(node.Http, writeKey: "wk_wrong", adminKey: "tk_wrong");
        var denied = await Assert.ThrowsAsync<TailorApiException>(() => anonymous.ListSegmentsAsync(Ct));
        Assert.Equal(HttpStatusCode.Unauthorized, denied.Status);
        var refused = await Assert.ThrowsAsync<TailorApiException>(() => anonymous.TrackAsync(new TrackingMessage { UserId = "u", Event = "E" }, Ct));
        Assert.Equal("writeKey", Assert.Single(refused.Errors).Field);
    }

    [Fact]
    public async Task Templates_and_the_other_admin_lists_are_read()
    {
        var name = $"tpl-{Guid.NewGuid():N}";
        var template = await Tailor.CreateTemplateAsync(name, "Hello {{ profile.traits.name | default: 'there' }}", ct: Ct);
        Assert.Equal(name, template.Name);
        Assert.Contains(await Tailor.ListTemplatesAsync(Ct), t => t.Name == name);
        Assert.Equal(JsonValueKind.Array, (await Tailor.ListAsync(TailorRoutes.ListSources, Ct)).ValueKind);
        Assert.Equal(JsonValueKind.Array, (await Tailor.ListAsync(TailorRoutes.ListTriggers, Ct)).ValueKind);
        Assert.Equal(JsonValueKind.Array, (await Tailor.ListAsync(TailorRoutes.ListCampaigns, Ct)).ValueKind);
        Assert.Equal(JsonValueKind.Array, (await Tailor.ListAsync(TailorRoutes.ListDeadLetters, Ct)).ValueKind);
        Assert.Contains((await Tailor.PipelineAsync(Ct)).Followers, f => f.Name == "profiles");
    }
}
