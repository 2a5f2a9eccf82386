using System.Globalization;
using BenchmarkDotNet.Attributes;
using Tailor.Core.Events;
using Tailor.Core.Pipeline;
using Tailor.Core.Profiles;
using Tailor.Storage;
using Tailor.Application.Pipeline;

namespace Tailor.Benchmarks;

/// <summary>One group commit: AppendAsync of 100 new events to a SQLite log in a temp file (WAL, synchronous=FULL).</summary>
[MemoryDiagnoser]
[ShortRunJob]
public class EventLogBenchmarks : IDisposable
{
    private string _directory = "";
    private TailorDatabase _store = null!;
    private TailorEvent[] _template = [];
    private TailorEvent[] _batch = [];
    private long _next;

    [Params(100)]
    public int Events { get; set; }

    [GlobalSetup]
    public async Task Setup()
    {
        _directory = Path.Combine(Path.GetTempPath(), "tailor-bench-" + Guid.NewGuid().ToString("N"));
        _store = TailorDatabase.Sqlite(Path.Combine(_directory, "tailor.db"), TimeProvider.System);
        await _store.MigrateAsync(CancellationToken.None);
        var random = new Random(3);
        _template = [.. Enumerable.Range(0, Events).Select(i => SampleEvents.ToEvent(SampleEvents.Mixed(i, random, 100_000)))];
        _batch = new TailorEvent[Events];

        // A pipeline change set for 1,000 logged events: what one ProfilePipeline batch commits under the write lock.
        var pipelineEvents = Enumerable.Range(0, 1000).Select(i => SampleEvents.ToEvent(SampleEvents.Mixed(i, random, 100_000))).ToList();
        await _store.Events.AppendAsync(pipelineEvents, CancellationToken.None);
        var logged = await _store.Events.ReadAfterAsync(0, 1000, CancellationToken.None);
        var batch = new ProfileBatch([], new ProfileReducer(EngagementWeights.Default), DateTimeOffset.UtcNow);
        foreach (var e in logged) batch.Apply(EventView.Parse(e));
        _changes = batch.ToChangeSet(0, logged[^1].Sequence);
    }

    private ProfileChangeSet _changes = null!;

    /// <summary>
    /// SQLite CommitAsync of the change set of 1,000 events (profile upserts, identity links, per-event profile_id
    /// updates, trait history): the time the pipeline holds the single write lock that ingestion also needs.
    /// </summary>
    [Benchmark]
    public Task SqlitePipelineCommit1000() => _store.Profiles.CommitAsync(_changes, CancellationToken.None);

    [Benchmark]
    public async Task<bool[]> SqliteAppend100()
    {
        // Fresh message ids each time, so every event is new (the dedupe index is still consulted).
        for (var i = 0; i < _batch.Length; i++)
            _batch[i] = _template[i] with { MessageId = "b" + (++_next).ToString(CultureInfo.InvariantCulture) };
        return await _store.Events.AppendAsync(_batch, CancellationToken.None);
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _store?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
        GC.SuppressFinalize(this);
    }
}
