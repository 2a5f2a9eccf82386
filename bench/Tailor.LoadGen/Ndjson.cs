using System.Text;
using System.Text.Json;

namespace Tailor.LoadGen;

/// <summary>The load's messages as NDJSON, so the same mix can go through <c>tailor import</c> (no HTTP, no timing).</summary>
internal static class Ndjson
{
    public static async Task WriteAsync(string path, int count, Zipf users, int seed, CancellationToken ct)
    {
        using var factory = new EventFactory(users, new Random(seed));
        await using var file = new StreamWriter(path, append: false, new UTF8Encoding(false));
        var ranks = new int[100];
        var start = new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);
        for (var written = 0; written < count; written += 100)
        {
            var n = Math.Min(100, count - written);
            using var batch = JsonDocument.Parse(factory.Batch(n, start.AddSeconds(written / 1000.0), ranks));
            foreach (var message in batch.RootElement.GetProperty("batch").EnumerateArray())
                await file.WriteLineAsync(message.GetRawText().AsMemory(), ct);
        }
    }
}
