using System.Data.Common;
using System.Text;
using Tailor.Core.Storage;
using Tailor.Storage.Relational;

namespace Tailor.Storage.Audit;

/// <summary>
/// The audit trail: entries appended together share one commit (<see cref="GroupCommit{T}"/>; every profile read writes
/// one), read newest first, deleted only by retention.
/// </summary>
internal sealed class SqlAuditStore(SqlDatabase db) : IAuditStore
{
    private readonly GroupCommit<AuditEntry> _appends = new(entries => InsertAsync(db, entries));

    public Task AppendAsync(AuditEntry entry, CancellationToken cancellationToken) => _appends.AddAsync(entry, cancellationToken);

    private static Task InsertAsync(SqlDatabase db, IReadOnlyList<AuditEntry> entries) =>
        db.WriteAsync(async (c, t) =>
        {
            foreach (var entry in entries)
                await Db.ExecuteAsync(c, t, """
                    INSERT INTO audit_log (at, actor, actor_name, action, target, outcome, origin) VALUES (@at, @actor, @name, @action, @target, @outcome, @origin)
                    """, CancellationToken.None, ("at", Db.Ms(entry.At)), ("actor", entry.Actor), ("name", entry.ActorName), ("action", entry.Action),
                    ("target", entry.Target), ("outcome", entry.Outcome), ("origin", entry.Origin));
            return entries.Count;
        }, CancellationToken.None);

    public async Task<IReadOnlyList<AuditEntry>> ListAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        var sql = new StringBuilder("SELECT seq, at, actor, actor_name, action, target, outcome, origin FROM audit_log WHERE 1 = 1");
        var parameters = new List<(string, object?)>();
        void Where(string clause, string name, object value)
        {
            sql.Append(" AND ").Append(clause);
            parameters.Add((name, value));
        }
        if (query.From is { } from) Where("at >= @from", "from", Db.Ms(from));
        if (query.To is { } to) Where("at < @to", "to", Db.Ms(to));
        if (query.Actor is { } actor) Where("actor = @actor", "actor", actor);
        if (query.ActionPrefix is { } prefix) Where("substr(action, 1, @prefixLength) = @prefix", "prefix", prefix);
        if (query.ActionPrefix is { } p) parameters.Add(("prefixLength", p.Length));
        if (query.Before is { } before) Where("seq < @before", "before", before);
        sql.Append(" ORDER BY seq DESC LIMIT @limit");
        parameters.Add(("limit", query.Limit));
        await using var c = await db.OpenReadAsync(cancellationToken);
        return await Db.ListAsync(c, sql.ToString(), Read, cancellationToken, [.. parameters]);
    }

    public Task<long> DeleteBeforeAsync(DateTimeOffset before, CancellationToken cancellationToken) =>
        db.WriteAsync(async (c, t) => (long)await Db.ExecuteAsync(c, t, "DELETE FROM audit_log WHERE at < @before", cancellationToken, ("before", Db.Ms(before))),
            cancellationToken);

    private static AuditEntry Read(DbDataReader r) => new(r.GetInt64(0), ProfileColumns.FromMs(r.GetInt64(1)), r.GetString(2), r.GetString(3), r.GetString(4),
        r.IsDBNull(5) ? null : r.GetString(5), r.GetInt32(6), r.IsDBNull(7) ? null : r.GetString(7));
}
