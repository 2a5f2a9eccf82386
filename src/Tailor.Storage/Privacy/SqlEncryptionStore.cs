using System.Data.Common;
using System.Globalization;
using Tailor.Core.Privacy;
using Tailor.Core.Storage;
using Tailor.Storage.Campaigns;
using Tailor.Storage.Events;
using Tailor.Storage.Profiles;
using Tailor.Storage.Relational;
using Tailor.Storage.Triggers;

namespace Tailor.Storage.Privacy;

/// <summary>
/// The re-encryption pass (<see cref="IEncryptionStore"/>): one table at a time in key order, one batch per write
/// transaction, the rows read inside it (locked on PostgreSQL) so a concurrent commit is never overwritten with older
/// values. A row is rewritten when it holds a ciphertext of an older key version, or a protected value in clear (data
/// written before encryption was on); everything else is left as it is.
/// </summary>
internal sealed class SqlEncryptionStore(SqlDatabase db, TimeProvider time) : IEncryptionStore
{
    private static readonly string[] Tables = ["profiles", "trait_history", "identities", "merge_identities", "event_log", "dead_letters", "trigger_deliveries", "campaign_recipients", "trigger_log"];
    private const char KeySeparator = '\u0001';

    public async Task<bool> RewriteNextBatchAsync(int batchSize, CancellationToken cancellationToken)
    {
        var protection = db.Protection;
        if (!protection.Enabled || protection.ActiveVersion == 0) return false;
        batchSize = Math.Clamp(batchSize, 1, 10_000);
        return await db.WriteAsync(async (c, t) =>
        {
            var state = await ReadStateAsync(c, t, protection.ActiveVersion, cancellationToken);
            foreach (var table in Tables)
            {
                var (lastKey, _, done) = state.GetValueOrDefault(table);
                if (done) continue;
                var batch = await RewriteAsync(c, t, table, lastKey, batchSize, protection, cancellationToken);
                await Db.ExecuteAsync(c, t, """
                    INSERT INTO privacy_rotation (target_version, table_name, last_key, rewritten, done, updated_at) VALUES (@v, @table, @key, @n, @done, @at)
                    ON CONFLICT (target_version, table_name) DO UPDATE SET last_key = excluded.last_key,
                        rewritten = privacy_rotation.rewritten + excluded.rewritten, done = excluded.done, updated_at = excluded.updated_at
                    """, cancellationToken, ("v", protection.ActiveVersion), ("table", table), ("key", batch.LastKey ?? lastKey), ("n", batch.Rewritten),
                    ("done", batch.Scanned < batchSize ? 1 : 0), ("at", Db.Ms(time.GetUtcNow())));
                return true;
            }
            return false;
        }, cancellationToken, background: true);
    }

    /// <summary>
    /// Records the pass to <paramref name="version"/> as done when none of the tables it walks holds a row: a key first
    /// used on an empty database (a new store with encryption on from the start) has nothing older to re-encrypt, and a
    /// pass would only chase the first events as they arrive, reading each one (issue 13: every opening costs).
    /// Called inside the transaction that records the key's probe, so no row can arrive between the check and the record.
    /// </summary>
    internal static async Task SettleIfEmptyAsync(DbConnection c, DbTransaction t, int version, DateTimeOffset at, CancellationToken ct)
    {
        foreach (var table in Tables)
            if (await Db.ScalarAsync(c, t, $"SELECT 1 FROM {table} LIMIT 1", ct) is not (null or DBNull)) return;
        foreach (var table in Tables)
            await Db.ExecuteAsync(c, t, """
                INSERT INTO privacy_rotation (target_version, table_name, last_key, rewritten, done, updated_at) VALUES (@v, @table, NULL, 0, 1, @at)
                ON CONFLICT (target_version, table_name) DO NOTHING
                """, ct, ("v", version), ("table", table), ("at", Db.Ms(at)));
    }

    public async Task<EncryptionProgress> ProgressAsync(CancellationToken cancellationToken)
    {
        var version = db.Protection.ActiveVersion;
        if (version == 0) return new EncryptionProgress(0, []);
        await using var c = await db.OpenReadAsync(cancellationToken);
        var state = await ReadStateAsync(c, null, version, cancellationToken);
        return new EncryptionProgress(version, [.. Tables.Select(t => state.TryGetValue(t, out var s)
            ? new EncryptionTableProgress(t, s.Rewritten, s.Done) : new EncryptionTableProgress(t, 0, false))]);
    }

    private static async Task<Dictionary<string, (string? LastKey, long Rewritten, bool Done)>> ReadStateAsync(DbConnection c, DbTransaction? t, int version, CancellationToken ct) =>
        (await Db.ListAsync(c, t, "SELECT table_name, last_key, rewritten, done FROM privacy_rotation WHERE target_version = @v",
            r => (Table: r.GetString(0), LastKey: r.NullableString(1), Rewritten: Convert.ToInt64(r.GetValue(2), CultureInfo.InvariantCulture),
                Done: Convert.ToInt32(r.GetValue(3), CultureInfo.InvariantCulture) != 0), ct, ("v", version)))
        .ToDictionary(s => s.Table, s => (s.LastKey, s.Rewritten, s.Done), StringComparer.Ordinal);

    private readonly record struct Batch(string? LastKey, int Scanned, int Rewritten);

    private async Task<Batch> RewriteAsync(DbConnection c, DbTransaction t, string table, string? after, int limit, PersonalDataProtection p, CancellationToken ct)
    {
        var lockRows = db.Kind == "postgres" ? " FOR UPDATE" : "";
        switch (table)
        {
            case "profiles":
            {
                var rows = await Db.ListAsync(c, t, $"SELECT id, traits FROM profiles {(after is null ? "" : "WHERE id > @after")} ORDER BY id LIMIT @n{lockRows}",
                    r => (Id: r.GetString(0), Traits: r.GetString(1)), ct, ("after", after), ("n", limit));
                var rewritten = 0;
                foreach (var (id, traits) in rows)
                {
                    if (p.HoldsOnlyActiveVersion(traits)) continue; // current: not opened
                    var scope = SqlProfileStore.ProfileScope(id);
                    if (Renewed(traits, p.Reveal(traits, scope), clear => p.ProtectTraits(clear, scope), p) is not { } renewed) continue;
                    rewritten += await Db.ExecuteAsync(c, t, $"UPDATE profiles SET traits = {db.Json("@v")} WHERE id = @id", ct, ("v", renewed), ("id", id));
                }
                return new(rows.Count == 0 ? null : rows[^1].Id, rows.Count, rewritten);
            }
            case "trait_history":
            {
                var rows = await Db.ListAsync(c, t, $"SELECT id, name, value, source, message_id, COALESCE(seq, 0) FROM trait_history {(after is null ? "" : "WHERE id > @after")} ORDER BY id LIMIT @n{lockRows}",
                    r => (Id: r.GetInt64(0), Name: r.GetString(1), Value: r.GetString(2), Scope: SqlProfileStore.TraitHistoryScope(r.GetInt64(5), r.GetString(3), r.GetString(4))), ct,
                    ("after", after is null ? null : long.Parse(after, CultureInfo.InvariantCulture)), ("n", limit));
                var rewritten = 0;
                foreach (var (id, name, value, scope) in rows)
                {
                    if (p.HoldsOnlyActiveVersion(value)) continue;
                    if (Renewed(value, p.RevealValue(value, name, scope), clear => p.ProtectValue(clear, name, scope), p) is not { } renewed) continue;
                    rewritten += await Db.ExecuteAsync(c, t, $"UPDATE trait_history SET value = {db.Json("@v")} WHERE id = @id", ct, ("v", renewed), ("id", id));
                }
                return new(rows.Count == 0 ? null : rows[^1].Id.ToString(CultureInfo.InvariantCulture), rows.Count, rewritten);
            }
            case "identities":
            case "merge_identities":
            {
                var merges = table == "merge_identities";
                var keyColumns = merges ? "merge_id, type, value" : "type, value";
                var parts = after?.Split(KeySeparator);
                var where = parts is null ? "" : merges ? "WHERE (merge_id, type, value) > (@m, @t, @v)" : "WHERE (type, value) > (@t, @v)";
                var rows = await Db.ListAsync(c, t, $"SELECT {(merges ? "merge_id" : "0")}, type, value, value_enc FROM {table} {where} ORDER BY {keyColumns} LIMIT @n{lockRows}",
                    r => (Merge: Convert.ToInt64(r.GetValue(0), CultureInfo.InvariantCulture), Type: r.GetString(1), Value: r.GetString(2), Enc: r.NullableString(3)), ct,
                    ("m", parts is null || !merges ? null : long.Parse(parts[0], CultureInfo.InvariantCulture)),
                    ("t", parts?[merges ? 1 : 0]), ("v", parts?[merges ? 2 : 1]), ("n", limit));
                var rewritten = 0;
                var match = merges ? "merge_id = @m AND type = @t AND value = @old" : "type = @t AND value = @old";
                foreach (var (merge, type, value, enc) in rows)
                {
                    string lookup, clear;
                    if (enc is not null)
                    {
                        if (!p.HoldsOlderVersion(enc)) continue;
                        clear = p.RevealText(enc, type, SqlProfileStore.IdentityScope(value))!;
                        if (clear == enc) continue; // does not open: left for a person to look at, never destroyed
                        lookup = value;
                    }
                    else
                    {
                        if (!p.IsProtected(type) || LookupHasher.IsHash(value)) continue;
                        (clear, lookup) = (value, p.LookupValue(type, value)); // written before encryption was on
                    }
                    rewritten += await Db.ExecuteAsync(c, t, $"UPDATE {table} SET value = @new, value_enc = @enc WHERE {match}", ct,
                        ("new", lookup), ("enc", p.ProtectText(clear, type, SqlProfileStore.IdentityScope(lookup))), ("m", merge), ("t", type), ("old", value));
                }
                if (rows.Count == 0) return new(null, 0, 0);
                var last = rows[^1];
                return new(merges ? string.Join(KeySeparator, last.Merge.ToString(CultureInfo.InvariantCulture), last.Type, last.Value)
                    : string.Join(KeySeparator, last.Type, last.Value), rows.Count, rewritten);
            }
            case "event_log":
            {
                var rows = await Db.ListAsync(c, t, $"SELECT seq, source_id, message_id, payload, user_id, anonymous_id, type, name, ts FROM event_log {(after is null ? "" : "WHERE seq > @after")} ORDER BY seq LIMIT @n{lockRows}",
                    r =>
                    {
                        var columns = new PayloadColumns(r.GetString(2), r.NullableString(4), r.NullableString(5), r.GetString(6), r.NullableString(7), r.GetInt64(8));
                        return (Seq: r.GetInt64(0), Source: r.GetString(1), Message: r.GetString(2), Payload: PayloadCodec.Decode(r.GetValue(3), columns)!, Columns: columns);
                    }, ct,
                    ("after", after is null ? null : long.Parse(after, CultureInfo.InvariantCulture)), ("n", limit));
                var rewritten = 0;
                foreach (var (seq, source, message, payload, columns) in rows)
                {
                    if (p.HoldsOnlyActiveVersion(payload)) continue;
                    var scope = SqlDatabase.EventScope(source, message);
                    if (Renewed(payload, db.RevealPayload(payload, source, message), clear => p.ProtectMessage(clear, scope), p) is not { } renewed) continue;
                    // The one rewrite of the append-only log: the same event, its personal data under the new key.
                    rewritten += await Db.ExecuteAsync(c, t, $"UPDATE event_log SET payload = {db.StoredPayloadSql("@v")} WHERE seq = @seq", ct,
                        ("v", db.StoredPayload(renewed, columns)), ("seq", seq));
                }
                return new(rows.Count == 0 ? null : rows[^1].Seq.ToString(CultureInfo.InvariantCulture), rows.Count, rewritten);
            }
            case "trigger_deliveries":
            {
                var rows = await Db.ListAsync(c, t, $"SELECT id, payload, last_error FROM trigger_deliveries {(after is null ? "" : "WHERE id > @after")} ORDER BY id LIMIT @n{lockRows}",
                    r => (Id: r.GetString(0), Payload: r.GetString(1), Error: r.NullableString(2)), ct, ("after", after), ("n", limit));
                var rewritten = 0;
                foreach (var (id, payload, error) in rows)
                {
                    var newPayload = RenewedAlways(payload, SqlTriggerStore.DeliveryScope(id), p);
                    var newError = error is null ? null : RenewedAlways(error, SqlTriggerStore.DeliveryErrorScope(id), p);
                    if (newPayload is null && newError is null) continue;
                    rewritten += await Db.ExecuteAsync(c, t, "UPDATE trigger_deliveries SET payload = @p, last_error = @e WHERE id = @id", ct,
                        ("p", newPayload ?? payload), ("e", newError ?? error), ("id", id));
                }
                return new(rows.Count == 0 ? null : rows[^1].Id, rows.Count, rewritten);
            }
            case "trigger_log":
            {
                // Only what was written encrypted (delivery outcomes) is renewed: Tailor's own log lines stay as they are.
                var rows = await Db.ListAsync(c, t, $"SELECT id, run_id, detail FROM trigger_log {(after is null ? "" : "WHERE id > @after")} ORDER BY id LIMIT @n{lockRows}",
                    r => (Id: r.GetInt64(0), Run: r.GetString(1), Detail: r.GetString(2)), ct,
                    ("after", after is null ? null : long.Parse(after, CultureInfo.InvariantCulture)), ("n", limit));
                var rewritten = 0;
                foreach (var (id, runId, detail) in rows)
                {
                    if (!FieldCipher.LooksEncrypted(detail) || RenewedAlways(detail, SqlTriggerStore.LogScope(runId), p) is not { } renewed) continue;
                    rewritten += await Db.ExecuteAsync(c, t, "UPDATE trigger_log SET detail = @d WHERE id = @id", ct, ("d", renewed), ("id", id));
                }
                return new(rows.Count == 0 ? null : rows[^1].Id.ToString(CultureInfo.InvariantCulture), rows.Count, rewritten);
            }
            case "campaign_recipients":
            {
                var parts = after?.Split(KeySeparator);
                var rows = await Db.ListAsync(c, t, $"SELECT campaign_id, profile_id, detail FROM campaign_recipients {(parts is null ? "" : "WHERE (campaign_id, profile_id) > (@c, @p)")} ORDER BY campaign_id, profile_id LIMIT @n{lockRows}",
                    r => (Campaign: r.GetString(0), Profile: r.GetString(1), Detail: r.NullableString(2)), ct, ("c", parts?[0]), ("p", parts?[1]), ("n", limit));
                var rewritten = 0;
                foreach (var (campaign, profile, detail) in rows)
                {
                    if (detail is null || RenewedAlways(detail, SqlCampaignStore.RecipientScope(campaign, profile), p) is not { } renewed) continue;
                    rewritten += await Db.ExecuteAsync(c, t, "UPDATE campaign_recipients SET detail = @d WHERE campaign_id = @c AND profile_id = @p", ct,
                        ("d", renewed), ("c", campaign), ("p", profile));
                }
                return new(rows.Count == 0 ? null : string.Join(KeySeparator, rows[^1].Campaign, rows[^1].Profile), rows.Count, rewritten);
            }
            default: // dead_letters
            {
                var rows = await Db.ListAsync(c, t, $"SELECT id, stage, item_key, payload FROM dead_letters {(after is null ? "" : "WHERE id > @after")} ORDER BY id LIMIT @n{lockRows}",
                    r => (Id: r.GetInt64(0), Scope: string.Concat("dead_letter:", r.GetString(1), ":", r.GetString(2)), Payload: r.GetString(3)), ct,
                    ("after", after is null ? null : long.Parse(after, CultureInfo.InvariantCulture)), ("n", limit));
                var rewritten = 0;
                foreach (var (id, scope, payload) in rows)
                {
                    string? renewed;
                    if (FieldCipher.LooksEncrypted(payload))
                    {
                        if (!p.HoldsOlderVersion(payload) || p.RevealText(payload, "", scope) is not { } clear || clear == payload) continue;
                        renewed = p.ProtectAlways(clear, scope);
                    }
                    else renewed = p.ProtectAlways(payload, scope); // set aside before encryption was on
                    rewritten += await Db.ExecuteAsync(c, t, "UPDATE dead_letters SET payload = @v WHERE id = @id", ct, ("v", renewed), ("id", id));
                }
                return new(rows.Count == 0 ? null : rows[^1].Id.ToString(CultureInfo.InvariantCulture), rows.Count, rewritten);
            }
        }
    }

    /// <summary>
    /// A column encrypted whole (<see cref="PersonalDataProtection.ProtectAlways"/>) to write back, or null to leave it:
    /// a ciphertext of an older key that opens, or a value written in clear before encryption was on.
    /// </summary>
    private static string? RenewedAlways(string stored, string scope, PersonalDataProtection p)
    {
        if (!FieldCipher.LooksEncrypted(stored)) return p.ProtectAlways(stored, scope);
        if (!p.HoldsOlderVersion(stored) || p.RevealText(stored, "", scope) is not { } clear || clear == stored) return null; // current, or does not open: left as it is
        return p.ProtectAlways(clear, scope);
    }

    /// <summary>
    /// The value to write back, or null to leave the row: rewritten when it holds an older key version, or when it held
    /// no ciphertext at all and protecting it changes it (protected values in clear).
    /// </summary>
    private static string? Renewed(string stored, string clear, Func<string, string> protect, PersonalDataProtection p)
    {
        if (p.HoldsOlderVersion(stored)) return protect(clear);
        if (!ReferenceEquals(clear, stored) && clear != stored) return null; // already under the active key
        var protectedText = protect(stored);
        return protectedText == stored ? null : protectedText;
    }
}
