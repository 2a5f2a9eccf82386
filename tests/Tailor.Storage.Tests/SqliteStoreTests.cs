using Tailor.Core.Storage;
using Tailor.Storage.Sqlite;

namespace Tailor.Storage.Tests;

/// <summary>The storage contract on SQLite: a new database file per test, deleted afterwards.</summary>
public sealed class SqliteStoreTests : StoreContractTests
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"tailor-test-{Guid.NewGuid():N}");

    private string DatabasePath => TailorStores.SqlitePath(_directory);

    protected override Task<ITailorStore> CreateStoreAsync(CancellationToken cancellationToken) =>
        Task.FromResult<ITailorStore>(new SqliteTailorStore(DatabasePath));

    protected override ITailorStore OpenSameStore() => new SqliteTailorStore(DatabasePath);

    protected override ValueTask DeleteStoreAsync()
    {
        if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task Opening_through_TailorStores_creates_and_migrates_the_database_file()
    {
        await using var store = await TailorStores.OpenAsync(_directory, null, Ct);

        Assert.Equal("sqlite", store.Kind);
        Assert.True(File.Exists(DatabasePath));
        Assert.Equal((bool[])[true], await store.AppendAsync([Tailor.Tests.Support.Messages.Identify(Tailor.Tests.Support.Messages.At(1), "u1")], Ct));
    }
}
