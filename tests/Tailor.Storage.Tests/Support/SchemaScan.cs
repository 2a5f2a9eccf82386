using System.Data.Common;
using System.Text;

namespace Tailor.Storage.Tests.Support;

/// <summary>
/// Reads the schema from the database itself (sqlite_master, information_schema), so a table added by any later
/// migration is listed without anyone remembering to add it here; and scans every column of every row for strings.
/// </summary>
public static class SchemaScan
{
    /// <summary>The base tables of the database (not views), by name.</summary>
    public static async Task<IReadOnlyList<string>> TablesAsync(DbConnection c, CancellationToken ct) =>
        await ListAsync(c, Postgres(c)
            ? "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name"
            : "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name", ct);

    /// <summary>The columns of <paramref name="table"/>.</summary>
    public static async Task<IReadOnlyList<string>> ColumnsAsync(DbConnection c, string table, CancellationToken ct) =>
        await ListAsync(c, Postgres(c)
            ? $"SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = '{table}' ORDER BY ordinal_position"
            : $"SELECT name FROM pragma_table_info('{table}')", ct);

    /// <summary>True for a PostgreSQL connection.</summary>
    public static bool IsPostgres(DbConnection c) => Postgres(c);

    /// <summary>How many times each of <paramref name="tables"/> was vacuumed by hand (PostgreSQL's statistics; autovacuum not counted).</summary>
    public static async Task<IReadOnlyDictionary<string, long>> VacuumCountsAsync(DbConnection c, IReadOnlyCollection<string> tables, CancellationToken ct)
    {
        await using var command = c.CreateCommand();
        command.CommandText = $"SELECT relname, vacuum_count FROM pg_stat_user_tables WHERE schemaname = current_schema() AND relname IN ({string.Join(", ", tables.Select(t => $"'{t}'"))})";
        await using var reader = await command.ExecuteReaderAsync(ct);
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        while (await reader.ReadAsync(ct)) counts[reader.GetString(0)] = reader.GetInt64(1);
        return counts;
    }

    /// <summary>The one text value <paramref name="sql"/> selects.</summary>
    public static async Task<string> ScalarTextAsync(DbConnection c, string sql, CancellationToken ct)
    {
        await using var command = c.CreateCommand();
        command.CommandText = sql;
        return Convert.ToString(await command.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture) ?? "";
    }

    /// <summary>Runs <paramref name="sql"/> (a test's hand-made change to a row); returns the rows it changed.</summary>
    public static async Task<int> ExecuteAsync(DbConnection c, string sql, CancellationToken ct)
    {
        await using var command = c.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>How many lock requests on this database are waiting (PostgreSQL: <c>pg_locks</c> not granted).</summary>
    public static async Task<long> WaitingLocksAsync(DbConnection c, CancellationToken ct)
    {
        await using var command = c.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM pg_locks WHERE NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())";
        return Convert.ToInt64(await command.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The tables with the erasure fence's guard (a trigger named <c>erased_guard…</c>, migration 0039).</summary>
    public static async Task<IReadOnlySet<string>> GuardedTablesAsync(DbConnection c, CancellationToken ct) =>
        (await ListAsync(c, Postgres(c)
            ? "SELECT DISTINCT event_object_table FROM information_schema.triggers WHERE trigger_schema = current_schema() AND trigger_name = 'erased_guard' AND event_manipulation = 'INSERT'"
            : "SELECT DISTINCT tbl_name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'erased\\_guard\\_%' ESCAPE '\\' AND sql LIKE '%BEFORE INSERT%'", ct)).ToHashSet(StringComparer.Ordinal);

    /// <summary>
    /// Every place (<c>table.column</c>) whose value contains one of <paramref name="needles"/> (ignoring case): text as
    /// stored, JSON as text, and binary both as UTF-8 and decoded by <paramref name="decode"/> (SQLite's compact payloads).
    /// </summary>
    public static async Task<IReadOnlyList<string>> FindAsync(DbConnection c, IReadOnlyCollection<string> needles, Func<byte[], string?> decode, CancellationToken ct)
    {
        var hits = new List<string>();
        foreach (var table in await TablesAsync(c, ct))
            foreach (var column in await ColumnsAsync(c, table, ct))
            {
                await using var command = c.CreateCommand();
                command.CommandText = Postgres(c)
                    ? $"SELECT CASE WHEN pg_typeof(\"{column}\") = 'bytea'::regtype THEN NULL ELSE \"{column}\"::text END, CASE WHEN pg_typeof(\"{column}\") = 'bytea'::regtype THEN \"{column}\"::text END FROM \"{table}\""
                    : $"SELECT \"{column}\" FROM \"{table}\"";
                await using var reader = await command.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct))
                    foreach (var text in Texts(reader, decode))
                        foreach (var needle in needles)
                            if (text.Contains(needle, StringComparison.OrdinalIgnoreCase)) hits.Add($"{table}.{column} holds '{needle}'");
            }
        return [.. hits.Distinct()];
    }

    /// <summary>Every file under <paramref name="directory"/> whose bytes contain one of <paramref name="needles"/> (as UTF-8, ignoring ASCII case).</summary>
    public static IReadOnlyList<string> FindInFiles(string directory, IReadOnlyCollection<string> needles)
    {
        var hits = new List<string>();
        foreach (var file in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories))
        {
            var text = Encoding.Latin1.GetString(File.ReadAllBytes(file)); // one char per byte: ASCII needles match as they are stored
            foreach (var needle in needles)
                if (text.Contains(needle, StringComparison.OrdinalIgnoreCase)) hits.Add($"{Path.GetFileName(file)} holds '{needle}'");
        }
        return hits;
    }

    private static IEnumerable<string> Texts(DbDataReader reader, Func<byte[], string?> decode)
    {
        for (var i = 0; i < reader.FieldCount; i++)
        {
            if (reader.IsDBNull(i)) continue;
            switch (reader.GetValue(i))
            {
                case string s:
                    yield return s;
                    if (s.StartsWith("\\x", StringComparison.Ordinal) && TryHex(s[2..]) is { } hex) // PostgreSQL bytea as text
                    {
                        yield return Encoding.UTF8.GetString(hex);
                        if (decode(hex) is { } decodedHex) yield return decodedHex;
                    }
                    break;
                case byte[] bytes:
                    yield return Encoding.UTF8.GetString(bytes);
                    if (decode(bytes) is { } decoded) yield return decoded;
                    break;
                case var other:
                    yield return Convert.ToString(other, System.Globalization.CultureInfo.InvariantCulture) ?? "";
                    break;
            }
        }
    }

    private static byte[]? TryHex(string hex)
    {
        try { return Convert.FromHexString(hex); }
        catch (FormatException) { return null; }
    }

    private static bool Postgres(DbConnection c) => c.GetType().Name.StartsWith("Npgsql", StringComparison.Ordinal);

    private static async Task<List<string>> ListAsync(DbConnection c, string sql, CancellationToken ct)
    {
        await using var command = c.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync(ct);
        var list = new List<string>();
        while (await reader.ReadAsync(ct)) list.Add(reader.GetString(0));
        return list;
    }
}
