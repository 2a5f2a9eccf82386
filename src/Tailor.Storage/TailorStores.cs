using Tailor.Core.Storage;
using Tailor.Storage.Postgres;
using Tailor.Storage.Sqlite;

namespace Tailor.Storage;

/// <summary>Opens the configured store and brings its schema up to date.</summary>
public static class TailorStores
{
    /// <summary>The SQLite file inside a data directory.</summary>
    public static string SqlitePath(string dataDirectory) => Path.Combine(dataDirectory, "tailor.db");

    /// <param name="postgres">A PostgreSQL connection string; when null, SQLite under <paramref name="dataDirectory"/>.</param>
    public static async Task<ITailorStore> OpenAsync(string dataDirectory, string? postgres, CancellationToken cancellationToken)
    {
        ITailorStore store = string.IsNullOrEmpty(postgres)
            ? new SqliteTailorStore(SqlitePath(dataDirectory))
            : new PostgresTailorStore(postgres);
        try
        {
            await store.MigrateAsync(cancellationToken);
            return store;
        }
        catch
        {
            await store.DisposeAsync();
            throw;
        }
    }
}
