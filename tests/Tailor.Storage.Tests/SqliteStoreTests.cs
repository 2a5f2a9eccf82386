using Tailor.Core.Storage;
using Tailor.Storage.Sqlite;

namespace Tailor.Storage.Tests;

/// <summary>The storage contract on SQLite: a new database file per test, deleted afterwards.</summary>
public sealed class SqliteStoreTests : StoreContractTests
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"tailor-test-{Guid.NewGuid():N}");

    private string DatabasePath => TailorStores.SqlitePath(_directory);

    protected override Task<TailorDatabase> CreateStoreAsync(CancellationToken cancellationToken) =>
        Task.FromResult(TailorDatabase.Sqlite(DatabasePath, TimeProvider.System));

    protected override TailorDatabase OpenSameStore() => TailorDatabase.Sqlite(DatabasePath, TimeProvider.System);

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
        Assert.Equal((bool[])[true], await store.Events.AppendAsync([Tailor.Tests.Support.Messages.Identify(Tailor.Tests.Support.Messages.At(1), "u1")], Ct));
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task The_data_directory_and_database_files_are_private_to_the_owner()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Unix file modes");
        await using (var store = await TailorStores.OpenAsync(_directory, null, Ct))
        {
            await store.Events.AppendAsync([Tailor.Tests.Support.Messages.Identify(Tailor.Tests.Support.Messages.At(1), "u1")], Ct); // the WAL is written

            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(_directory));
            foreach (var file in new[] { DatabasePath, DatabasePath + "-wal", DatabasePath + "-shm" })
            {
                Assert.True(File.Exists(file), $"{file} exists while the store is open");
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
            }
        }
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task A_database_left_readable_by_an_older_install_is_made_private_on_open()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Unix file modes");
        await (await TailorStores.OpenAsync(_directory, null, Ct)).DisposeAsync();
        File.SetUnixFileMode(DatabasePath, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        await using var store = await TailorStores.OpenAsync(_directory, null, Ct);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(DatabasePath));
    }
}
