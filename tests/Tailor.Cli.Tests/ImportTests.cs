using System.Text.Json;
using Tailor.Application.Import;
using Tailor.Core.Events;
using Tailor.Core.Identity;
using Tailor.Core.Pipeline;
using Tailor.Core.Profiles;
using Tailor.Core.Storage;
using Tailor.Storage;
using Tailor.Application.Pipeline;

namespace Tailor.Cli.Tests;

public sealed class ImportTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _dir.Dispose();

    private static async IAsyncEnumerable<ImportRecord> Records(params string[] lines)
    {
        await Task.Yield();
        for (var i = 0; i < lines.Length; i++) yield return ImportRecord.Ok(i + 1, lines[i]);
    }

    private static string Order(string user, decimal revenue, string? messageId = null) =>
        JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["type"] = "track", ["event"] = "Order Completed", ["userId"] = user, ["messageId"] = messageId,
            ["timestamp"] = "2026-01-02T10:00:00Z", ["properties"] = new { revenue },
        });

    private async Task<(TailorDatabase Store, Source Source, EventImporter Importer)> OpenAsync()
    {
        var store = await TailorStores.OpenAsync(_dir.Path, null, Ct);
        var source = await store.Access.CreateSourceAsync(new Source("src_import", "import", "wk_import_test", DateTimeOffset.UnixEpoch), Ct);
        return (store, source, new EventImporter(store.Events, store.Access, IngestionLimits.Default, TimeProvider.System));
    }

    [Fact]
    public async Task Imported_orders_reach_the_profile_after_the_pipeline_runs()
    {
        var (store, source, importer) = await OpenAsync();
        await using var _ = store;

        var report = await importer.ImportAsync(Records(Order("u1", 10m), Order("u1", 15.5m), Order("u2", 3m)), "key-orders-0000000", "orders.ndjson", source, TextWriter.Null, null, Ct);
        await new ProfilePipeline(store.Events, store.Positions, store.Profiles, store.Merges, store.Triggers, new ProfileReducer(EngagementWeights.Default), TimeProvider.System).CatchUpAsync(Ct);

        Assert.Equal(3, report.Accepted);
        var profile = await store.Profiles.FindProfileAsync(new ProfileIdentifier(IdentityTypes.UserId, "u1"), Ct);
        Assert.NotNull(profile);
        Assert.Equal(2, profile.Computed.OrderCount);
        Assert.Equal(25.5m, profile.Computed.TotalRevenue);
    }

    [Fact]
    public async Task Rejected_records_are_reported_with_number_field_and_rule_and_the_rest_are_kept()
    {
        var (store, source, importer) = await OpenAsync();
        await using var _ = store;
        var rejects = new StringWriter();

        var report = await importer.ImportAsync(Records(
            Order("u1", 1m),
            """{"type":"track","userId":"u2"}""",
            "{not json",
            """{"type":"track","event":"Signed Up"}""",
            Order("u3", 2m)), "key-rejects-000000", "mixed.ndjson", source, rejects, null, Ct);

        Assert.Equal(2, report.Accepted);
        Assert.Equal(3, report.Rejected);
        Assert.Equal([2L, 3L, 4L], report.FirstRejections.Select(r => r.Record));
        Assert.Equal(["event", "json", "userId"], report.FirstRejections.Select(r => r.Field));
        Assert.Contains("userId or anonymousId is required", report.FirstRejections[2].Rule, StringComparison.Ordinal);
        var lines = rejects.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        using var first = JsonDocument.Parse(lines[0]);
        Assert.Equal(2, first.RootElement.GetProperty("record").GetInt64());
        Assert.Equal("event", first.RootElement.GetProperty("field").GetString());
        Assert.Equal(2, await store.Events.LastSequenceAsync(Ct));
    }

    [Fact]
    public async Task Running_the_same_import_again_resumes_after_the_checkpoint_and_stores_nothing_twice()
    {
        var (store, source, importer) = await OpenAsync();
        await using var _ = store;
        var lines = Enumerable.Range(0, 25).Select(i => Order($"u{i % 4}", i)).ToArray(); // no messageIds

        var first = await importer.ImportAsync(Records(lines[..10]), "key-resume-0000000", "f.ndjson", source, TextWriter.Null, null, Ct, batchSize: 4);
        var second = await importer.ImportAsync(Records(lines), "key-resume-0000000", "f.ndjson", source, TextWriter.Null, null, Ct, batchSize: 4);

        Assert.Equal(10, first.Accepted);
        Assert.Equal(10, second.Skipped);
        Assert.Equal(25, second.Accepted);
        Assert.Equal(25, await store.Events.LastSequenceAsync(Ct));
        var checkpoint = await store.Access.GetImportCheckpointAsync("key-resume-0000000", Ct);
        Assert.Equal(25, checkpoint!.LinesDone);
    }

    [Fact]
    public async Task Records_without_message_ids_get_ids_from_file_and_record_so_a_replay_is_deduplicated()
    {
        var (store, source, importer) = await OpenAsync();
        await using var _ = store;
        var lines = Enumerable.Range(0, 6).Select(i => Order("u1", i)).ToArray();

        await importer.ImportAsync(Records(lines), "key-replay-0000000", "f.ndjson", source, TextWriter.Null, null, Ct);
        // A crash after a batch was written but before its checkpoint was saved replays that batch.
        await store.Access.SaveImportCheckpointAsync(new ImportCheckpoint("key-replay-0000000", "f.ndjson", 2, 2, 0, DateTimeOffset.UtcNow), Ct);
        var replay = await importer.ImportAsync(Records(lines), "key-replay-0000000", "f.ndjson", source, TextWriter.Null, null, Ct);

        Assert.Equal(4, replay.Duplicates);
        Assert.Equal(6, await store.Events.LastSequenceAsync(Ct));
    }
}
