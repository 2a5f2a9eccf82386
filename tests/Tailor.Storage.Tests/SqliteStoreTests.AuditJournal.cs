using Microsoft.Data.Sqlite;
using Tailor.Application.Privacy;
using Tailor.Core.Storage;

namespace Tailor.Storage.Tests;

/// <summary>
/// SQLite's audit journal (docs/security.md, "The audit trail"): an entry is durable in a file with a writer of its
/// own, so it never waits for the database's single writer, and it reaches <c>audit_log</c> exactly once.
/// </summary>
public partial class SqliteStoreTests
{
    private string JournalPath => Path.Combine(_directory, "tailor.audit.db");

    private AuditTrail Trail(TailorDatabase? store = null) => new((store ?? Store).Audit, TimeProvider.System);

    private static Task RecordReadAsync(AuditTrail trail, string id) => trail.RecordAsync("key_1", "ops", $"GET /api/profiles/{id}", id, 200, "10.0.0.1", Ct);

    private static async Task<string[]> TargetsAsync(AuditTrail trail) =>
        [.. (await trail.ListAsync(new AuditQuery(ActionPrefix: "GET /api/profiles/"), Ct)).Value!.Select(e => e.Target!)];

    /// <summary>A plain connection to the journal file, as another process (or one that crashed) would have.</summary>
    private async Task<SqliteConnection> OpenJournalAsync()
    {
        var journal = new SqliteConnection($"Data Source={JournalPath};Pooling=false");
        await journal.OpenAsync(Ct);
        return journal;
    }

    private async Task<long> JournalCountAsync()
    {
        await using var journal = await OpenJournalAsync();
        return (long)(await ScalarAsync(journal, "SELECT COUNT(*) FROM entries"))!;
    }

    [Fact]
    public async Task An_audit_entry_is_durable_while_another_connection_holds_the_database_writer()
    {
        var trail = Trail();
        await RecordReadAsync(trail, "p0");
        Assert.Equal(["p0"], await TargetsAsync(trail));

        await using var holder = await OpenFileAsync();
        await ScalarAsync(holder, "BEGIN IMMEDIATE"); // the database file's write lock, held until COMMIT
        // In the main file the entry would wait for that lock (30 s, then fail); the journal takes it at once.
        await RecordReadAsync(trail, "p1").WaitAsync(TimeSpan.FromSeconds(10), Ct);
        Assert.Equal(1, await JournalCountAsync());
        await ScalarAsync(holder, "COMMIT");

        Assert.Equal(["p1", "p0"], await TargetsAsync(trail)); // a read moves what the journal holds first
        Assert.Equal(0, await JournalCountAsync());
    }

    [Fact]
    public async Task An_audit_entry_moved_by_another_process_and_not_yet_deleted_from_the_journal_is_kept_once()
    {
        var trail = Trail();
        await RecordReadAsync(trail, "p0");
        await RecordReadAsync(trail, "p1");
        Assert.Equal(["p1", "p0"], await TargetsAsync(trail));
        Assert.Equal(0, await JournalCountAsync());
        // As another process that moved them and has not deleted them yet (or died before it could) leaves them.
        await using (var journal = await OpenJournalAsync())
        {
            await ScalarAsync(journal, """
                INSERT INTO entries (seq, at, actor, actor_name, action, target, outcome, origin) VALUES
                    (1, 0, 'key_1', 'ops', 'GET /api/profiles/p0', 'p0', 200, NULL), (2, 0, 'key_1', 'ops', 'GET /api/profiles/p1', 'p1', 200, NULL)
                """);
        }

        await RecordReadAsync(trail, "p2");
        Assert.Equal(["p2", "p1", "p0"], await TargetsAsync(trail));
        Assert.Equal(0, await JournalCountAsync());
    }

    [Fact]
    public async Task A_journal_restored_from_an_older_copy_numbers_past_what_was_moved_and_loses_no_new_entry()
    {
        var copy = Path.Combine(_directory, "copy");
        await using (var first = OpenSameStore())
            await RecordReadAsync(Trail(first), "p0"); // moved when the store closes
        Directory.CreateDirectory(copy);
        foreach (var file in Directory.GetFiles(_directory, "tailor.audit.db*")) File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        await using (var second = OpenSameStore())
        {
            var trail = Trail(second);
            await RecordReadAsync(trail, "p1");
            await RecordReadAsync(trail, "p2");
        }
        // The copy numbered one entry; two more were moved since.
        foreach (var file in Directory.GetFiles(_directory, "tailor.audit.db*")) File.Delete(file);
        foreach (var file in Directory.GetFiles(copy)) File.Copy(file, Path.Combine(_directory, Path.GetFileName(file)));

        await using var restored = OpenSameStore();
        var again = Trail(restored);
        await RecordReadAsync(again, "p3"); // journal seq 2 without the fix: taken for moved
        Assert.Equal(["p3", "p2", "p1", "p0"], await TargetsAsync(again));
    }
    [Fact]
    public async Task Entries_a_crashed_process_left_in_the_journal_reach_audit_log_when_the_store_next_opens()
    {
        var trail = Trail();
        await RecordReadAsync(trail, "p0");
        Assert.Equal(["p0"], await TargetsAsync(trail));
        await using (var journal = await OpenJournalAsync())
        {
            await ScalarAsync(journal, "INSERT INTO entries (at, actor, actor_name, action, target, outcome, origin) VALUES (0, 'key_1', 'ops', 'GET /api/profiles/p1', 'p1', 200, NULL)");
        }

        await using var reopened = await TailorStores.OpenAsync(_directory, null, Ct);

        await using var raw = await OpenFileAsync(); // no read of the trail: the open moved it
        Assert.Equal(1L, await ScalarAsync(raw, "SELECT COUNT(*) FROM audit_log WHERE target = 'p1'"));
        Assert.Equal(0, await JournalCountAsync());
    }
}
