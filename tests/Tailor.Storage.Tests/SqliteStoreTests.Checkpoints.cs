using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Tailor.Application.Pipeline;
using Tailor.Application.Privacy;
using Tailor.Core.Identity;
using Tailor.Core.Privacy;
using Tailor.Core.Profiles;
using Tailor.Core.Storage;
using Tailor.Storage.Sqlite;
using static Tailor.Tests.Support.Messages;

namespace Tailor.Storage.Tests;

/// <summary>
/// The WAL is copied into the database file beside the writer (<c>WalCheckpointer</c>), not inside its commits: the
/// writer's own automatic checkpoint is a backstop far above what these tests write.
/// </summary>
public partial class SqliteStoreTests
{
    [Fact]
    public async Task Commits_reach_the_database_file_through_the_checkpointer_and_never_through_the_writers_own_checkpoint()
    {
        var sqlite = new SqliteDatabase(Path.Combine(_directory, "checkpoints.db"));
        await using var store = await MigratedAsync(sqlite);
        var path = sqlite.Path;
        // Over 1,000 pages (SQLite's default automatic checkpoint): random hex compresses to about half, 6 KB an event.
        var events = Enumerable.Range(0, 1000).Select(i => Track("Viewed", At(i), $"u{i}", messageId: $"m-{i}",
            properties: new JsonObject { ["noise"] = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(6000)) })).ToList();

        // With passes held back, the commit stays in the WAL: the writer does not checkpoint it itself.
        var pass = await sqlite.Checkpointer.BetweenPassesAsync(async () =>
        {
            Assert.All(await store.Events.AppendAsync(events, Ct), Assert.True);
            Assert.Equal(0, await RowsInFileAloneAsync(path));
            return sqlite.Checkpointer.NextPassAsync(); // the pass the commit woke ends it: none can end meanwhile
        });

        // Then that pass copies it: the file alone, as a copy made between passes, holds every row.
        await pass.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        Assert.Equal(events.Count, await sqlite.Checkpointer.BetweenPassesAsync(() => RowsInFileAloneAsync(path)));
    }

    [Fact]
    public async Task The_writer_checkpoints_only_as_a_backstop_and_cuts_the_WAL_file_back_when_it_starts_over()
    {
        var sqlite = new SqliteDatabase(Path.Combine(_directory, "pragmas.db"));
        await using var store = await MigratedAsync(sqlite);

        var (autoCheckpoint, sizeLimit) = await sqlite.WriteAsync(async (c, t) => (
            Convert.ToInt64(await Tailor.Storage.Relational.Db.ScalarAsync(c, t, "PRAGMA wal_autocheckpoint", Ct)),
            Convert.ToInt64(await Tailor.Storage.Relational.Db.ScalarAsync(c, t, "PRAGMA journal_size_limit", Ct))), Ct);

        Assert.Equal(WalCheckpointer.BackstopFrames, autoCheckpoint);
        Assert.True(autoCheckpoint >= 4 * WalCheckpointer.RestartFrames, "the backstop must stay at least four times the checkpointer's restart size");
        Assert.Equal(64L << 20, sizeLimit);
    }

    [Fact]
    public async Task A_WAL_past_the_restart_size_makes_a_pass_hold_the_writer_and_starts_over_once_its_reader_is_done()
    {
        var path = Path.Combine(_directory, "restart.db");
        await using var writer = new SqliteConnection($"Data Source={path};Pooling=false");
        await writer.OpenAsync(Ct);
        await ExecuteAsync(writer, "PRAGMA journal_mode = WAL; PRAGMA wal_autocheckpoint = 0; PRAGMA journal_size_limit = 0; CREATE TABLE t (x BLOB)");
        using var writerLock = new SemaphoreSlim(1, 1);
        var holds = 0;
        await using var checkpointer = new WalCheckpointer($"Data Source={path};Pooling=false", async (work, ct) =>
        {
            await writerLock.WaitAsync(ct);
            try { holds++; return await work(); }
            finally { writerLock.Release(); }
        }, restartFrames: 64);
        async Task CommitAsync(int pages)
        {
            var pass = checkpointer.NextPassAsync();
            await writerLock.WaitAsync(Ct);
            try
            {
                await ExecuteAsync(writer, $"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {pages}) INSERT INTO t SELECT randomblob(3000) FROM n");
                checkpointer.Committed();
            }
            finally { writerLock.Release(); }
            await pass.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        }
        long WalPages() => new FileInfo(path + "-wal").Length / 4096;

        // A reader on an old snapshot: no pass can copy past it, and the WAL grows past the restart size.
        await using (var reader = new SqliteConnection($"Data Source={path};Pooling=false"))
        {
            await reader.OpenAsync(Ct);
            await ExecuteAsync(reader, "BEGIN; SELECT COUNT(*) FROM t;");
            for (var i = 0; i < 6; i++) await CommitAsync(25);
            Assert.True(WalPages() >= 150, $"the WAL holds {WalPages()} pages");
            Assert.True(holds > 0, "no pass held the writer to restart the WAL");
            await ExecuteAsync(reader, "COMMIT");
        }

        // Once it is done, the passes copy every frame and the WAL starts over, its file cut back. (Here commits wait for
        // passes; beside a busy writer only the held pass gets there, which the benchmarks measure.)
        for (var attempt = 0; attempt < 100 && WalPages() >= 64; attempt++) await CommitAsync(1);
        Assert.True(WalPages() < 64, $"the WAL still holds {WalPages()} pages");
    }

    [Fact]
    public async Task Truncating_the_WAL_for_an_erasure_empties_its_file_and_keeps_every_commit_in_the_database_file()
    {
        var sqlite = new SqliteDatabase(Path.Combine(_directory, "truncate.db"));
        await using var store = await MigratedAsync(sqlite);
        var path = sqlite.Path;
        for (var i = 0; i < 20; i++) // each commit wakes a pass: the truncation takes its turn among them
            await store.Events.AppendAsync([Track("Viewed", At(i), "zelda", messageId: $"z-{i}")], Ct);

        Assert.True(await sqlite.TruncateWriteAheadLogAsync());

        Assert.Equal(0, new FileInfo(path + "-wal").Length);
        Assert.Equal(20, await sqlite.Checkpointer.BetweenPassesAsync(() => RowsInFileAloneAsync(path)));
    }

    /// <summary>
    /// A reader on an old snapshot (a long analytics job) keeps the WAL from being emptied after an erasure: the erasure
    /// still completes, and its answer and the audit trail say that old pages stayed in the file.
    /// </summary>
    [Fact]
    public async Task An_erasure_whose_WAL_readers_keep_from_being_emptied_says_so_in_its_answer_and_its_audit_entry()
    {
        var sqlite = new SqliteDatabase(Path.Combine(_directory, "erase-held.db"));
        await using var store = await MigratedAsync(sqlite);
        sqlite.Checkpointer.TruncateDeadline = TimeSpan.Zero; // one attempt (it waits 100 ms for readers), not 5 s
        var time = TimeProvider.System;
        var pipeline = new ProfilePipeline(store.Events, store.Positions, store.Profiles, store.Merges, store.Triggers,
            new ProfileReducer(EngagementWeights.Default), time);
        await store.Events.AppendAsync([Identify(At(1), "user-zelda", traits: new JsonObject { ["city"] = "Kirkenesby" })], Ct);
        await pipeline.CatchUpAsync(Ct);
        var erasure = new SubjectErasure(store.Profiles, store.Privacy,
            new KeyRingSubjectHasher(new LookupHasher(PrivacyKeyRing.Generate())),
            new AuditTrail(store.Audit, time), time, [], pipeline);

        ErasureSummary summary;
        await using (var reader = new SqliteConnection($"Data Source={sqlite.Path};Pooling=false"))
        {
            await reader.OpenAsync(Ct);
            await ExecuteAsync(reader, "BEGIN; SELECT COUNT(*) FROM event_log;");
            summary = (await erasure.EraseAsync("userId", "user-zelda", "key_1", "ops", null, Ct)).Value!;
            await ExecuteAsync(reader, "COMMIT");
        }

        Assert.False(summary.WriteAheadLogEmptied);
        Assert.NotEqual(0, new FileInfo(sqlite.Path + "-wal").Length);
        Assert.Equal($"privacy erase by userId ({SubjectErasure.WriteAheadLogKept})",
            Assert.Single(await store.Audit.ListAsync(new AuditQuery(ActionPrefix: "privacy erase"), Ct)).Action);
        Assert.Null(await store.Profiles.FindProfileAsync(new ProfileIdentifier(IdentityTypes.UserId, "user-zelda"), Ct));
    }

    /// <summary>A store of its own on <paramref name="sqlite"/>, migrated: the test reaches its checkpointer.</summary>
    private static async Task<TailorDatabase> MigratedAsync(SqliteDatabase sqlite)
    {
        var store = new TailorDatabase(sqlite, TimeProvider.System);
        await store.MigrateAsync(Ct);
        return store;
    }

    private static async Task ExecuteAsync(SqliteConnection c, string sql)
    {
        await using var command = c.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(Ct);
    }

    private async Task<long> RowsInFileAloneAsync(string path)
    {
        var copy = Path.Combine(_directory, $"copy-{Guid.NewGuid():N}.db");
        File.Copy(path, copy);
        await using var c = new SqliteConnection($"Data Source={copy};Pooling=false");
        await c.OpenAsync(Ct);
        await using var command = c.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM sqlite_schema WHERE name = 'event_log'"; // the schema itself may not be copied yet
        if ((long)(await command.ExecuteScalarAsync(Ct))! == 0) return 0;
        command.CommandText = "SELECT COUNT(*) FROM event_log";
        return (long)(await command.ExecuteScalarAsync(Ct))!;
    }
}
