using Microsoft.Data.Sqlite;
using Tailor.Storage.Sqlite;
using static Tailor.Tests.Support.Messages;

namespace Tailor.Storage.Tests;

/// <summary>
/// The WAL is copied into the database file beside the writer (<c>WalCheckpointer</c>), not inside its commits: the
/// writer's own automatic checkpoint is only a backstop far above what these tests write.
/// </summary>
public partial class SqliteStoreTests
{
    [Fact]
    public async Task Commits_reach_the_database_file_itself_though_the_writer_never_checkpoints()
    {
        var path = Path.Combine(_directory, "checkpoints.db");
        var sqlite = new SqliteDatabase(path);
        await using var store = new TailorDatabase(sqlite, TimeProvider.System);
        await store.MigrateAsync(Ct);

        var events = Enumerable.Range(0, 300).Select(i => Track("Viewed", At(i), $"u{i}", messageId: $"m-{i}")).ToList();
        var pass = sqlite.Checkpointer.NextPassAsync();
        Assert.All(await store.Events.AppendAsync(events, Ct), Assert.True);

        // The file alone, without its WAL, as a copy: it holds the appended rows once a pass has run after the commit.
        var rows = 0L;
        for (var passes = 0; passes < 5 && rows < events.Count; passes++)
        {
            await pass.WaitAsync(TimeSpan.FromSeconds(30), Ct);
            pass = sqlite.Checkpointer.NextPassAsync();
            rows = await RowsInFileAloneAsync(path);
        }
        Assert.Equal(events.Count, rows);
    }

    [Fact]
    public async Task The_WAL_is_emptied_for_an_erasure_while_passes_run_beside_the_writer()
    {
        var path = Path.Combine(_directory, "truncate.db");
        var sqlite = new SqliteDatabase(path);
        await using var store = new TailorDatabase(sqlite, TimeProvider.System);
        await store.MigrateAsync(Ct);
        for (var i = 0; i < 20; i++) // each commit wakes a pass: the truncation takes its turn between them
            await store.Events.AppendAsync([Track("Viewed", At(i), "zelda", messageId: $"z-{i}")], Ct);

        await sqlite.TruncateWriteAheadLogAsync(Ct);

        Assert.Equal(0, new FileInfo(path + "-wal").Length);
        Assert.Equal(20, await RowsInFileAloneAsync(path));
    }

    private async Task<long> RowsInFileAloneAsync(string path)
    {
        var copy = Path.Combine(_directory, $"copy-{Guid.NewGuid():N}.db");
        File.Copy(path, copy);
        await using var c = new SqliteConnection($"Data Source={copy};Pooling=false");
        await c.OpenAsync(Ct);
        await using var command = c.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM event_log";
        return (long)(await command.ExecuteScalarAsync(Ct))!;
    }
}
