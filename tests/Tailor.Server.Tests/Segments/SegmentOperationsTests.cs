using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Tailor.Application;
using Tailor.Application.Segments;
using Tailor.Core.Content;
using Tailor.Core.Segments.Text;
using Tailor.Core.Storage;
using Tailor.Server.Tests.Hosting;
using Tailor.Storage;

namespace Tailor.Server.Tests.Segments;

/// <summary>
/// The segment use cases the API and the CLI both call, over a real SQLite store on a fake clock: ids and times come
/// from the injected sources, and a segment that anything still names cannot be deleted.
/// </summary>
public sealed class SegmentOperationsTests : IAsyncDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);
    private readonly string _data = TempDirectory.Create("segment-operations");
    private readonly FakeTimeProvider _time = new(Start);
    private TailorDatabase? _store;
    private SegmentEngine? _engine;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<SegmentOperations> OperationsAsync()
    {
        _store = await TailorStores.OpenAsync(_data, null, Ct);
        _engine = new SegmentEngine(_store.Segments, _store.Positions, _store.Profiles, _time);
        await _engine.ReloadAsync(Ct);
        return new SegmentOperations(_store.Segments, _store.Triggers, _store.Campaigns, _store.Content, _engine, new IdSource(_time), _time);
    }

    private static async Task<SegmentCatalogCompiled> CreateAsync(SegmentOperations segments, string name, string rule = "has consent email")
    {
        var created = await segments.CreateAsync(new SegmentInput(name, RuleParser.Parse(rule)), Ct);
        Assert.True(created.Succeeded, created.Problem?.ToString());
        return new(created.Value!.Id, created.Value.Name);
    }

    private sealed record SegmentCatalogCompiled(string Id, string Name);

    [Fact]
    public async Task A_new_segment_takes_its_id_and_times_from_the_injected_sources()
    {
        var segments = await OperationsAsync();

        var created = await segments.CreateAsync(new SegmentInput("  VIP ", RuleParser.Parse("has consent email"), MinSize: 3), Ct);

        Assert.True(created.Succeeded);
        var d = created.Value!.Definition;
        Assert.StartsWith("seg_", d.Id, StringComparison.Ordinal);
        Assert.Equal("VIP", d.Name);
        Assert.Equal(3, d.MinSize);
        Assert.Equal(Start, d.CreatedAt);
        Assert.Equal(Start, d.UpdatedAt);
    }

    [Fact]
    public async Task Saving_by_an_existing_name_changes_that_segment_and_keeps_its_id_and_creation_time()
    {
        var segments = await OperationsAsync();
        var parent = await CreateAsync(segments, "All");
        var first = await segments.SaveByNameAsync(new SegmentInput("VIP", RuleParser.Parse("has consent email")), Ct);
        _time.Advance(TimeSpan.FromHours(1));

        var second = await segments.SaveByNameAsync(new SegmentInput("VIP", RuleParser.Parse("has consent sms"), parent.Name, 50), Ct);

        Assert.True(first.Value!.Created);
        Assert.False(second.Value!.Created);
        var d = second.Value.Segment.Definition;
        Assert.Equal(first.Value.Segment.Id, d.Id);
        Assert.Equal(Start, d.CreatedAt);
        Assert.Equal(Start.AddHours(1), d.UpdatedAt);
        Assert.Equal(parent.Id, d.ParentId);
        Assert.Equal(50, d.MinSize);
        Assert.Equal("has consent sms", RulePrinter.Print(d.Rule));
    }

    [Fact]
    public async Task A_missing_parent_or_a_duplicate_name_is_a_validation_error_and_nothing_is_saved()
    {
        var segments = await OperationsAsync();
        await CreateAsync(segments, "VIP");

        var orphan = await segments.CreateAsync(new SegmentInput("Child", RuleParser.Parse("has consent email"), "Nope"), Ct);
        var duplicate = await segments.CreateAsync(new SegmentInput("VIP", RuleParser.Parse("has consent sms")), Ct);

        Assert.Equal("parent", orphan.Problem!.Field);
        Assert.Equal("name", duplicate.Problem!.Field);
        Assert.Single(await _store!.Segments.ListSegmentsAsync(Ct));
    }

    [Fact]
    public async Task A_segment_another_segment_refers_to_cannot_be_deleted_until_that_one_is()
    {
        var segments = await OperationsAsync();
        var vip = await CreateAsync(segments, "VIP");
        var child = await CreateAsync(segments, "VIP Fans", "in segment \"VIP\"");

        var refused = await segments.DeleteAsync("VIP", Ct);
        var deletedChild = await segments.DeleteAsync(child.Id, Ct);
        var deleted = await segments.DeleteAsync(vip.Id, Ct);

        Assert.Equal("segment", refused.Problem!.Field);
        Assert.Contains("segments VIP Fans", refused.Problem!.Rule, StringComparison.Ordinal);
        Assert.True(deletedChild.Succeeded);
        Assert.True(deleted.Succeeded);
        Assert.Empty(await _store!.Segments.ListSegmentsAsync(Ct));
    }

    [Fact]
    public async Task A_segment_a_trigger_names_cannot_be_deleted()
    {
        var segments = await OperationsAsync();
        await CreateAsync(segments, "VIP");
        await CreateAsync(segments, "Lapsed");
        await SaveTriggerAsync("Welcome VIP", """{"name": "Welcome VIP", "start": {"segment": "VIP"}, "steps": [{"wait": "1m"}]}""");
        await SaveTriggerAsync("Nudge", """{"name": "Nudge", "start": {"event": "Viewed"}, "steps": [{"if": "in segment \"Lapsed\""}, {"wait": "1h"}]}""");

        var startsOn = await segments.DeleteAsync("VIP", Ct);
        var condition = await segments.DeleteAsync("Lapsed", Ct);

        Assert.Contains("triggers Welcome VIP", startsOn.Problem!.Rule, StringComparison.Ordinal);
        Assert.Contains("triggers Nudge", condition.Problem!.Rule, StringComparison.Ordinal);
        Assert.Equal(2, (await _store!.Segments.ListSegmentsAsync(Ct)).Count);
    }

    [Fact]
    public async Task A_segment_an_unfinished_campaign_sends_to_cannot_be_deleted_until_the_campaign_completes()
    {
        var segments = await OperationsAsync();
        await CreateAsync(segments, "VIP");
        var campaign = new Campaign("cmp_1", "Spring sale", "spring", "VIP", null, null, Campaign.Draft, Start, null, null, 0, []);
        await _store!.Campaigns.SaveCampaignAsync(campaign, Ct);

        var refused = await segments.DeleteAsync("VIP", Ct);
        await _store.Campaigns.SaveCampaignAsync(campaign with { Status = Campaign.Completed, CompletedAt = Start }, Ct);
        var deleted = await segments.DeleteAsync("VIP", Ct);

        Assert.Contains("campaigns Spring sale", refused.Problem!.Rule, StringComparison.Ordinal);
        Assert.True(deleted.Succeeded);
    }

    [Fact]
    public async Task A_segment_a_content_block_chooses_by_cannot_be_deleted()
    {
        var segments = await OperationsAsync();
        await CreateAsync(segments, "VIP");
        var block = new BlockDocument("hero", [new VariantDocument("vip", "in segment \"VIP\"", "Welcome back", null)], new BodyDocument("Hello", null), null);
        await _store!.Content.SaveContentAsync(new ContentDocument(ContentKinds.Block, "hero", JsonSerializer.Serialize(block, BlockDocument.Json), Start, Start), true, Ct);

        var refused = await segments.DeleteAsync("VIP", Ct);

        Assert.Contains("blocks hero", refused.Problem!.Rule, StringComparison.Ordinal);
        Assert.Single(await _store.Segments.ListSegmentsAsync(Ct));
    }

    [Fact]
    public async Task Deleting_an_unknown_segment_says_it_was_not_found()
    {
        var segments = await OperationsAsync();

        var missing = await segments.DeleteAsync("Nope", Ct);

        Assert.False(missing.Succeeded);
        Assert.Equal((ProblemKind.NotFound, "segment"), (missing.Problem!.Kind, missing.Problem.Field));
    }

    private Task SaveTriggerAsync(string name, string definition) =>
        _store!.Triggers.SaveTriggerAsync(new StoredTrigger($"trg_{name.Replace(' ', '_')}", name, definition, true, "whsec_test", Start, Start), Ct);

    public async ValueTask DisposeAsync()
    {
        _engine?.Dispose();
        if (_store is not null) await _store.DisposeAsync();
        TempDirectory.Delete(_data);
    }
}
