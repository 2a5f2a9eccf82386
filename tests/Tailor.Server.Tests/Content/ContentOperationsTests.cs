using Tailor.Application;
using Tailor.Application.Content;
using Tailor.Core.Content;
using Tailor.Core.Storage;
using Tailor.Server.Tests.Hosting;

namespace Tailor.Server.Tests.Content;

/// <summary>The content use case the API and the CLI share, over a real SQLite store on a fake clock.</summary>
public sealed class ContentOperationsTests() : SqliteStoreTest("content-ops")
{
    private ContentOperations _content = null!;

    protected override ValueTask SetUpAsync()
    {
        _content = new ContentOperations(Store.Content, Store.Segments, new LiquidEngine(), Time);
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task A_template_that_does_not_parse_is_refused_with_its_line_and_nothing_is_stored()
    {
        var saved = await _content.SaveTemplateAsync("welcome", "Hi\n{% if %}", null, SaveMode.Create, Ct);

        Assert.Equal(ProblemKind.Invalid, saved.Problem!.Kind);
        Assert.Equal("body", saved.Problem.Field);
        Assert.Equal(2, saved.Problem.Syntax!.Line);
        Assert.Null(await Store.Content.GetContentAsync(ContentKinds.Template, "welcome", Ct));
    }

    [Fact]
    public async Task Create_refuses_a_taken_name_and_upsert_replaces_it_keeping_when_it_was_created()
    {
        var first = await _content.SaveTemplateAsync(" welcome ", "Hi", null, SaveMode.Create, Ct);
        Time.Advance(TimeSpan.FromMinutes(5));
        var again = await _content.SaveTemplateAsync("welcome", "Hello", null, SaveMode.Create, Ct);
        var replaced = await _content.SaveTemplateAsync("welcome", "Hello", "Hi {{ profile.first_name }}", SaveMode.Upsert, Ct);

        Assert.Equal("welcome", first.Value!.Document.Name);
        Assert.True(first.Value.Created);
        Assert.Equal(ProblemKind.Conflict, again.Problem!.Kind);
        Assert.False(replaced.Value!.Created);
        var stored = (await Store.Content.GetContentAsync(ContentKinds.Template, "welcome", Ct))!;
        Assert.Equal(Time.GetUtcNow() - TimeSpan.FromMinutes(5), stored.CreatedAt);
        Assert.Equal(Time.GetUtcNow(), stored.UpdatedAt);
        Assert.Contains("Hello", stored.Json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Replacing_or_deleting_what_does_not_exist_is_not_found()
    {
        var replaced = await _content.SaveTemplateAsync("missing", "Hi", null, SaveMode.Replace, Ct);
        var block = await _content.SaveBlockAsync(new BlockDocument("missing", null, new BodyDocument("x", null), null), SaveMode.Replace, Ct);

        Assert.Equal(ProblemKind.NotFound, replaced.Problem!.Kind);
        Assert.Equal(ProblemKind.NotFound, block.Problem!.Kind);
        Assert.False(await _content.DeleteAsync(ContentKinds.Placement, "missing", Ct));
    }

    [Fact]
    public async Task A_placement_shows_exactly_one_block_or_template_that_exists()
    {
        await _content.SaveTemplateAsync("hero", "Hi", null, SaveMode.Create, Ct);

        var both = await _content.SavePlacementAsync(new Placement("home", "b", "hero", null), SaveMode.Create, Ct);
        var unknown = await _content.SavePlacementAsync(new Placement("home", null, "nope", null), SaveMode.Create, Ct);
        var saved = await _content.SavePlacementAsync(new Placement("home", null, "hero", "the home page"), SaveMode.Create, Ct);

        Assert.Equal("block", both.Problem!.Field);
        Assert.Equal(("template", ProblemKind.Invalid), (unknown.Problem!.Field, unknown.Problem.Kind));
        Assert.True(saved.Value!.Created);
        Assert.True(await _content.DeleteAsync(ContentKinds.Placement, "home", Ct));
    }

    [Fact]
    public async Task Segment_values_need_an_existing_segment_and_at_least_one_value()
    {
        var values = new SegmentValuesDocument(1, new() { ["hero"] = System.Text.Json.JsonSerializer.SerializeToElement("x") });

        var unknown = await _content.SaveSegmentValuesAsync("VIP", values, Ct);

        Assert.Equal("segment", unknown.Problem!.Field);
        Assert.Null(await Store.Content.GetContentAsync(ContentKinds.SegmentValues, "VIP", Ct));
    }
}
