using Npgsql;

namespace Tailor.Server.Tests.Hosting;

/// <summary>
/// A fresh database on the PostgreSQL server named by <c>TAILOR_TEST_POSTGRES</c>, dropped on dispose. Skips the test
/// when the variable is not set (and fails it on CI, where it must be).
/// </summary>
public sealed class PostgresTestDatabase : IAsyncDisposable
{
    private readonly string _admin;

    private PostgresTestDatabase(string admin, string name)
    {
        _admin = admin;
        Name = name;
        ConnectionString = new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
    }

    public string Name { get; }
    public string ConnectionString { get; }

    public static async Task<PostgresTestDatabase> CreateAsync(string purpose)
    {
        var admin = Environment.GetEnvironmentVariable("TAILOR_TEST_POSTGRES");
        if (string.IsNullOrWhiteSpace(admin))
        {
            if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
                Assert.Fail("TAILOR_TEST_POSTGRES is not set: on CI the PostgreSQL tests must run.");
            Assert.Skip("PostgreSQL test skipped: set TAILOR_TEST_POSTGRES (scripts/test.sh does).");
        }
        var database = new PostgresTestDatabase(admin!, $"tailor_{purpose}_{Guid.NewGuid():N}");
        await ExecuteAsync(admin!, $"CREATE DATABASE \"{database.Name}\"");
        return database;
    }

    /// <summary>Runs one statement on the test database.</summary>
    public Task ExecuteAsync(string sql) => ExecuteAsync(ConnectionString, sql);

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(CancellationToken.None);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        // An autovacuum worker on the new database (another role) refuses FORCE with 42501 until it ends: retry a few times.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await ExecuteAsync(_admin, $"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)");
                return;
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege && attempt < 20)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250));
            }
        }
    }
}
