using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Tailor.Core.Events;

namespace Tailor.Benchmarks;

/// <summary>The request path before the log: parse the body, validate each message.</summary>
[MemoryDiagnoser]
[ShortRunJob]
public class IngestionBenchmarks : IDisposable
{
    private JsonDocument _message = null!;
    private byte[] _batch = [];
    private readonly MessageParser.Arrival _arrival = new("src_bench", DateTimeOffset.UtcNow);

    [GlobalSetup]
    public void Setup()
    {
        _message = JsonDocument.Parse(SampleEvents.ProductAdded("u000123", "3f1c2b7e9a8d4e0f8b6a5c4d3e2f1a0b"));
        var random = new Random(1);
        _batch = SampleEvents.Batch(Enumerable.Range(0, 100).Select(i => SampleEvents.Mixed(i, random, 100_000)));
    }

    /// <summary>MessageParser.Parse on one typical (Product Added, ~700 B) message already parsed to a JsonElement.</summary>
    [Benchmark]
    public TailorEvent? ParseMessage() => SampleEvents.Parser.Parse(_message.RootElement, null, _arrival).Event;

    /// <summary>What one /v1/batch request costs before the log: JsonDocument.Parse of ~70 KB plus 100 MessageParser.Parse calls.</summary>
    [Benchmark]
    public int ParseBatchOf100()
    {
        using var document = JsonDocument.Parse(_batch);
        var count = 0;
        var index = 0;
        foreach (var message in document.RootElement.GetProperty("batch").EnumerateArray())
            if (SampleEvents.Parser.Parse(message, null, _arrival, index++).Event is not null) count++;
        return count;
    }

    public void Dispose()
    {
        _message?.Dispose();
        GC.SuppressFinalize(this);
    }
}
