using Npgsql;

namespace Tailor.LoadGen;

/// <summary>A fresh, empty PostgreSQL database for one run, dropped afterwards, so runs do not see each other's data.</summary>
internal sealed class PostgresDatabase : IAsyncDisposable
{
    private readonly string _admin;
    private readonly string _name;

    private PostgresDatabase(string admin, string name, string connectionString)
    {
        _admin = admin;
        _name = name;
        ConnectionString = connectionString;
    }

    public string ConnectionString { get; }

    public static async Task<PostgresDatabase> CreateAsync(string connectionString, CancellationToken ct)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (builder.Host is not ("127.0.0.1" or "localhost" or "::1"))
            throw new ArgumentException("Only a PostgreSQL server on loopback may be used.");
        var name = $"tailor_loadgen_{DateTime.UtcNow:yyyyMMddHHmmss}_{Random.Shared.Next(1000):D3}";
        var admin = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString;
        await ExecuteAsync(admin, $"CREATE DATABASE \"{name}\"", ct);
        builder.Database = name;
        return new PostgresDatabase(admin, name, builder.ConnectionString);
    }

    private static async Task ExecuteAsync(string connectionString, string sql, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The run database's size on disk (<c>pg_database_size</c>).</summary>
    public async Task<long> SizeAsync(CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand("SELECT pg_database_size(current_database())", connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async ValueTask DisposeAsync()
    {
        if (Environment.GetEnvironmentVariable("LOADGEN_KEEP_DATA") is not null) return;
        NpgsqlConnection.ClearAllPools();
        // An autovacuum worker may still be attached for a moment; retry a few times, then leave the database behind.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                await ExecuteAsync(_admin, $"DROP DATABASE IF EXISTS \"{_name}\"", timeout.Token);
                return;
            }
            catch (PostgresException ex) when (attempt < 5)
            {
                _ = ex;
                await Task.Delay(TimeSpan.FromSeconds(2));
            }
            catch (PostgresException ex)
            {
                await Console.Error.WriteLineAsync($"could not drop database {_name}: {ex.MessageText}");
                return;
            }
        }
    }
}
