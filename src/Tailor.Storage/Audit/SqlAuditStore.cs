using System.Data.Common;
using System.Text;
using Tailor.Core.Storage;
using Tailor.Storage.Relational;

namespace Tailor.Storage.Audit;

/// <summary>
/// The audit trail: entries appended together share one commit (<see cref="GroupCommit{T}"/>; every profile read writes
/// one), read newest first, deleted only by retention. On SQLite they are made durable in the database's
/// <see cref="SqliteAuditJournal"/> and reach <c>audit_log</c> from there; reads move them first.
/// </summary>
internal sealed class SqlAuditStore(SqlDatabase db) : IAuditStore
{
    private readonly GroupCommit<AuditEntry> _appends = new(entries => db.AuditJournal is { } journal
        ? journal.AppendAsync(entries)
        : db.WriteAsync(async (c, t) =>
        {
            await InsertAsync(c, t, "audit_log", entries);
            return entries.Count;
        }, CancellationToken.None));

    public Task AppendAsync(AuditEntry entry, CancellationToken cancellationToken) => _appends.AddAsync(entry, cancellationToken);

    /// <summary>Inserts <paramref name="entries"/> into <paramref name="table"/> (<c>audit_log</c>, which numbers them, or SQLite's journal) with one prepared command.</summary>
    internal static async Task InsertAsync(DbConnection c, DbTransaction? t, string table, IReadOnlyList<AuditEntry> entries)
    {
        await using var insert = Db.Command(c, t, $"""
            INSERT INTO {table} (at, actor, actor_name, action, target, outcome, origin) VALUES (@at, @actor, @name, @action, @target, @outcome, @origin)
            """, ("at", null), ("actor", null), ("name", null), ("action", null), ("target", null), ("outcome", null), ("origin", null));
        foreach (var entry in entries)
        {
            object?[] values = [Db.Ms(entry.At), entry.Actor, entry.ActorName, entry.Action, entry.Target, entry.Outcome, entry.Origin];
            for (var i = 0; i < values.Length; i++) insert.Parameters[i].Value = values[i] ?? DBNull.Value;
            await insert.ExecuteNonQueryAsync();
        }
    }

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
        if (db.AuditJournal is { } journal) await journal.FlushAsync(cancellationToken);
        await using var c = await db.OpenReadAsync(cancellationToken);
        return await Db.ListAsync(c, sql.ToString(), Read, cancellationToken, [.. parameters]);
    }

    public Task<long> DeleteBeforeAsync(DateTimeOffset before, CancellationToken cancellationToken) =>
        db.WriteAsync(async (c, t) => (long)await Db.ExecuteAsync(c, t, "DELETE FROM audit_log WHERE at < @before", cancellationToken, ("before", Db.Ms(before))),
            cancellationToken);

    /// <summary>An entry from <c>seq, at, actor, actor_name, action, target, outcome, origin</c>.</summary>
    internal static AuditEntry Read(DbDataReader r) => new(r.GetInt64(0), ProfileColumns.FromMs(r.GetInt64(1)), r.GetString(2), r.GetString(3), r.GetString(4),
        r.IsDBNull(5) ? null : r.GetString(5), r.GetInt32(6), r.IsDBNull(7) ? null : r.GetString(7));
}
