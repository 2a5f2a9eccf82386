namespace Tailor.Core.Storage;

/// <summary>
/// The audit trail (docs/privacy.md): who did what, when and from where. Append-only: entries are never changed, and
/// deleted only by retention.
/// </summary>
public interface IAuditStore
{
    /// <summary>Appends an entry; its <see cref="AuditEntry.Seq"/> is assigned by the store.</summary>
    Task AppendAsync(AuditEntry entry, CancellationToken cancellationToken);

    /// <summary>Entries matching <paramref name="query"/>, newest first.</summary>
    Task<IReadOnlyList<AuditEntry>> ListAsync(AuditQuery query, CancellationToken cancellationToken);

    /// <summary>Deletes entries older than <paramref name="before"/>; answers how many.</summary>
    Task<long> DeleteBeforeAsync(DateTimeOffset before, CancellationToken cancellationToken);
}

/// <param name="Actor">The admin key's id (<c>key_…</c>), or <c>cli:USER</c> for a command run on the machine.</param>
/// <param name="ActorName">The key's name, or the command's user.</param>
/// <param name="Action">What was done, e.g. <c>POST /api/segments</c> or <c>cli keys create</c>.</param>
/// <param name="Target">The resource it was done to (a route's id), when there is one.</param>
/// <param name="Outcome">The HTTP status answered (0 for the CLI).</param>
/// <param name="Origin">Where from: the client's address, or the machine's name.</param>
public sealed record AuditEntry(long Seq, DateTimeOffset At, string Actor, string ActorName, string Action, string? Target, int Outcome, string? Origin);

/// <param name="Before">Only entries with a smaller sequence (paging: the last seq of the previous page).</param>
public sealed record AuditQuery(DateTimeOffset? From = null, DateTimeOffset? To = null, string? Actor = null, string? ActionPrefix = null, long? Before = null, int Limit = 100);
