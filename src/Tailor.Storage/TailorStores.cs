namespace Tailor.Storage;

/// <summary>Opens the configured database and brings its schema up to date.</summary>
public static class TailorStores
{
    /// <summary>The SQLite file inside a data directory.</summary>
    public static string SqlitePath(string dataDirectory) => Path.Combine(dataDirectory, "tailor.db");

    /// <param name="postgres">A PostgreSQL connection string; when null, SQLite under <paramref name="dataDirectory"/>.</param>
    /// <param name="time">The clock migrations are recorded on.</param>
    public static Task<TailorDatabase> OpenAsync(string dataDirectory, string? postgres, TimeProvider time, CancellationToken cancellationToken) =>
        OpenAsync(dataDirectory, postgres, time, null, cancellationToken);

    /// <param name="protection">How personal data is kept at rest; null: values stored as given.</param>
    public static async Task<TailorDatabase> OpenAsync(string dataDirectory, string? postgres, TimeProvider time, Core.Privacy.PersonalDataProtection? protection, CancellationToken cancellationToken)
    {
        var database = string.IsNullOrEmpty(postgres)
            ? TailorDatabase.Sqlite(SqlitePath(dataDirectory), time, protection)
            : TailorDatabase.Postgres(postgres, time, protection);
        try
        {
            await database.MigrateAsync(cancellationToken);
            return database;
        }
        catch
        {
            await database.DisposeAsync();
            throw;
        }
    }

    /// <summary>As <see cref="OpenAsync(string, string?, TimeProvider, CancellationToken)"/> on the system clock.</summary>
    public static Task<TailorDatabase> OpenAsync(string dataDirectory, string? postgres, CancellationToken cancellationToken) =>
        OpenAsync(dataDirectory, postgres, TimeProvider.System, cancellationToken);
}
