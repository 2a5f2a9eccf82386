using System.Text.Json;
using System.Text.Json.Nodes;
using Tailor.Core.Content;
using Tailor.Core.Sources;
using Tailor.Core.Storage;

namespace Tailor.Application.Sources;

/// <summary>
/// The use cases of connector sources, shared by <c>/api/sources</c> and <c>tailor sources</c>: create, replace,
/// read, list, delete, pause, resume, status and test with a sample (docs/connectors.md).
/// </summary>
public sealed class SourceOperations(ISourceStore store, IDeadLetterStore deadLetters, InboundMapper mapper, ISourceRowReader rows, LiquidEngine liquid,
    IdSource ids, TimeProvider time)
{
    /// <summary>Rows a pull's test reads when no sample is given.</summary>
    public const int TestRows = 5;

    public async Task<OperationResult<SourceView>> CreateAsync(SourceRequest request, CancellationToken ct)
    {
        var kind = request.Kind ?? "";
        var checkedRequest = SourceRules.Check(request, kind, null, liquid, rows);
        if (checkedRequest.Problem is { } problem) return problem;
        var (settings, secret) = checkedRequest.Value;
        var now = time.GetUtcNow();
        var source = new InboundSource(ids.NewShort("src"), request.Name!.Trim(), kind, settings, secret, false, now, now,
            NextPullAt: kind == SourceKinds.Postgres ? now : null);
        if (!await store.CreateSourceAsync(source, ct)) return OperationProblem.Conflict("name", "must be unique: a source with this name exists");
        return SourceView.Of(source, rows);
    }

    public async Task<OperationResult<SourceView>> UpdateAsync(string id, SourceRequest request, CancellationToken ct)
    {
        if (await store.GetSourceAsync(id, ct) is not { } existing) return OperationProblem.NotFound("id", "must be an existing source");
        if (request.Kind is { } kind && kind != existing.Kind) return OperationProblem.Invalid("kind", $"cannot change (it is {existing.Kind}): create a new source");
        var checkedRequest = SourceRules.Check(request, existing.Kind, existing.Secret, liquid, rows);
        if (checkedRequest.Problem is { } problem) return problem;
        var (settings, secret) = checkedRequest.Value;
        var name = request.Name!.Trim();
        if (name != existing.Name && await store.FindSourceByNameAsync(name, ct) is not null)
            return OperationProblem.Conflict("name", "must be unique: a source with this name exists");
        // A millisecond later at least, so the compiled mapping of the old version is never taken for this one.
        var now = time.GetUtcNow();
        var updated = existing with
        {
            Name = name, Settings = settings, Secret = secret,
            UpdatedAt = now > existing.UpdatedAt.AddMilliseconds(1) ? now : existing.UpdatedAt.AddMilliseconds(1),
            NextPullAt = existing.Kind == SourceKinds.Postgres ? now : null,
        };
        return await store.UpdateSourceAsync(updated, ct) ? SourceView.Of(updated, rows) : OperationProblem.NotFound("id", "must be an existing source");
    }

    public async Task<OperationResult<SourceView>> GetAsync(string idOrName, CancellationToken ct) =>
        await FindAsync(idOrName, ct) is { } source ? SourceView.Of(source, rows) : OperationProblem.NotFound("id", "must be an existing source");

    public async Task<IReadOnlyList<SourceView>> ListAsync(CancellationToken ct) => [.. (await store.ListSourcesAsync(ct)).Select(s => SourceView.Of(s, rows))];

    public async Task<OperationResult<SourceView>> DeleteAsync(string idOrName, CancellationToken ct)
    {
        if (await FindAsync(idOrName, ct) is not { } source || !await store.DeleteSourceAsync(source.Id, ct)) return OperationProblem.NotFound("id", "must be an existing source");
        return SourceView.Of(source, rows);
    }

    /// <summary>Pauses (a webhook source answers 503, so senders retry later; a pull stops) or resumes a source.</summary>
    public async Task<OperationResult<SourceView>> SetPausedAsync(string idOrName, bool paused, CancellationToken ct)
    {
        if (await FindAsync(idOrName, ct) is not { } source || !await store.SetPausedAsync(source.Id, paused, time.GetUtcNow(), ct))
            return OperationProblem.NotFound("id", "must be an existing source");
        return SourceView.Of((await store.GetSourceAsync(source.Id, ct))!, rows);
    }

    /// <summary>The source's stored status: events, dead letters pending, last error and, for a pull, its cursor and runs.</summary>
    public async Task<OperationResult<SourceStatus>> StatusAsync(string idOrName, CancellationToken ct)
    {
        if (await FindAsync(idOrName, ct) is not { } s) return OperationProblem.NotFound("id", "must be an existing source");
        var events = await store.CountEventsAsync(s.Id, ct);
        var pending = await PendingDeadLettersAsync(s.Id, ct);
        var state = s.Paused ? "paused" : "active";
        if (s.Kind != SourceKinds.Postgres) return new SourceStatus(s.Id, s.Name, s.Kind, state, events, pending, s.LastError, s.LastErrorAt);
        var cursor = s.Cursor is null ? null : JsonNode.Parse(s.Cursor)?["Value"]?.GetValue<string>();
        return new SourceStatus(s.Id, s.Name, s.Kind, state, events, pending, s.LastError, s.LastErrorAt, cursor, s.LastRunAt, s.LastRunRows, s.NextPullAt);
    }

    /// <summary>
    /// Maps a sample payload as the source would (a Shopify sample needs its <paramref name="topic"/>); for a pull
    /// without a sample, the next rows after the cursor. Nothing is stored and the cursor does not move.
    /// </summary>
    public async Task<OperationResult<SourcePreview>> TestAsync(string idOrName, JsonElement? sample, string? topic, CancellationToken ct)
    {
        if (await FindAsync(idOrName, ct) is not { } source) return OperationProblem.NotFound("id", "must be an existing source");
        var now = time.GetUtcNow();
        var payloads = new List<InboundPayload>();
        if (sample is { } body)
        {
            var text = body.GetRawText();
            payloads.Add(new InboundPayload(source.Id, text, topic, source.Kind == SourceKinds.Shopify ? "test" : null, SourceDeadLetters.IdBase("test", text), now));
        }
        else if (source.Kind == SourceKinds.Postgres)
        {
            IReadOnlyList<PulledRow> next;
            try
            {
                next = await rows.ReadAsync(source.Secret, new PullQuery(source.Settings.Query!, source.Settings.CursorColumn!, source.Settings.KeyColumn!), source.Cursor, TestRows, ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                return OperationProblem.Invalid("query", $"could not be run: {e.Message}");
            }
            payloads.AddRange(next.Select(r => PullRunner.Payload(source.Id, r, now)));
        }
        else
        {
            return OperationProblem.Invalid("sample", "is required: a payload as the sender would post it");
        }
        var messages = new List<JsonObject>();
        string? ignored = null;
        for (var i = 0; i < payloads.Count; i++)
        {
            try
            {
                var batch = await mapper.MapAsync(source, payloads[i], ct, preview: true);
                messages.AddRange(batch.Messages);
                ignored ??= batch.Ignored;
            }
            catch (MappingException e)
            {
                return OperationProblem.Invalid(payloads.Count > 1 ? $"rows[{i}].{e.Field}" : e.Field, e.Message[(e.Field.Length + 2)..]);
            }
        }
        return new SourcePreview(messages, payloads.Count, ignored);
    }

    private async Task<InboundSource?> FindAsync(string idOrName, CancellationToken ct) =>
        await store.GetSourceAsync(idOrName, ct) ?? await store.FindSourceByNameAsync(idOrName, ct);

    private async Task<long> PendingDeadLettersAsync(string sourceId, CancellationToken ct)
    {
        long count = 0;
        long? before = null;
        for (var page = 0; page < 20; page++) // at most 10,000 looked at: a status read stays cheap
        {
            var letters = await deadLetters.ListDeadLettersAsync(new DeadLetterQuery(SourceDeadLetters.Stage, Pending: true, Before: before, Limit: 500), ct);
            if (letters.Count == 0) break;
            foreach (var letter in letters) if (letter.SourceId == sourceId) count++;
            before = letters[^1].Id;
        }
        return count;
    }
}
