namespace Tailor.Core.Sources;

/// <summary>Reads rows for a pull from the business's own database (PostgreSQL), read-only, in cursor order.</summary>
public interface ISourceRowReader
{
    /// <summary>The connection without its password (host, port, database, user), or the rule the connection string breaks.</summary>
    (string? Description, string? Error) Describe(string connectionString);

    /// <summary>
    /// The next rows after <paramref name="cursor"/> (all from the start when null), ordered by the cursor column then the
    /// key, at most <paramref name="limit"/>; read in a read-only transaction with a statement timeout.
    /// </summary>
    Task<IReadOnlyList<PulledRow>> ReadAsync(string connectionString, PullQuery query, string? cursor, int limit, CancellationToken cancellationToken);
}

/// <summary>What a pull runs: the query as saved, and the columns that order it.</summary>
public sealed record PullQuery(string Sql, string CursorColumn, string KeyColumn);

/// <summary>One pulled row: its JSON (column → value), its key as text, and the cursor just past it (opaque, stored as is).</summary>
public sealed record PulledRow(string Json, string Key, string CursorValue, string Cursor);
