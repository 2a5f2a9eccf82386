using System.Text.Json;
using System.Text.RegularExpressions;
using Npgsql;
using Tailor.Core.Sources;

namespace Tailor.Storage.Sources;

/// <summary>
/// Reads a pull's rows from PostgreSQL. The saved query is wrapped, never edited:
/// <c>SELECT row_to_json(q) … FROM (query) AS q WHERE (q.cursor, q.key) &gt; (@cursor, @key) ORDER BY q.cursor, q.key LIMIT @limit</c>,
/// so rows that share a cursor value are neither skipped nor repeated across batches. It runs in a
/// <c>READ ONLY</c> transaction with a statement timeout: a query that tries to write is refused by the server.
/// </summary>
public sealed partial class PostgresRowReader : ISourceRowReader
{
    /// <summary>Longest one read may run on the source database.</summary>
    public static readonly TimeSpan StatementTimeout = TimeSpan.FromSeconds(30);

    [GeneratedRegex(@"^[a-z][a-z0-9_ ]*(\[\])?$", RegexOptions.CultureInvariant)]
    private static partial Regex TypeName();

    public (string? Description, string? Error) Describe(string connectionString)
    {
        try
        {
            var b = new NpgsqlConnectionStringBuilder(connectionString);
            if (string.IsNullOrEmpty(b.Host)) return (null, "must name a Host");
            return ($"Host={b.Host};Port={b.Port};Database={b.Database};Username={b.Username}", null);
        }
        catch (ArgumentException e)
        {
            return (null, $"must be a PostgreSQL connection string ({e.Message.Split('\n')[0]})");
        }
    }

    public async Task<IReadOnlyList<PulledRow>> ReadAsync(string connectionString, PullQuery query, string? cursor, int limit, CancellationToken cancellationToken)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { ApplicationName = "tailor-source" };
        if (builder.Timeout == 15) builder.Timeout = 10; // the default connect timeout, shortened: a pull is retried on its schedule
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);
        await using (var setup = new NpgsqlCommand($"SET TRANSACTION READ ONLY; SET LOCAL statement_timeout = {(int)StatementTimeout.TotalMilliseconds}", connection, transaction))
            await setup.ExecuteNonQueryAsync(cancellationToken);

        var c = Quote(query.CursorColumn);
        var k = Quote(query.KeyColumn);
        var sql = query.Sql.Trim().TrimEnd(';');
        // A row without a cursor or key cannot be ordered: it is not pulled.
        var where = $"WHERE q.{c} IS NOT NULL AND q.{k} IS NOT NULL";
        await using var command = new NpgsqlCommand { Connection = connection, Transaction = transaction };
        if (cursor is not null)
        {
            var at = JsonSerializer.Deserialize<Position>(cursor) ?? throw new InvalidDataException("the stored cursor is empty");
            if (!TypeName().IsMatch(at.ValueType) || !TypeName().IsMatch(at.KeyType)) throw new InvalidDataException("the stored cursor names a type that is not a plain type name");
            where += $" AND (q.{c}, q.{k}) > (CAST(@cursor AS {at.ValueType}), CAST(@key AS {at.KeyType}))";
            command.Parameters.AddWithValue("cursor", at.Value);
            command.Parameters.AddWithValue("key", at.Key);
        }
        command.CommandText = $"""
            SELECT row_to_json(q)::text, q.{c}::text, q.{k}::text, pg_typeof(q.{c})::text, pg_typeof(q.{k})::text
            FROM ({sql}
            ) AS q {where}
            ORDER BY q.{c}, q.{k} LIMIT @limit
            """;
        command.Parameters.AddWithValue("limit", limit);
        var rows = new List<PulledRow>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var position = new Position(reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4));
                rows.Add(new PulledRow(reader.GetString(0), position.Key, position.Value, JsonSerializer.Serialize(position)));
            }
        }
        await transaction.CommitAsync(cancellationToken);
        return rows;
    }

    /// <summary>A column name as a quoted identifier (names are checked at save: letters, digits and underscores).</summary>
    private static string Quote(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private sealed record Position(string Value, string Key, string ValueType, string KeyType);
}
