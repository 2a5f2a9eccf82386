using System.Data.Common;
using System.Globalization;
using System.Text;
using Tailor.Core.Storage;
using Tailor.Storage.Relational;

namespace Tailor.Storage.DeadLetters;

/// <summary>The dead-letter store: what background stages set aside (<see cref="DeadLetter"/>, table <c>dead_letters</c>).</summary>
internal sealed class SqlDeadLetterStore(SqlDatabase db) : IDeadLetterStore
{
    private const string DeadLetterColumnsSql = "id, stage, item_key, source_id, payload, reason, error_type, attempts, created_at, replayed_at, replay_note";

    public async Task<DeadLetter> AddDeadLetterAsync(DeadLetter entry, CancellationToken cancellationToken)
    {
        var insert = Insert(db, entry);
        var id = await db.WriteAsync(async (c, t) => Convert.ToInt64(await Db.ScalarAsync(c, t, insert.Sql + " RETURNING id", cancellationToken, [.. insert.Parameters]),
            CultureInfo.InvariantCulture), cancellationToken);
        return (await GetDeadLetterAsync(id, cancellationToken))!;
    }

    public async Task<DeadLetter?> GetDeadLetterAsync(long id, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenReadAsync(cancellationToken);
        var list = await Db.ListAsync(c, $"SELECT {DeadLetterColumnsSql} FROM dead_letters WHERE id = @id", r => ReadDeadLetter(db, r), cancellationToken, ("id", id));
        return list.Count == 0 ? null : list[0];
    }

    public async Task<IReadOnlyList<DeadLetter>> ListDeadLettersAsync(DeadLetterQuery query, CancellationToken cancellationToken)
    {
        var sql = new StringBuilder($"SELECT {DeadLetterColumnsSql} FROM dead_letters WHERE 1 = 1");
        var parameters = new List<(string, object?)> { ("limit", query.Limit) };
        if (query.Stage is { } stage)
        {
            sql.Append(" AND stage = @stage");
            parameters.Add(("stage", stage));
        }
        if (query.Pending is { } pending) sql.Append(pending ? " AND replayed_at IS NULL" : " AND replayed_at IS NOT NULL");
        if (query.Before is { } before)
        {
            sql.Append(" AND id < @before");
            parameters.Add(("before", before));
        }
        sql.Append(" ORDER BY id DESC LIMIT @limit");
        await using var c = await db.OpenReadAsync(cancellationToken);
        return await Db.ListAsync(c, sql.ToString(), r => ReadDeadLetter(db, r), cancellationToken, [.. parameters]);
    }

    public async Task<IReadOnlyDictionary<string, long>> PendingDeadLettersAsync(CancellationToken cancellationToken)
    {
        await using var c = await db.OpenReadAsync(cancellationToken);
        var rows = await Db.ListAsync(c, "SELECT stage, COUNT(*) FROM dead_letters WHERE replayed_at IS NULL GROUP BY stage",
            r => (r.GetString(0), Convert.ToInt64(r.GetValue(1), CultureInfo.InvariantCulture)), cancellationToken);
        return rows.ToDictionary(r => r.Item1, r => r.Item2, StringComparer.Ordinal);
    }

    public async Task<bool> MarkDeadLetterReplayedAsync(long id, DateTimeOffset at, string note, CancellationToken cancellationToken)
    {
        var mark = MarkReplayed(id, at, note);
        return await db.WriteAsync((c, t) => Db.ExecuteAsync(c, t, mark.Sql, cancellationToken, [.. mark.Parameters]), cancellationToken) == 1;
    }

    /// <summary>The insert of a new entry, for stores that set items aside inside another transaction (the profile pipeline's commit).</summary>
    /// <remarks>The body is encrypted whatever the field list says: it is what could not be read, so it may hold anything.</remarks>
    internal static Statement Insert(SqlDatabase db, DeadLetter e) => new(
        "INSERT INTO dead_letters (stage, item_key, source_id, payload, reason, error_type, attempts, created_at) VALUES (@stage, @key, @source, @payload, @reason, @type, @attempts, @at)",
        ("stage", Safe(e.Stage)), ("key", Safe(e.Key)), ("source", e.SourceId is null ? null : Safe(e.SourceId)), ("payload", db.Protection.ProtectAlways(Safe(e.Payload), Scope(Safe(e.Stage), Safe(e.Key)))),
        ("reason", Safe(e.Reason)), ("type", e.ErrorType is null ? null : Safe(e.ErrorType)), ("attempts", e.Attempts), ("at", Db.Ms(e.CreatedAt)));

    /// <summary>Marks a pending entry replayed; affects no row when it is not pending.</summary>
    internal static Statement MarkReplayed(long id, DateTimeOffset at, string note) => new(
        "UPDATE dead_letters SET replayed_at = @at, replay_note = @note WHERE id = @id AND replayed_at IS NULL",
        ("id", id), ("at", Db.Ms(at)), ("note", Safe(note)));

    /// <summary>The binding of a dead letter's encrypted body: its stage and item key.</summary>
    internal static string Scope(string stage, string key) => string.Concat("dead_letter:", stage, ":", key);

    private static DeadLetter ReadDeadLetter(SqlDatabase db, DbDataReader r) => new(
        r.GetInt64(0), r.GetString(1), r.GetString(2), r.NullableString(3), db.Protection.RevealText(r.GetString(4), "", Scope(r.GetString(1), r.GetString(2)))!, r.GetString(5), r.NullableString(6), r.GetInt32(7),
        ProfileColumns.FromMs(r.GetInt64(8)), r.IsDBNull(9) ? null : ProfileColumns.FromMs(r.GetInt64(9)), r.NullableString(10));

    /// <summary>
    /// Text every backend can hold: NUL (PostgreSQL text refuses it) and lone UTF-16 surrogates (not encodable as
    /// UTF-8) become U+FFFD. What failed is often exactly such text, and setting it aside must not fail as well.
    /// </summary>
    private static string Safe(string text)
    {
        StringBuilder? safe = null;
        for (var i = 0; i < text.Length; i++)
        {
            var ch = text[i];
            var bad = ch == '\0'
                || (char.IsHighSurrogate(ch) && (i + 1 >= text.Length || !char.IsLowSurrogate(text[i + 1])))
                || (char.IsLowSurrogate(ch) && (i == 0 || !char.IsHighSurrogate(text[i - 1])));
            if (bad) (safe ??= new StringBuilder(text, 0, i, text.Length)).Append('\uFFFD');
            else safe?.Append(ch);
        }
        return safe?.ToString() ?? text;
    }
}
