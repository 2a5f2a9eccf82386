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

    private async Task<long> JournalCountAsync()
    {
        await using var journal = new SqliteConnection($"Data Source={JournalPath};Pooling=false");
        await journal.OpenAsync(Ct);
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
    public async Task An_audit_entry_left_in_the_journal_after_its_move_committed_is_kept_once()
    {
        var trail = Trail();
        await RecordReadAsync(trail, "p0");
        await RecordReadAsync(trail, "p1");
        Assert.Equal(["p1", "p0"], await TargetsAsync(trail));
        Assert.Equal(0, await JournalCountAsync());
        // As a crash between the move's commit in the database and its delete in the journal leaves them: back in the journal.
        await using (var journal = new SqliteConnection($"Data Source={JournalPath};Pooling=false"))
        {
            await journal.OpenAsync(Ct);
            await ScalarAsync(journal, """
                INSERT INTO entries (seq, at, actor, actor_name, action, target, outcome, origin) VALUES
                    (1, 0, 'key_1', 'ops', 'GET /api/profiles/p0', 'p0', 200, NULL), (2, 0, 'key_1', 'ops', 'GET /api/profiles/p1', 'p1', 200, NULL)
                """);
        }

        await using var restarted = OpenSameStore();
        var again = Trail(restarted);
        await RecordReadAsync(again, "p2");
        Assert.Equal(["p2", "p1", "p0"], await TargetsAsync(again));
        Assert.Equal(0, await JournalCountAsync());
    }

    [Fact]
    public async Task A_journal_file_made_anew_numbers_from_one_again_and_none_of_its_entries_is_skipped()
    {
        await using (var first = OpenSameStore())
        {
            var trail = Trail(first);
            await RecordReadAsync(trail, "p0");
            await RecordReadAsync(trail, "p1");
            Assert.Equal(["p1", "p0"], await TargetsAsync(trail));
        }
        foreach (var file in Directory.GetFiles(_directory, "tailor.audit.db*")) File.Delete(file); // deleted, or restored from an older copy

        await using var second = OpenSameStore();
        var again = Trail(second);
        await RecordReadAsync(again, "p2"); // journal seq 1 again
        Assert.Equal(["p2", "p1", "p0"], await TargetsAsync(again));
    }
}
