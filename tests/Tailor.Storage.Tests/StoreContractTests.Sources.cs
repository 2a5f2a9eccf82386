using System.Text.Json;
using Tailor.Core.Sources;
using static Tailor.Tests.Support.Messages;

namespace Tailor.Storage.Tests;

/// <summary>Connector sources: kept and changed, a pull claimed once, its events committed with its cursor.</summary>
public abstract partial class StoreContractTests
{
    private static InboundSource Connector(string id, string name, string kind = SourceKinds.Postgres, DateTimeOffset? next = null) =>
        new(id, name, kind, new SourceSettings(JsonSerializer.SerializeToElement(new { messages = new[] { new { @event = "E", userId = "$.id" } } }),
            Query: "SELECT * FROM t", CursorColumn: "updated_at", KeyColumn: "id", EverySeconds: 60), "Host=db;Password=hunter2", false, At(0), At(0), NextPullAt: next);

    [Fact]
    public async Task Connector_sources_are_created_read_listed_updated_paused_and_deleted()
    {
        var source = Connector("src_b", "warehouse", next: At(5));
        Assert.True(await Store.Sources.CreateSourceAsync(source, Ct));
        Assert.False(await Store.Sources.CreateSourceAsync(Connector("src_c", "warehouse"), Ct)); // the name is taken
        Assert.True(await Store.Sources.CreateSourceAsync(Connector("src_a", "shop", SourceKinds.Shopify), Ct));

        var read = await Store.Sources.GetSourceAsync("src_b", Ct);
        Assert.Equal(source with { Settings = read!.Settings }, read);
        Assert.Equal("$.id", read.Settings.Mapping!.Value.GetProperty("messages")[0].GetProperty("userId").GetString());
        Assert.Equal("updated_at", read.Settings.CursorColumn);
        Assert.Equal(["shop", "warehouse"], (await Store.Sources.ListSourcesAsync(Ct)).Select(s => s.Name));
        Assert.Equal("src_a", (await Store.Sources.FindSourceByNameAsync("shop", Ct))!.Id);

        Assert.True(await Store.Sources.UpdateSourceAsync(read with { Name = "dwh", Secret = "Host=db2", UpdatedAt = At(1) }, Ct));
        Assert.True(await Store.Sources.SetPausedAsync("src_b", true, At(2), Ct));
        await Store.Sources.RecordErrorAsync("src_b", "pull failed: timeout", At(3), Ct);
        var changed = await Store.Sources.GetSourceAsync("src_b", Ct);
        Assert.Equal(("dwh", "Host=db2", true, "pull failed: timeout", At(3)), (changed!.Name, changed.Secret, changed.Paused, changed.LastError, changed.LastErrorAt));

        Assert.True(await Store.Sources.DeleteSourceAsync("src_b", Ct));
        Assert.False(await Store.Sources.DeleteSourceAsync("src_b", Ct));
        Assert.False(await Store.Sources.SetPausedAsync("src_b", false, At(4), Ct));
        Assert.Null(await Store.Sources.GetSourceAsync("src_b", Ct));
    }

    [Fact]
    public async Task A_due_pull_is_claimed_once_and_a_paused_one_not_at_all()
    {
        await Store.Sources.CreateSourceAsync(Connector("src_p", "pull", next: At(5)), Ct);
        await Store.Sources.CreateSourceAsync(Connector("src_q", "paused", next: At(5)), Ct);
        await Store.Sources.SetPausedAsync("src_q", true, At(1), Ct);

        var claims = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Store.Sources.ClaimPullAsync("src_p", At(5), At(7), Ct)));

        Assert.Equal(1, claims.Count(c => c));
        Assert.Equal(At(7), (await Store.Sources.GetSourceAsync("src_p", Ct))!.NextPullAt);
        Assert.False(await Store.Sources.ClaimPullAsync("src_q", At(5), At(7), Ct));
    }

    [Fact]
    public async Task A_pull_commits_its_events_with_its_cursor_and_a_run_from_a_stale_cursor_commits_nothing()
    {
        await Store.Sources.CreateSourceAsync(Connector("src_p", "pull", next: At(0)), Ct);
        var rows = new[] { Track("Row Changed", At(1), userId: "u1", messageId: "row-1"), Track("Row Changed", At(1), userId: "u2", messageId: "row-2") }
            .Select(e => e with { SourceId = "src_p" }).ToArray();

        var first = await Store.Sources.CommitPullAsync(new PullCommit("src_p", null, "c2", rows, 2, At(2), At(3)), Ct);
        var stale = await Store.Sources.CommitPullAsync(new PullCommit("src_p", null, "c2", rows, 2, At(2), At(3)), Ct);
        var next = await Store.Sources.CommitPullAsync(new PullCommit("src_p", "c2", "c3", [rows[1], Track("Row Changed", At(2), userId: "u3", messageId: "row-3") with { SourceId = "src_p" }], 2, At(4), At(5)), Ct);

        Assert.Equal([true, true], first!);
        Assert.Null(stale);
        Assert.Equal([false, true], next!); // a row already logged is deduplicated by its messageId
        Assert.Equal(3, await Store.Sources.CountEventsAsync("src_p", Ct));
        var source = await Store.Sources.GetSourceAsync("src_p", Ct);
        Assert.Equal(("c3", At(5), At(4), 2), (source!.Cursor, source.NextPullAt, source.LastRunAt, source.LastRunRows));
    }
}
