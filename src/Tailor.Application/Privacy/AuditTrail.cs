using Tailor.Core.Storage;

namespace Tailor.Application.Privacy;

/// <summary>
/// The audit trail (docs/privacy.md), once for the HTTP API and the CLI: record who did what, read it back with filters,
/// and forget entries past their retention.
/// </summary>
public sealed class AuditTrail(IAuditStore store, TimeProvider time)
{
    /// <summary>The most entries one read returns.</summary>
    public const int MaxListed = 1000;

    /// <summary>Longest a stored action or target is kept (a path is input: it is cut, not trusted).</summary>
    private const int MaxText = 300;

    public Task RecordAsync(string actor, string actorName, string action, string? target, int outcome, string? origin, CancellationToken ct) =>
        store.AppendAsync(new AuditEntry(0, time.GetUtcNow(), actor, actorName, Cut(action)!, Cut(target), outcome, Cut(origin)), ct);

    public async Task<OperationResult<IReadOnlyList<AuditEntry>>> ListAsync(AuditQuery query, CancellationToken ct)
    {
        if (query.Limit is < 1 or > MaxListed) return OperationProblem.Invalid("limit", $"must be between 1 and {MaxListed}");
        if (query is { From: { } from, To: { } to } && to <= from) return OperationProblem.Invalid("to", "must be after from");
        return new OperationResult<IReadOnlyList<AuditEntry>>(await store.ListAsync(query, ct), null);
    }

    /// <summary>Deletes entries older than <paramref name="retention"/>; answers how many went.</summary>
    public Task<long> ApplyRetentionAsync(TimeSpan retention, CancellationToken ct) => store.DeleteBeforeAsync(time.GetUtcNow() - retention, ct);

    /// <summary>At most <see cref="MaxText"/> characters, never half of a surrogate pair (PostgreSQL refuses one, and with it the commit the entry shares).</summary>
    private static string? Cut(string? text) =>
        text is not { Length: > MaxText } ? text : char.IsHighSurrogate(text[MaxText - 1]) ? text[..(MaxText - 1)] : text[..MaxText];
}
