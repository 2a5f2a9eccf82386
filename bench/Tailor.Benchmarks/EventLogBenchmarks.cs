using System.Globalization;
using BenchmarkDotNet.Attributes;
using Tailor.Core.Events;
using Tailor.Storage.Sqlite;

namespace Tailor.Benchmarks;

/// <summary>One group commit: AppendAsync of 100 new events to a SQLite log in a temp file (WAL, synchronous=FULL).</summary>
[MemoryDiagnoser]
[ShortRunJob]
public class EventLogBenchmarks : IDisposable
{
    private string _directory = "";
    private SqliteTailorStore _store = null!;
    private TailorEvent[] _template = [];
    private TailorEvent[] _batch = [];
    private long _next;

    [Params(100)]
    public int Events { get; set; }

    [GlobalSetup]
    public async Task Setup()
    {
        _directory = Path.Combine(Path.GetTempPath(), "tailor-bench-" + Guid.NewGuid().ToString("N"));
        _store = new SqliteTailorStore(Path.Combine(_directory, "tailor.db"));
        await _store.MigrateAsync(CancellationToken.None);
        var random = new Random(3);
        _template = [.. Enumerable.Range(0, Events).Select(i => SampleEvents.ToEvent(SampleEvents.Mixed(i, random, 100_000)))];
        _batch = new TailorEvent[Events];
    }

    [Benchmark]
    public async Task<bool[]> SqliteAppend100()
    {
        // Fresh message ids each time, so every event is new (the dedupe index is still consulted).
        for (var i = 0; i < _batch.Length; i++)
            _batch[i] = _template[i] with { MessageId = "b" + (++_next).ToString(CultureInfo.InvariantCulture) };
        return await _store.AppendAsync(_batch, CancellationToken.None);
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _store?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
        GC.SuppressFinalize(this);
    }
}
