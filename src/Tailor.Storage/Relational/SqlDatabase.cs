using System.Data.Common;
using System.Globalization;
using Tailor.Core.Events;
using Tailor.Core.Identity;
using Tailor.Core.Privacy;
using Tailor.Core.Storage;

namespace Tailor.Storage.Relational;

/// <summary>
/// One opened database that SQLite and PostgreSQL both implement: connections, write transactions, migrations and
/// the few statements where the dialects differ. The feature stores (<c>SqlEventLog</c>, <c>SqlSegmentStore</c>, …)
/// write their SQL once over it.
/// </summary>
public abstract class SqlDatabase : IAsyncDisposable
{
    /// <summary>A short name of the backend, for logs and health output: <c>sqlite</c> or <c>postgres</c>.</summary>
    public abstract string Kind { get; }

    /// <summary>
    /// Personal data at rest (docs/security.md): every store encrypts the protected fields it writes and decrypts
    /// them where it reads, through this one object, so nothing above the storage layer sees a ciphertext.
    /// </summary>
    internal PersonalDataProtection Protection { get; set; } = PersonalDataProtection.Off;

    /// <summary>The binding of an event's protected values: its source and message id (unique, and never rewritten).</summary>
    internal static string EventScope(string sourceId, string messageId) => string.Concat("event:", sourceId, ":", messageId);

    /// <summary>Events as the log stores them: the protected fields of each payload encrypted.</summary>
    internal IReadOnlyList<TailorEvent> ProtectEvents(IReadOnlyList<TailorEvent> events)
    {
        if (!Protection.Enabled) return events;
        var protectedEvents = new TailorEvent[events.Count];
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            var payload = Protection.ProtectMessage(e.Payload, EventScope(e.SourceId, e.MessageId));
            protectedEvents[i] = ReferenceEquals(payload, e.Payload) ? e : e with { Payload = payload };
        }
        return protectedEvents;
    }

    /// <summary>A stored event payload with its protected fields clear again.</summary>
    internal string RevealPayload(string payload, string sourceId, string messageId) =>
        Protection.Enabled && payload.Contains(FieldCipher.Prefix, StringComparison.Ordinal)
            ? Protection.Reveal(payload, EventScope(sourceId, messageId))
            : payload;

    /// <summary>A stored event payload as the log decodes it (UTF-8), as text with its protected fields clear again.</summary>
    internal string RevealPayload(ReadOnlySpan<byte> payload, string sourceId, string messageId) =>
        Protection.Enabled && payload.IndexOf(FieldCipher.PrefixUtf8) >= 0
            ? Protection.Reveal(payload, EventScope(sourceId, messageId))
            : System.Text.Encoding.UTF8.GetString(payload);

    /// <summary>The SQL for a parameter that holds JSON text (PostgreSQL casts it to jsonb).</summary>
    internal abstract string Json(string parameter);

    internal abstract IReadOnlyList<Migration> Migrations { get; }

    /// <summary>
    /// A list of ids bound as one parameter named <paramref name="parameter"/>: the SQL of a subquery that selects them
    /// (for <c>id IN (...)</c>) and the parameter's value. One parameter rather than one per id: SQLite finds a named
    /// parameter by a linear search, so binding a 500-id list cost 500² compares, and every list length was a new
    /// statement to prepare.
    /// </summary>
    internal abstract (string Sql, object Value) IdSet(string parameter, IReadOnlyCollection<string> ids);

    /// <summary>
    /// Where audit entries are made durable before they reach <c>audit_log</c>, when that is not the database's own
    /// commit: SQLite's single writer is held too long by the pipeline's commits for a request to wait on it. Null:
    /// straight into <c>audit_log</c> (PostgreSQL's writers run side by side).
    /// </summary>
    internal virtual Audit.SqliteAuditJournal? AuditJournal => null;

    /// <summary>
    /// SQLite: copies the write-ahead log into the database file and empties it, so an erasure leaves no old page there;
    /// false when readers kept it from that for 5 s or the checkpoint failed. Elsewhere nothing, and null.
    /// </summary>
    internal virtual Task<bool?> TruncateWriteAheadLogAsync() => Task.FromResult<bool?>(null);

    /// <summary>A connection for reads; may run beside writes.</summary>
    internal abstract ValueTask<DbConnection> OpenReadAsync(CancellationToken ct);

    /// <summary>Runs <paramref name="work"/> in a write transaction and commits it durably.</summary>
    /// <param name="background">Work that may wait (pipeline commits): a store with a single writer lets other writes go first.</param>
    internal abstract Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken ct, bool background = false);

    /// <summary>Inserts events not yet logged; returns, per event, whether it was new.</summary>
    /// <param name="encoded">What <see cref="EncodePayloads"/> made of the events' payloads (outside the write lock), or null.</param>
    internal abstract Task<bool[]> InsertEventsAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<TailorEvent> events, object? encoded, CancellationToken ct);

    /// <summary>The payloads in the form the log stores them, made before the write transaction; null when stored as given.</summary>
    internal virtual object? EncodePayloads(IReadOnlyList<TailorEvent> events) => null;

    /// <summary>A payload in the form the log stores it (compressed on SQLite), for the re-encryption pass.</summary>
    internal virtual object StoredPayload(string json, in Events.PayloadColumns columns) => json;

    /// <summary>The SQL for a parameter holding <see cref="StoredPayload"/> in an update of <c>event_log</c>.</summary>
    internal virtual string StoredPayloadSql(string parameter) => parameter;

    /// <summary>Runs statements in order inside a transaction, as few round trips as the backend allows.</summary>
    internal abstract Task ExecuteAllAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<Statement> statements, CancellationToken ct);

    /// <summary>SQL that is true when trait <c>@name</c> of <c>profiles</c> equals the JSON value <c>@value</c>.</summary>
    internal abstract string TraitEqualsSql { get; }

    /// <summary>SQL for a computed trait of <c>profiles</c> read as a number.</summary>
    internal abstract string ComputedNumberSql(string name);

    /// <summary>The ids of the profiles owning any of <paramref name="identities"/>; one prepared lookup per identity.</summary>
    internal virtual async Task<IReadOnlySet<string>> OwnerIdsAsync(DbConnection c, IReadOnlyCollection<ProfileIdentifier> identities, CancellationToken ct)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        await using var command = Db.Command(c, null, "SELECT profile_id FROM identities WHERE type = @type AND value = @value", ("type", ""), ("value", ""));
        foreach (var identity in identities)
        {
            command.Parameters[0].Value = identity.Type;
            command.Parameters[1].Value = identity.Value;
            if (await command.ExecuteScalarAsync(ct) is string id) ids.Add(id);
        }
        return ids;
    }

    /// <summary>
    /// Makes membership history ids visible in commit order, for readers that follow the history by id (the trigger
    /// engine). SQLite has one writer, so nothing to do; PostgreSQL takes a lock (several nodes write at once).
    /// </summary>
    internal virtual Task OrderHistoryWritesAsync(DbConnection c, DbTransaction t, CancellationToken ct) => Task.CompletedTask;

    /// <summary>
    /// The writes of membership changes (members and history) and timers as a few bulk statements (JSON arrays on
    /// SQLite, arrays on PostgreSQL) with the effect of applying them one by one: members as <see cref="MemberRows"/>
    /// says, the history with every change in order, and the last word on a timer.
    /// </summary>
    internal abstract IEnumerable<Statement> MembershipWrites(IReadOnlyList<MembershipChange> changes, IReadOnlyList<SegmentTimer> timers);

    /// <summary>
    /// What an update's changes do to <c>segment_members</c>, as if applied one by one: a (segment, profile) with an
    /// exit is removed first; one that enters after its last exit, or never exits, is then inserted with the moment
    /// of that first entry (an entry for a profile already in keeps its earlier <c>since</c>).
    /// </summary>
    private protected static (List<MembershipChange> Removed, List<MembershipChange> Inserted) MemberRows(IReadOnlyList<MembershipChange> changes)
    {
        var outcome = new Dictionary<(string, string), (MembershipChange? Exit, MembershipChange? Entry)>(changes.Count);
        foreach (var change in changes)
        {
            var key = (change.SegmentId, change.ProfileId);
            var (exit, entry) = outcome.GetValueOrDefault(key);
            outcome[key] = change.Entered ? (exit, entry ?? change) : (change, null);
        }
        var removed = new List<MembershipChange>();
        var inserted = new List<MembershipChange>();
        foreach (var (exit, entry) in outcome.Values)
        {
            if (exit is { } gone) removed.Add(gone);
            if (entry is { } entering) inserted.Add(entering);
        }
        return (removed, inserted);
    }

    /// <summary>The last word on each timer key, split into timers set and timers cleared (one statement cannot write a row twice).</summary>
    private protected static (List<SegmentTimer> Set, List<SegmentTimer> Cleared) LatestTimers(IReadOnlyList<SegmentTimer> timers)
    {
        var latest = new Dictionary<(string, string), SegmentTimer>(timers.Count);
        foreach (var timer in timers) latest[(timer.SegmentId, timer.ProfileId)] = timer;
        return ([.. latest.Values.Where(t => t.DueAt is not null)], [.. latest.Values.Where(t => t.DueAt is null)]);
    }

    /// <summary>
    /// Whether <c>event_profiles</c> rows carry their event's type, name and time (PostgreSQL, migration 0048), so a
    /// reader can match events in the profile index before it reads the log.
    /// </summary>
    internal virtual bool AssignmentsCarryEventKeys => false;

    /// <summary>
    /// The writes that record which profile each event belongs to (table <c>event_profiles</c>), one statement per
    /// event; a database with bulk parameters (PostgreSQL arrays) overrides this with one statement in all.
    /// </summary>
    internal virtual IEnumerable<Statement> AssignmentWrites(IReadOnlyList<Core.Pipeline.EventAssignment> assignments)
    {
        const string sql = "INSERT INTO event_profiles (seq, profile_id) VALUES (@seq, @profile) ON CONFLICT (seq) DO UPDATE SET profile_id = excluded.profile_id";
        foreach (var a in assignments) yield return new(sql, ("seq", a.Sequence), ("profile", a.ProfileId));
    }

    /// <summary>
    /// The writes of profile rows, one statement per row: with <paramref name="replace"/> a row already there takes
    /// everything but its id and creation time, without it the row is left as it is. A database with bulk parameters
    /// (PostgreSQL arrays) overrides this with one statement in all.
    /// </summary>
    internal virtual IEnumerable<Statement> ProfileWrites(IReadOnlyList<ProfileRow> rows, bool replace)
    {
        var sql = replace
            ? _replaceProfileSql ??= ProfileInsertSql + "\n" + ProfileReplaceSql
            : _keepProfileSql ??= ProfileInsertSql + "\nON CONFLICT (id) DO NOTHING";
        foreach (var p in rows)
            yield return new(sql, ("id", p.Id), ("created", p.CreatedAt), ("updated", p.UpdatedAt), ("merged", p.MergedInto), ("traits", p.Traits),
                ("times", p.TraitTimes), ("computed", p.Computed), ("consent", p.Consent), ("tags", p.Tags));
    }

    private string? _replaceProfileSql, _keepProfileSql;

    private string ProfileInsertSql => $"""
        INSERT INTO profiles ({ProfileColumns.Sql})
        VALUES (@id, @created, @updated, @merged, {Json("@traits")}, {Json("@times")}, {Json("@computed")}, {Json("@consent")}, {Json("@tags")})
        """;

    /// <summary>What an upsert of a profile row replaces when the row is there: everything but its id and creation time.</summary>
    private protected const string ProfileReplaceSql = """
        ON CONFLICT (id) DO UPDATE SET updated_at = excluded.updated_at, merged_into = excluded.merged_into,
            traits = excluded.traits, trait_times = excluded.trait_times, computed = excluded.computed,
            consent = excluded.consent, tags = excluded.tags
        """;

    /// <summary>
    /// The writes of identity links, one statement per link: a new identity is inserted with its first sighting, a
    /// known one moves to the link's profile. A database with bulk parameters overrides this with one statement in all.
    /// </summary>
    internal virtual IEnumerable<Statement> IdentityLinkWrites(IReadOnlyList<IdentityLinkRow> links)
    {
        foreach (var l in links)
            yield return new(IdentityLinkSql, ("type", l.Type), ("value", l.Value), ("enc", l.Sealed), ("profile", l.ProfileId), ("seen", l.FirstSeen));
    }

    private const string IdentityLinkSql = """
        INSERT INTO identities (type, value, value_enc, profile_id, first_seen) VALUES (@type, @value, @enc, @profile, @seen)
        ON CONFLICT (type, value) DO UPDATE SET profile_id = excluded.profile_id
        """;

    /// <summary>
    /// The writes of trait history rows, one statement per change, in order. Rows name their message by log position
    /// only (issue 17, bytes per event): source and messageId are the log's to give back. A database with bulk
    /// parameters overrides this with one statement in all, keeping the order.
    /// </summary>
    internal virtual IEnumerable<Statement> TraitChangeWrites(IReadOnlyList<TraitChangeRow> changes)
    {
        var sql = _traitChangeSql ??= $"INSERT INTO trait_history (profile_id, name, value, ts, source, message_id, seq) VALUES (@profile, @name, {Json("@value")}, @ts, '', '', @seq)";
        foreach (var h in changes) yield return new(sql, ("profile", h.ProfileId), ("name", h.Name), ("value", h.Value), ("ts", h.At), ("seq", h.Sequence));
    }

    private string? _traitChangeSql;

    public virtual ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }

    /// <summary>Applies pending schema migrations, in version order, each recorded with the time <paramref name="time"/> gives.</summary>
    public virtual async Task MigrateAsync(TimeProvider time, CancellationToken cancellationToken)
    {
        await WriteAsync(async (c, t) =>
        {
            await Db.ExecuteAsync(c, t, "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)", cancellationToken);
            // Each version is applied once, even one numbered below the newest applied (branches merged in any order).
            var applied = (await Db.ListAsync(c, t, "SELECT version FROM schema_migrations", r => Convert.ToInt32(r.GetValue(0), CultureInfo.InvariantCulture), cancellationToken)).ToHashSet();
            foreach (var migration in Migrations)
            {
                if (applied.Contains(migration.Version)) continue;
                // A migration may rewrite a large table (minutes at tens of millions of events): no command timeout
                // (the provider's default is 30 s, which made an upgrade of a big PostgreSQL store fail and roll back).
                await using (var command = Db.Command(c, t, migration.Sql))
                {
                    command.CommandTimeout = 0;
                    await command.ExecuteNonQueryAsync(cancellationToken);
                }
                await Db.ExecuteAsync(c, t, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (@v, @n, @a)", cancellationToken,
                    ("v", migration.Version), ("n", migration.Name), ("a", Db.Ms(time.GetUtcNow())));
            }
            return 0;
        }, cancellationToken);
    }
}
