using Tailor.Core.Sources;
using Tailor.Core.Storage;

namespace Tailor.Application.Sources;

/// <summary>
/// Runs one pull of a postgres source: reads the rows after its cursor, maps each like a webhook payload, and commits
/// the events with the new cursor in one transaction (<see cref="ISourceStore.CommitPullAsync"/>). A crash before the
/// commit leaves the cursor where it was, so the next run reads the same rows again and makes the same messageIds
/// (derived from the source, the row's key and its cursor value): nothing is lost and nothing is stored twice.
/// Rows that cannot be mapped are set aside before the commit (a crash may set one aside twice, never lose it).
/// </summary>
public sealed class PullRunner(ISourceStore store, ISourceRowReader reader, InboundMapper mapper, IDeadLetterStore deadLetters, TimeProvider time)
{
    public async Task<PullOutcome> RunAsync(InboundSource source, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var settings = source.Settings;
        var rows = await reader.ReadAsync(source.Secret, new PullQuery(settings.Query!, settings.CursorColumn!, settings.KeyColumn!), source.Cursor, settings.BatchSizeOrDefault, ct);
        var events = new List<Core.Events.TailorEvent>();
        var setAside = 0;
        foreach (var row in rows)
        {
            var payload = Payload(source.Id, row, now);
            try
            {
                events.AddRange((await mapper.MapAsync(source, payload, ct)).Events);
            }
            catch (MappingException e)
            {
                await deadLetters.AddDeadLetterAsync(SourceDeadLetters.For(payload, e, now), ct);
                setAside++;
            }
        }
        var more = rows.Count == settings.BatchSizeOrDefault;
        var commit = new PullCommit(source.Id, source.Cursor, rows.Count > 0 ? rows[^1].Cursor : source.Cursor, events, rows.Count, now, more ? now : now + settings.Every);
        var stored = await store.CommitPullAsync(commit, ct);
        if (stored is null) return new PullOutcome(rows.Count, 0, setAside, false, false);
        var appended = 0;
        foreach (var isNew in stored) if (isNew) appended++;
        return new PullOutcome(rows.Count, appended, setAside, true, more);
    }

    /// <summary>A row as a payload: messageIds the mapping does not give derive from the source, the row's key and its cursor value.</summary>
    public static InboundPayload Payload(string sourceId, PulledRow row, DateTimeOffset at) =>
        new(sourceId, row.Json, null, null, SourceDeadLetters.IdBase("row", sourceId, row.Key, row.CursorValue), at);
}
