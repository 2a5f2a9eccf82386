using System.Text.Json;
using BenchmarkDotNet.Attributes;
using System.Runtime.InteropServices;
using Tailor.Core.Events;
using Tailor.Core.TrackingPlans;

namespace Tailor.Benchmarks;

/// <summary>The request path before the log: parse the body, validate each message.</summary>
[MemoryDiagnoser]
[ShortRunJob]
public class IngestionBenchmarks : IDisposable
{
    private JsonDocument _message = null!;
    private byte[] _batch = [];
    private readonly MessageParser.Arrival _arrival = new("src_bench", DateTimeOffset.UtcNow);
    private TrackingPlan _plan = null!;

    [GlobalSetup]
    public void Setup()
    {
        _message = JsonDocument.Parse(SampleEvents.ProductAdded("u000123", "3f1c2b7e9a8d4e0f8b6a5c4d3e2f1a0b"));
        var random = new Random(1);
        _batch = SampleEvents.Batch(Enumerable.Range(0, 100).Select(i => SampleEvents.Mixed(i, random, 100_000)));
        _plan = new TrackingPlan(
            [new EventSchema("Product Added", """{"type": "object", "required": ["sku", "price"], "properties": {"sku": {"type": "string"}, "price": {"type": "number"}, "quantity": {"type": "integer", "minimum": 1}}}""", DateTimeOffset.UnixEpoch)],
            new Dictionary<string, TrackingMode> { ["src_bench"] = TrackingMode.Block });
    }

    /// <summary>The text rules alone (part of <see cref="ParseMessage"/>): one pass over the message's UTF-8.</summary>
    [Benchmark]
    public bool TextRulesOnMessage() => TextRules.Check(JsonMarshal.GetRawUtf8Value(_message.RootElement)) is null;

    /// <summary>A tracking-plan check of one valid Product Added message from a source in block mode.</summary>
    [Benchmark]
    public int TrackingPlanCheck() => _plan.Check("src_bench", EventType.Track, "Product Added", _message.RootElement).Count;

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
