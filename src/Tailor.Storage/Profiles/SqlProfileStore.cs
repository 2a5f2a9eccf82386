using System.Data.Common;
using System.Text.Json;
using Tailor.Core.Identity;
using Tailor.Core.Pipeline;
using Tailor.Core.Profiles;
using Tailor.Core.Storage;
using Tailor.Storage.DeadLetters;
using Tailor.Storage.Merges;
using Tailor.Storage.Positions;
using Tailor.Storage.Relational;

namespace Tailor.Storage.Profiles;

/// <summary>
/// Profiles, identities and trait history. Owns the profile pipeline's commit: profiles, identity links, event
/// assignments, merges (with what an undo needs), refusals, dead letters and the pipeline's position, in one transaction.
/// </summary>
internal sealed class SqlProfileStore(SqlDatabase db) : IProfileStore
{
    public async Task<IReadOnlyList<Profile>> LoadOwnersAsync(IReadOnlyCollection<ProfileIdentifier> identities, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenReadAsync(cancellationToken);
        var ids = await db.OwnerIdsAsync(c, LookupForms(db, identities), cancellationToken);
        return [.. (await ReadProfilesAsync(db, c, [.. ids], liveOnly: false, withIdentities: true, cancellationToken)).Values];
    }

    /// <summary>Profiles by id in one query (and their identities in a second), keyed by id; unknown ids are left out.</summary>
    internal static async Task<Dictionary<string, Profile>> ReadProfilesAsync(SqlDatabase db, DbConnection c, IReadOnlyCollection<string> ids, bool liveOnly, bool withIdentities, CancellationToken ct)
    {
        if (ids.Count == 0) return new Dictionary<string, Profile>(StringComparer.Ordinal);
        var (inList, set) = db.IdSet("ids", ids);
        (string, object?)[] parameters = [("ids", set)];
        var profiles = await ReadProfileRowsAsync(db, c, inList, parameters, liveOnly, ProfileParts.All, ct);
        if (!withIdentities) return profiles;
        foreach (var (profileId, identity) in await Db.ListAsync(c, $"SELECT profile_id, type, value, value_enc FROM identities WHERE profile_id IN ({inList}) ORDER BY first_seen, type",
            r => (r.GetString(0), ReadIdentity(db, r, 1)), ct, parameters))
            if (profiles.TryGetValue(profileId, out var owner)) owner.Identities.Add(identity);
        return profiles;
    }

    /// <summary>
    /// The profile rows of an id set the caller has bound (<see cref="SqlDatabase.IdSet"/>), keyed by id, without
    /// identities; only <paramref name="parts"/> are read, the others left empty (<see cref="ProfileColumns.SqlOf"/>).
    /// </summary>
    internal static async Task<Dictionary<string, Profile>> ReadProfileRowsAsync(SqlDatabase db, DbConnection c, string inList, (string, object?)[] parameters,
        bool liveOnly, ProfileParts parts, CancellationToken ct)
    {
        var profiles = new Dictionary<string, Profile>(StringComparer.Ordinal);
        foreach (var profile in await Db.ListAsync(c, $"SELECT {ProfileColumns.SqlOf(parts)} FROM profiles WHERE {(liveOnly ? "merged_into IS NULL AND " : "")}id IN ({inList})",
            r => ReadProfileRow(db, r, parts), ct, parameters))
            profiles[profile.Id] = profile;
        return profiles;
    }

    public Task CommitAsync(ProfileChangeSet changes, CancellationToken cancellationToken)
    {
        // A split fold commits in two stages (docs/scale.md): the identity stage what resolution decides, a partition
        // the state of its profiles; the whole fold does both at once.
        var (identities, state) = (changes.Stage != FoldStage.Reduction, changes.Stage != FoldStage.Identities);
        var statements = new List<Statement>(changes.Profiles.Count + changes.Links.Count + changes.Assignments.Count + changes.TraitHistory.Count + 8);
        // A new profile written by the identity stage is empty and live, even when the batch merged it away already (its
        // partition marks it merged once its state has moved); a row already there is left as it is.
        statements.AddRange(db.ProfileWrites([.. changes.Profiles.Select(p => state ? Row(p) : Row(p) with { MergedInto = null })], replace: state));
        statements.AddRange(db.IdentityLinkWrites([.. changes.Links.Select(LinkRow)]));
        // Assignments go to the narrow event_profiles table: the log row itself is never rewritten.
        statements.AddRange(db.AssignmentWrites(changes.Assignments));
        statements.AddRange(TraitChangeWrites(changes.TraitHistory));
        foreach (var m in changes.Merges)
        {
            if (identities) statements.AddRange(MergeIdentities(m));
            if (state) statements.AddRange(MergeState(m));
        }
        foreach (var r in changes.Refusals) statements.Add(SqlMergeStore.RecordRefusal(r));
        return db.WriteAsync(async (c, t) =>
        {
            await SqlPositionStore.MoveAsync(c, t, changes.Position, cancellationToken);
            foreach (var letter in changes.DeadLetters) statements.Add(SqlDeadLetterStore.Insert(db, letter));
            await db.ExecuteAllAsync(c, t, statements, cancellationToken);
            await Privacy.SqlPrivacyStore.CommitPipelineAsync(db, c, t, changes, cancellationToken); // consent history, suppressed events
            if (changes.Merges.Count > 0 && await MergesAnErasedProfileAsync(c, t, changes.Merges, cancellationToken))
                throw new PositionConflictException(changes.Position.Name, changes.Position.From);
            return 0;
        }, cancellationToken, background: true);
    }

    /// <summary>
    /// Whether a merge of the batch names an erased profile: a batch that read the person before her erasure (another
    /// node's, a CLI's) and commits after it. The row guards would drop her own rows, but a merge also carries her
    /// state into the other profile (her traits onto the survivor) or the other profile's events into hers, so such a
    /// commit is refused whole, as a stale position is: nothing is written, and the pipeline reads the log again with
    /// an empty working set, where her events are suppressed (docs/privacy.md, "Followers after an erasure"). Asked
    /// after the commit's writes, when an erasure can no longer start before it ends (its table locks wait for this
    /// transaction's; on SQLite there is one writer).
    /// </summary>
    private static async Task<bool> MergesAnErasedProfileAsync(DbConnection c, DbTransaction t, IReadOnlyList<ProfileMerge> merges, CancellationToken ct)
    {
        var ids = merges.SelectMany(m => (string[])[m.WinnerId, m.LoserId]).Distinct(StringComparer.Ordinal).ToList();
        var (inList, parameters) = Db.InList(ids, "m");
        return await Db.ScalarAsync(c, t, $"SELECT 1 FROM erased_profiles WHERE id IN ({inList}) LIMIT 1", ct, parameters) is not null;
    }

    /// <summary>The identity side of a merge: its record, the loser's identities kept for an undo, then moved to the winner.</summary>
    private static IEnumerable<Statement> MergeIdentities(ProfileMerge m)
    {
        (string, object?) winner = ("winner", m.WinnerId), loser = ("loser", m.LoserId);
        yield return new("INSERT INTO merges (winner_id, loser_id, merged_at, message_id, reason, seq) VALUES (@winner, @loser, @at, @message, @reason, @seq)",
            winner, loser, ("at", Db.Ms(m.At)), ("message", m.MessageId), ("reason", m.Reason), ("seq", m.Sequence));
        foreach (var statement in SqlMergeStore.RecordMergedAwayIdentities(m.LoserId)) yield return statement; // before the rows move: what an undo gives back
        yield return new("UPDATE identities SET profile_id = @winner WHERE profile_id = @loser", winner, loser);
    }

    /// <summary>The state side of a merge: the loser's events, history and memberships kept for an undo or moved to the winner.</summary>
    private static IEnumerable<Statement> MergeState(ProfileMerge m)
    {
        (string, object?) winner = ("winner", m.WinnerId), loser = ("loser", m.LoserId);
        foreach (var statement in SqlMergeStore.RecordMergedAwayState(m.LoserId)) yield return statement;
        yield return new("UPDATE event_profiles SET profile_id = @winner WHERE profile_id = @loser", winner, loser);
        yield return new("UPDATE trait_history SET profile_id = @winner WHERE profile_id = @loser", winner, loser);
        yield return new("UPDATE profiles SET merged_into = @winner WHERE merged_into = @loser", winner, loser);
        // The merged-away profile leaves its segments (recorded); the survivor is re-evaluated by the segment engine.
        yield return new("INSERT INTO segment_history (segment_id, profile_id, entered, at) SELECT segment_id, profile_id, @no, @at FROM segment_members WHERE profile_id = @loser",
            loser, ("no", false), ("at", Db.Ms(m.At)));
        yield return new("""
            INSERT INTO segment_sizes (segment_id, at, size)
            SELECT m.segment_id, @at, (SELECT COUNT(*) FROM segment_members x WHERE x.segment_id = m.segment_id) - 1
            FROM segment_members m WHERE m.profile_id = @loser
            """, loser, ("at", Db.Ms(m.At)));
        yield return new("DELETE FROM segment_members WHERE profile_id = @loser", loser);
        yield return new("DELETE FROM segment_timers WHERE profile_id = @loser", loser);
    }

    /// <summary>Trait history rows, each value sealed when the trait is protected; each names its message by log position.</summary>
    internal IEnumerable<Statement> TraitChangeWrites(IEnumerable<TraitChange> changes) => db.TraitChangeWrites([.. changes.Select(h =>
    {
        if (h.Sequence <= 0) throw new ArgumentException($"The change of trait '{h.Name}' names no log position.", nameof(changes));
        return new TraitChangeRow(h.ProfileId, h.Name, db.Protection.ProtectValue(h.Value.GetRawText(), h.Name, TraitHistoryScope(h.Sequence)), Db.Ms(h.At), h.Sequence);
    })]);

    /// <summary>Profile rows written whole: inserted when new, else everything but their id and creation time replaced.</summary>
    internal IEnumerable<Statement> UpsertProfiles(params IEnumerable<Profile> profiles) => db.ProfileWrites([.. profiles.Select(Row)], replace: true);

    private ProfileRow Row(Profile p) => new(p.Id, Db.Ms(p.CreatedAt), Db.Ms(p.UpdatedAt), p.MergedInto,
        db.Protection.ProtectTraits(ProfileColumns.Traits(p), ProfileScope(p.Id)), ProfileColumns.TraitTimes(p), ProfileColumns.Computed(p),
        ProfileColumns.Consent(p), ProfileColumns.Tags(p));

    /// <summary>A protected identity (email, phone) is stored as its keyed hash, found by it, and shown from its ciphertext.</summary>
    private IdentityLinkRow LinkRow(IdentityLink l)
    {
        var (type, value) = (l.Identity.Type, l.Identity.Value);
        var lookup = db.Protection.LookupValue(type, value);
        return new(type, lookup, ReferenceEquals(lookup, value) ? null : db.Protection.ProtectText(value, type, IdentityScope(lookup)), l.ProfileId, Db.Ms(l.FirstSeen));
    }

    public async Task<IReadOnlyDictionary<string, Profile>> LoadProfilesAsync(IReadOnlyCollection<string> ids, bool withIdentities, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenReadAsync(cancellationToken);
        return await ReadProfilesAsync(db, c, ids, liveOnly: false, withIdentities, cancellationToken);
    }

    public async Task<ResolvedSlice> ResolvedEventsAsync(long after, long upTo, int max, Func<string, bool> owned, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenReadAsync(cancellationToken);
        var readTo = after;
        var read = 0;
        var events = new List<ResolvedEvent>();
        // Every partition reads the same assignments and keeps its own; only its own events' payloads are decoded.
        await using var command = Db.Command(c, null, """
            SELECT p.profile_id, l.seq, l.message_id, l.source_id, l.type, l.name, l.user_id, l.anonymous_id, l.ts, l.received_at, l.payload
            FROM event_profiles p JOIN event_log l ON l.seq = p.seq
            WHERE p.seq > @after AND p.seq <= @upTo ORDER BY p.seq LIMIT @max
            """, ("after", after), ("upTo", upTo), ("max", max));
        await using var r = await command.ExecuteReaderAsync(cancellationToken);
        while (await r.ReadAsync(cancellationToken))
        {
            read++;
            readTo = r.GetInt64(1);
            var profileId = r.GetString(0);
            if (owned(profileId)) events.Add(new ResolvedEvent(profileId, Events.SqlEventLog.ReadEvent(db, r, 1, reveal: false)));
        }
        return new ResolvedSlice(events, read < max ? upTo : readTo);
    }

    public async Task<IReadOnlyList<ProfileMerge>> MergesResolvedAsync(long after, long upTo, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenReadAsync(cancellationToken);
        return await Db.ListAsync(c, $"SELECT {SqlMergeStore.MergeColumnsSql} FROM merges WHERE seq > @after AND seq <= @upTo ORDER BY seq, id",
            SqlMergeStore.ReadMerge, cancellationToken, ("after", after), ("upTo", upTo));
    }

    public async Task<Profile?> GetProfileAsync(string id, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenReadAsync(cancellationToken);
        var profile = await ReadProfileAsync(db, c, id, cancellationToken);
        // Merges re-point older losers at the newest winner, so one hop reaches the live profile.
        return profile?.MergedInto is { } live ? await ReadProfileAsync(db, c, live, cancellationToken) : profile;
    }

    public async Task<Profile?> FindProfileAsync(ProfileIdentifier identity, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenReadAsync(cancellationToken);
        var id = await Db.ScalarAsync(c, null, "SELECT profile_id FROM identities WHERE type = @type AND value = @value", cancellationToken,
            ("type", identity.Type), ("value", db.Protection.LookupValue(identity.Type, IdentityTypes.Normalize(identity.Type, identity.Value))));
        return id is string profileId ? await ReadProfileAsync(db, c, profileId, cancellationToken) : null;
    }

    public async Task<IReadOnlyList<Profile>> SearchByTraitAsync(string trait, JsonElement value, int limit, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenReadAsync(cancellationToken);
        List<string> ids;
        if (!db.Protection.IsProtected(trait) || !db.Protection.Enabled)
            ids = await Db.ListAsync(c, $"SELECT id FROM profiles WHERE merged_into IS NULL AND {db.TraitEqualsSql} ORDER BY id LIMIT @limit",
                r => r.GetString(0), cancellationToken, ("name", trait), ("value", value.GetRawText()), ("limit", limit));
        else if (IdentityTypes.IsKnown(trait) && value.ValueKind == JsonValueKind.String)
            // An encrypted trait cannot be compared in SQL; one that is also an identity type is found by its keyed hash.
            ids = await Db.ListAsync(c, "SELECT DISTINCT p.id FROM identities i JOIN profiles p ON p.id = i.profile_id WHERE i.type = @type AND i.value = @value AND p.merged_into IS NULL ORDER BY p.id LIMIT @limit",
                r => r.GetString(0), cancellationToken, ("type", trait), ("value", db.Protection.LookupValue(trait, IdentityTypes.Normalize(trait, value.GetString()!))), ("limit", limit));
        else
            ids = [];
        var profiles = await ReadProfilesAsync(db, c, ids, liveOnly: true, withIdentities: true, cancellationToken);
        return [.. ids.Where(profiles.ContainsKey).Select(id => profiles[id])];
    }

    public async Task<IReadOnlyList<TraitChange>> TraitHistoryAsync(string profileId, string? trait, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenReadAsync(cancellationToken);
        // Rows since migration 0042 name their message by log position; its source and messageId come from the log.
        var sql = """
            SELECT h.profile_id, h.name, h.value, h.ts, COALESCE(l.source_id, h.source), COALESCE(l.message_id, h.message_id), COALESCE(h.seq, 0)
            FROM trait_history h LEFT JOIN event_log l ON l.seq = h.seq WHERE h.profile_id = @profile
            """ + (trait is null ? "" : " AND h.name = @name") + " ORDER BY h.ts, h.id";
        (string, object?)[] parameters = trait is null ? [("profile", profileId)] : [("profile", profileId), ("name", trait)];
        return await Db.ListAsync(c, sql, r =>
        {
            var sequence = r.GetInt64(6);
            using var value = JsonDocument.Parse(db.Protection.RevealValue(r.GetString(2), r.GetString(1), TraitHistoryScope(sequence, r.GetString(4), r.GetString(5))));
            return new TraitChange(r.GetString(0), r.GetString(1), value.RootElement.Clone(), ProfileColumns.FromMs(r.GetInt64(3)), r.GetString(4), r.GetString(5), sequence);
        }, cancellationToken, parameters);
    }

    public async Task<IReadOnlyList<ProfileMerge>> MergesAsync(string profileId, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenReadAsync(cancellationToken);
        return await Db.ListAsync(c, $"SELECT {SqlMergeStore.MergeColumnsSql} FROM merges WHERE winner_id = @id OR loser_id = @id ORDER BY id",
            SqlMergeStore.ReadMerge, cancellationToken, ("id", profileId));
    }

    public async Task<long> ProfileCountAsync(CancellationToken cancellationToken)
    {
        await using var c = await db.OpenReadAsync(cancellationToken);
        return Convert.ToInt64(await Db.ScalarAsync(c, null, LiveProfileCountSql, cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// How many profiles are live: all rows less the merged-away ones. SQLite counts the first from the key's narrow
    /// index and PostgreSQL with an index-only scan of it (as far as its visibility map is current), the second from the
    /// small partial index of merged profiles. Counting <c>merged_into IS NULL</c> read every row whole, JSON columns
    /// and all, on every status poll, segment preview and top-percent statistic.
    /// </summary>
    internal const string LiveProfileCountSql = "SELECT (SELECT COUNT(*) FROM profiles) - (SELECT COUNT(*) FROM profiles WHERE merged_into IS NOT NULL)";

    /// <summary>
    /// Reads one profile row (the columns of <see cref="ProfileColumns.SqlOf"/> for <paramref name="parts"/>, in order),
    /// without identities. A part asked for must be there: a NULL in it fails the read, as a corrupt row should.
    /// </summary>
    internal static Profile ReadProfileRow(SqlDatabase db, DbDataReader r, ProfileParts parts = ProfileParts.All)
    {
        var id = r.GetString(0);
        string? Part(int column, ProfileParts part) => parts.HasFlag(part) ? r.GetString(column) : null;
        return ProfileColumns.Read(id, r.GetInt64(1), r.GetInt64(2), r.NullableString(3),
            Part(4, ProfileParts.Traits) is { } traits ? db.Protection.Reveal(traits, ProfileScope(id)) : null,
            Part(5, ProfileParts.Traits), Part(6, ProfileParts.Computed), Part(7, ProfileParts.Consent), Part(8, ProfileParts.Tags));
    }

    /// <summary>The binding of a profile's encrypted traits: the profile row (a merge folds traits in memory and writes them again).</summary>
    internal static string ProfileScope(string profileId) => "profile:" + profileId;

    /// <summary>
    /// The binding of a trait history value: the message that set it (the row moves to the survivor of a merge; the
    /// message does not change), by its log position, or by source and messageId in a row written before migration 0042
    /// (<paramref name="sequence"/> 0).
    /// </summary>
    internal static string TraitHistoryScope(long sequence, string source, string messageId) =>
        sequence > 0 ? TraitHistoryScope(sequence) : string.Concat("trait:", source, ":", messageId);

    /// <summary>The binding of a trait history value written since migration 0042: the log position of its message.</summary>
    internal static string TraitHistoryScope(long sequence) => string.Concat("trait@", sequence.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>The binding of an identity's ciphertext: its lookup hash, the row's key.</summary>
    internal static string IdentityScope(string lookupValue) => "identity:" + lookupValue;

    /// <summary>Identities as the store keys them: the keyed hash of a protected type, else the value.</summary>
    internal static List<ProfileIdentifier> LookupForms(SqlDatabase db, IEnumerable<ProfileIdentifier> identities) =>
        [.. identities.Select(i => db.Protection.LookupValue(i.Type, i.Value) is var v && ReferenceEquals(v, i.Value) ? i : new ProfileIdentifier(i.Type, v))];

    /// <summary>An identity from columns type, value, value_enc (from <paramref name="offset"/>): the clear value of a protected one.</summary>
    internal static ProfileIdentifier ReadIdentity(SqlDatabase db, DbDataReader r, int offset)
    {
        var (type, value) = (r.GetString(offset), r.GetString(offset + 1));
        return r.IsDBNull(offset + 2) ? new(type, value) : new(type, db.Protection.RevealText(r.GetString(offset + 2), type, IdentityScope(value))!);
    }

    internal static async Task<Profile?> ReadProfileAsync(SqlDatabase db, DbConnection c, string id, CancellationToken ct)
    {
        Profile? profile;
        await using (var command = Db.Command(c, null, $"SELECT {ProfileColumns.Sql} FROM profiles WHERE id = @id", ("id", id)))
        await using (var r = await command.ExecuteReaderAsync(ct))
        {
            if (!await r.ReadAsync(ct)) return null;
            profile = ReadProfileRow(db, r);
        }
        await using (var command = Db.Command(c, null, "SELECT type, value, value_enc FROM identities WHERE profile_id = @id ORDER BY first_seen, type", ("id", profile.Id)))
        await using (var r = await command.ExecuteReaderAsync(ct))
        {
            while (await r.ReadAsync(ct)) profile.Identities.Add(ReadIdentity(db, r, 0));
        }
        return profile;
    }

}
