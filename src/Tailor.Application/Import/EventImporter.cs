using System.Security.Cryptography;
using System.Text.Json;
using Tailor.Application.Sources;
using Tailor.Core.Events;
using Tailor.Core.Storage;

namespace Tailor.Application.Import;

/// <summary>
/// Validates import records with the same rules as the HTTP API and appends them to the event log in batches.
/// After each batch it saves a checkpoint, so a re-run of the same file resumes after the last saved record;
/// messages without a messageId get one derived from the file and record number, so a batch written just before
/// a crash is not counted twice when it is replayed. The source's privacy policy (<see cref="SourcePolicies"/>: analytics
/// consent mode, allow and deny lists) applies to imported events exactly as to events sent to the API.
/// </summary>
/// <param name="policies">The sources' privacy policies; null only where no source can have one (a demo's own source).</param>
public sealed class EventImporter(IEventLog log, IAccessStore access, IngestionLimits limits, TimeProvider time, SourcePolicies? policies = null)
{
    public const int DefaultBatchSize = 1000;

    public sealed record Rejection(long Record, string Field, string Rule);

    /// <param name="DroppedByPolicy">Events the source's privacy policy dropped (no analytics consent, mode <c>drop</c>) in this run.</param>
    public sealed record Report(long Accepted, long Duplicates, long Rejected, long Skipped, IReadOnlyList<Rejection> FirstRejections, long DroppedByPolicy = 0);

    /// <param name="fileKey">Identifies the file's content for checkpoints (see <see cref="FileKeyAsync"/>).</param>
    /// <param name="rejects">Receives one JSON line per rejected record.</param>
    /// <param name="onBatch">Called after each committed batch with the running totals.</param>
    public async Task<Report> ImportAsync(IAsyncEnumerable<ImportRecord> records, string fileKey, string path, Source source,
        TextWriter rejects, Action<Report>? onBatch, CancellationToken ct, int batchSize = DefaultBatchSize)
    {
        var checkpoint = await access.GetImportCheckpointAsync(fileKey, ct);
        long done = checkpoint?.LinesDone ?? 0, accepted = checkpoint?.Accepted ?? 0, rejected = checkpoint?.Rejected ?? 0;
        long duplicates = 0, current = 0, droppedByPolicy = 0;
        var skipped = done;
        var first = new List<Rejection>();
        var parser = new MessageParser(limits, () => $"import-{fileKey[..16]}-{current}");
        var batch = new List<TailorEvent>(batchSize);

        async Task FlushAsync(long upTo)
        {
            // The same policy as ingestion, before anything is stored: what the source may not keep never reaches the log.
            var kept = policies is null ? batch : await policies.ApplyAsync(source.Id, batch, ct);
            droppedByPolicy += batch.Count - kept.Count;
            var stored = await log.AppendAsync(kept, ct);
            foreach (var isNew in stored)
                if (isNew) accepted++; else duplicates++;
            batch.Clear();
            done = upTo;
            await access.SaveImportCheckpointAsync(new ImportCheckpoint(fileKey, path, done, accepted, rejected, time.GetUtcNow()), ct);
            onBatch?.Invoke(new Report(accepted, duplicates, rejected, skipped, first, droppedByPolicy));
        }

        await foreach (var record in records.WithCancellation(ct))
        {
            if (record.Number <= skipped && record.Number > 0) continue;
            current = record.Number;
            var error = record.Json is null ? new ValidationError(record.Field!, record.Rule!) : Parse(parser, record.Json, source, batch);
            if (error is not null)
            {
                rejected++;
                if (first.Count < 20) first.Add(new Rejection(record.Number, error.Field, error.Rule));
                await rejects.WriteLineAsync(JsonSerializer.Serialize(new { record = record.Number, field = error.Field, rule = error.Rule }).AsMemory(), ct);
            }
            if (batch.Count >= batchSize) await FlushAsync(record.Number);
            else done = record.Number;
        }
        await FlushAsync(Math.Max(done, current));
        return new Report(accepted, duplicates, rejected, skipped, first, droppedByPolicy);
    }

    private ValidationError? Parse(MessageParser parser, string json, Source source, List<TailorEvent> batch)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var result = parser.Parse(document.RootElement, null, new MessageParser.Arrival(source.Id, time.GetUtcNow()));
            if (result.Error is not null) return result.Error;
            batch.Add(result.Event!);
            return null;
        }
        catch (JsonException ex)
        {
            return new ValidationError("json", $"must be valid JSON ({ex.Message})");
        }
    }

    /// <summary>Identifies a file by its length and the hash of its first megabyte: renaming it keeps its checkpoint.</summary>
    public static async Task<string> FileKeyAsync(string path, CancellationToken ct)
    {
        await using var stream = File.OpenRead(path);
        var head = new byte[Math.Min(stream.Length, 1 << 20)];
        await stream.ReadExactlyAsync(head, ct);
        return $"{Convert.ToHexStringLower(SHA256.HashData(head))}-{stream.Length}";
    }
}
