using System.Data.Common;

namespace Tailor.Storage.Relational;

/// <summary>Small ADO.NET helpers shared by both stores.</summary>
internal static class Db
{
    public static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        foreach (var (name, value) in parameters) Add(command, name, value);
        return command;
    }

    public static void Add(DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        // With its prefix: Microsoft.Data.Sqlite otherwise looks each name up again under "@", "$" and ":" on every
        // execution, which was a fifth of a segment recompute (Npgsql strips the prefix).
        parameter.ParameterName = name.StartsWith('@') ? name : "@" + name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
    }

    public static async Task<int> ExecuteAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken ct, params (string, object?)[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        return await command.ExecuteNonQueryAsync(ct);
    }

    public static async Task<object?> ScalarAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken ct, params (string, object?)[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        var value = await command.ExecuteScalarAsync(ct);
        return value is DBNull ? null : value;
    }

    public static Task<List<T>> ListAsync<T>(DbConnection connection, string sql, Func<DbDataReader, T> map, CancellationToken ct, params (string, object?)[] parameters) =>
        ListAsync(connection, null, sql, map, ct, parameters);

    public static async Task<List<T>> ListAsync<T>(DbConnection connection, DbTransaction? transaction, string sql, Func<DbDataReader, T> map, CancellationToken ct, params (string, object?)[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var list = new List<T>();
        while (await reader.ReadAsync(ct)) list.Add(map(reader));
        return list;
    }

    public static string? NullableString(this DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    public static long Ms(DateTimeOffset time) => time.ToUnixTimeMilliseconds();
    /// <summary>An SQL list of parameters (<c>@p0, @p1, …</c>) for <paramref name="values"/>, with the parameters.</summary>
    public static (string Sql, (string, object?)[] Parameters) InList(IEnumerable<string> values, string prefix = "p")
    {
        var sql = new System.Text.StringBuilder();
        var parameters = new List<(string, object?)>();
        foreach (var value in values)
        {
            sql.Append(parameters.Count == 0 ? "@" : ", @").Append(prefix).Append(parameters.Count);
            parameters.Add(($"{prefix}{parameters.Count}", value));
        }
        return (sql.ToString(), [.. parameters]);
    }
}
