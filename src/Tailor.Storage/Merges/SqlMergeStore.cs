using System.Data.Common;
using Tailor.Core.Events;
using Tailor.Core.Identity;
using Tailor.Core.Pipeline;
using Tailor.Core.Profiles;
using Tailor.Core.Storage;
using Tailor.Storage.Events;
using Tailor.Storage.Positions;
using Tailor.Storage.Profiles;
using Tailor.Storage.Relational;

namespace Tailor.Storage.Merges;

/// <summary>Merge records with what an undo needs, the undo itself, and the refusals of the merge guards and caps.</summary>
internal sealed class SqlMergeStore(SqlDatabase db, SqlProfileStore profiles) : IMergeStore
{
    internal const string MergeColumnsSql = "winner_id, loser_id, merged_at, message_id, reason, id, seq, undone_at, undo";
    private const string LatestMergeOfLoserSql = "(SELECT MAX(id) FROM merges WHERE loser_id = @loser)";

    internal static ProfileMerge ReadMerge(DbDataReader r) =>
        new(r.GetString(0), r.GetString(1), ProfileColumns.FromMs(r.GetInt64(2)), r.GetString(3), r.GetString(4))
        {
            Id = r.GetInt64(5),
            Sequence = r.GetInt64(6),
            UndoneAt = r.IsDBNull(7) ? null : ProfileColumns.FromMs(r.GetInt64(7)),
            Undo = r.NullableString(8),
        };

    /// <summary>Copies what the merged-away profile holds into the merge just inserted (run before its rows move).</summary>
    internal static IEnumerable<Statement> RecordMergedAway(string loserId) => [.. RecordMergedAwayIdentities(loserId), .. RecordMergedAwayState(loserId)];

    /// <summary>The identity side of <see cref="RecordMergedAway"/>: the loser's identities (a split fold's identity stage records it).</summary>
    internal static IEnumerable<Statement> RecordMergedAwayIdentities(string loserId)
    {
        yield return new($"INSERT INTO merge_identities (merge_id, type, value, value_enc) SELECT {LatestMergeOfLoserSql}, type, value, value_enc FROM identities WHERE profile_id = @loser", ("loser", loserId));
    }

    /// <summary>The rest of <see cref="RecordMergedAway"/>: the loser's events and the profiles merged into it (a split fold's partition records it).</summary>
    internal static IEnumerable<Statement> RecordMergedAwayState(string loserId)
    {
        (string, object?) loser = ("loser", loserId);
        yield return new($"INSERT INTO merge_events (merge_id, seq) SELECT {LatestMergeOfLoserSql}, seq FROM events WHERE profile_id = @loser", loser);
        yield return new($"INSERT INTO merge_absorbed (merge_id, profile_id) SELECT {LatestMergeOfLoserSql}, id FROM profiles WHERE merged_into = @loser", loser);
    }

    internal static Statement RecordRefusal(ProfileRefusal r) =>
        new("INSERT INTO profile_refusals (profile_id, kind, detail, seq, message_id, at) VALUES (@profile, @kind, @detail, @seq, @message, @at)",
            ("profile", r.ProfileId), ("kind", r.Kind), ("detail", r.Detail), ("seq", r.Sequence), ("message", r.MessageId), ("at", Db.Ms(r.At)));

    public async Task<MergeRecord?> GetMergeAsync(long id, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenReadAsync(cancellationToken);
        var merges = await Db.ListAsync(c, $"SELECT {MergeColumnsSql} FROM merges WHERE id = @id", ReadMerge, cancellationToken, ("id", id));
        if (merges.Count == 0) return null;
        var identities = await Db.ListAsync(c, "SELECT type, value, value_enc FROM merge_identities WHERE merge_id = @id ORDER BY type, value",
            r => SqlProfileStore.ReadIdentity(db, r, 0), cancellationToken, ("id", id));
        var events = await Db.ListAsync(c, "SELECT seq FROM merge_events WHERE merge_id = @id ORDER BY seq", r => r.GetInt64(0), cancellationToken, ("id", id));
        var absorbed = await Db.ListAsync(c, "SELECT profile_id FROM merge_absorbed WHERE merge_id = @id ORDER BY profile_id", r => r.GetString(0), cancellationToken, ("id", id));
        return new MergeRecord(merges[0], identities, events, absorbed);
    }

    public async Task<Profile?> GetStoredProfileAsync(string id, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenReadAsync(cancellationToken);
        return await SqlProfileStore.ReadProfileAsync(db, c, id, cancellationToken);
    }

    public async Task<IReadOnlyList<LoggedEvent>> AllProfileEventsAsync(string profileId, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenReadAsync(cancellationToken);
        return await Db.ListAsync(c, $"SELECT {SqlEventLog.EventColumnsSql} FROM events WHERE profile_id = @profile ORDER BY seq", r => SqlEventLog.ReadEvent(db, r), cancellationToken, ("profile", profileId));
    }

    public Task CommitUndoAsync(MergeUndo undo, CancellationToken cancellationToken)
    {
        (string, object?) survivor = ("survivor", undo.Survivor.Id), restored = ("restored", undo.Restored.Id), at = ("at", Db.Ms(undo.At));
        var statements = new List<Statement>(profiles.UpsertProfiles(undo.Survivor, undo.Restored));
        foreach (var identity in undo.Identities)
        {
            statements.Add(new("UPDATE identities SET profile_id = @restored WHERE type = @type AND value = @value AND profile_id = @survivor",
                restored, survivor, ("type", identity.Type), ("value", db.Protection.LookupValue(identity.Type, identity.Value))));
        }
        foreach (var seq in undo.Events)
            statements.Add(new("UPDATE event_profiles SET profile_id = @restored WHERE seq = @seq AND profile_id = @survivor", restored, survivor, ("seq", seq)));
        // The folded events' trait history as folded again (MergeUndo.TraitHistory says why it is not moved row by row).
        statements.AddRange(profiles.TraitChangeWrites(undo.TraitHistory));
        foreach (var id in undo.Absorbed)
            statements.Add(new("UPDATE profiles SET merged_into = @restored WHERE id = @id AND merged_into = @survivor", restored, survivor, ("id", id)));
        foreach (var run in undo.Runs)
            statements.Add(new("UPDATE trigger_runs SET profile_id = @restored WHERE id = @run AND status = 'waiting' AND profile_id = @survivor", restored, survivor, ("run", run)));
        // A timer due now for every segment and both profiles: the segment engine re-evaluates them (recording exits
        // and entries), and a crash before it does loses nothing.
        foreach (var profile in (ReadOnlySpan<string>)[undo.Survivor.Id, undo.Restored.Id])
        {
            statements.Add(new("""
                INSERT INTO segment_timers (segment_id, profile_id, due_at) SELECT id, @profile, @at FROM segments WHERE true
                ON CONFLICT (segment_id, profile_id) DO UPDATE SET due_at = excluded.due_at
                """, ("profile", profile), at));
        }
        return db.WriteAsync(async (c, t) =>
        {
            // Planned at this position: a batch committed since may have changed either profile.
            await SqlPositionStore.MoveAsync(c, t, undo.Position, cancellationToken);
            if (await Db.ExecuteAsync(c, t, "UPDATE merges SET undone_at = @at, undo = @detail WHERE id = @id AND undone_at IS NULL", cancellationToken,
                at, ("detail", undo.Detail), ("id", undo.MergeId)) == 0)
                throw new PositionConflictException($"merge {undo.MergeId}", undo.MergeId);
            // The rows those inserts replace: both profiles' history read once, each row of an event folded again
            // deleted by id (rows of events retention removed stay).
            var foldedAt = undo.FoldedAgain.Select(e => e.Sequence).ToHashSet();
            var foldedMessages = undo.FoldedAgain.Select(e => (e.Source, e.MessageId)).ToHashSet();
            var replaced = await Db.ListAsync(c, t, "SELECT id, COALESCE(seq, 0), source, message_id FROM trait_history WHERE profile_id IN (@survivor, @restored)",
                r => (Id: r.GetInt64(0), Sequence: r.GetInt64(1), Message: (r.GetString(2), r.GetString(3))), cancellationToken, survivor, restored);
            var deletes = replaced.Where(row => row.Sequence > 0 ? foldedAt.Contains(row.Sequence) : foldedMessages.Contains(row.Message))
                .Select(row => new Statement("DELETE FROM trait_history WHERE id = @id", ("id", row.Id)));
            await db.ExecuteAllAsync(c, t, [.. deletes, .. statements], cancellationToken);
            return 0;
        }, cancellationToken, background: true);
    }

    public async Task<IReadOnlyList<ProfileRefusal>> RefusalsAsync(string? profileId, int limit, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenReadAsync(cancellationToken);
        var sql = "SELECT profile_id, kind, detail, seq, message_id, at FROM profile_refusals"
            + (profileId is null ? "" : " WHERE profile_id = @profile") + " ORDER BY id DESC LIMIT @limit";
        (string, object?)[] parameters = profileId is null ? [("limit", limit)] : [("profile", profileId), ("limit", limit)];
        return await Db.ListAsync(c, sql,
            r => new ProfileRefusal(r.NullableString(0), r.GetString(1), r.GetString(2), r.GetInt64(3), r.GetString(4), ProfileColumns.FromMs(r.GetInt64(5))),
            cancellationToken, parameters);
    }
}
