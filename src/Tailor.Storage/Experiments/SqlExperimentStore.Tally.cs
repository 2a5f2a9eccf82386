using System.Data.Common;
using Tailor.Core.Experiments;
using Tailor.Core.Storage;
using Tailor.Storage.DeadLetters;
using Tailor.Storage.Events;
using Tailor.Storage.Positions;
using Tailor.Storage.Relational;

namespace Tailor.Storage.Experiments;

/// <summary>
/// The experiments follower's state (tables <c>experiment_units</c>, <c>experiment_unit_values</c>,
/// <c>experiment_arm_units</c>, <c>experiment_arm_sums</c>): per-unit values and per-arm sums kept current with each
/// step, so results read a few rows per arm instead of the event log.
/// </summary>
internal sealed partial class SqlExperimentStore
{
    private const int Page = 500;

    private static readonly string SumColumns = string.Join(", ", Enumerable.Range(0, ArmSums.VectorLength).Select(i => $"s{i}"));

    public async Task<ExperimentTally> TallyAsync(string experimentKey, string? segmentId, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenReadAsync(cancellationToken);
        List<(string Arm, long Units, long Changed)> arms;
        List<(string Metric, ArmSums Sums)> sums;
        if (segmentId is null)
        {
            arms = await Db.ListAsync(c, "SELECT arm, units, changed FROM experiment_arm_units WHERE experiment_key = @key ORDER BY arm",
                r => (r.GetString(0), r.GetInt64(1), r.GetInt64(2)), cancellationToken, ("key", experimentKey));
            sums = await Db.ListAsync(c, $"SELECT metric, arm, {SumColumns} FROM experiment_arm_sums WHERE experiment_key = @key ORDER BY metric, arm",
                r => (r.GetString(0), ReadSums(r, 1)), cancellationToken, ("key", experimentKey));
        }
        else
        {
            // A segment's current members: summed over their unit rows (one pass over the experiment's units).
            arms = await Db.ListAsync(c, """
                SELECT u.arm, COUNT(*), SUM(CASE WHEN u.changed THEN 1 ELSE 0 END) FROM experiment_units u
                JOIN segment_members m ON m.profile_id = u.profile_id AND m.segment_id = @segment
                WHERE u.experiment_key = @key GROUP BY u.arm ORDER BY u.arm
                """, r => (r.GetString(0), r.GetInt64(1), r.GetInt64(2)), cancellationToken, ("key", experimentKey), ("segment", segmentId));
            sums = await Db.ListAsync(c, """
                SELECT v.metric, v.arm, COUNT(*), SUM(v.y), SUM(v.y * v.y), SUM(v.x), SUM(v.x * v.x), SUM(v.x * v.y), SUM(v.d), SUM(v.d * v.d), SUM(v.y * v.d),
                    SUM(v.xd), SUM(v.xd * v.xd), SUM(v.x * v.xd), SUM(v.y * v.xd), SUM(v.d * v.x), SUM(v.d * v.xd)
                FROM experiment_unit_values v JOIN segment_members m ON m.profile_id = v.profile_id AND m.segment_id = @segment
                WHERE v.experiment_key = @key GROUP BY v.metric, v.arm ORDER BY v.metric, v.arm
                """, r => (r.GetString(0), ReadSums(r, 1)), cancellationToken, ("key", experimentKey), ("segment", segmentId));
        }
        var metrics = new Dictionary<string, IReadOnlyList<ArmSums>>(StringComparer.Ordinal);
        foreach (var group in sums.GroupBy(s => s.Metric, StringComparer.Ordinal)) metrics[group.Key] = group.Select(s => s.Sums).ToArray();
        return new ExperimentTally(new ExposureSummary(arms.Select(a => new ArmExposures(a.Arm, a.Units)).ToArray(), arms.Sum(a => a.Changed)), metrics);
    }

    private static ArmSums ReadSums(DbDataReader r, int offset)
    {
        Span<double> s = stackalloc double[ArmSums.VectorLength];
        for (var i = 0; i < s.Length; i++) s[i] = r.IsDBNull(offset + 1 + i) ? 0 : r.GetDouble(offset + 1 + i);
        return ArmSums.FromVector(r.GetString(offset), s);
    }

    public async Task<IReadOnlyList<ExperimentUnit>> UnitsAsync(IReadOnlyCollection<string> profileIds, CancellationToken cancellationToken)
    {
        var units = new List<ExperimentUnit>();
        if (profileIds.Count == 0) return units;
        await using var c = await db.OpenReadAsync(cancellationToken);
        foreach (var page in profileIds.Chunk(Page))
        {
            var (inList, parameters) = Db.InList(page);
            units.AddRange(await ReadUnitsAsync(c, $"u.profile_id IN ({inList})", parameters, cancellationToken));
        }
        return units;
    }

    public async Task<IReadOnlyList<ExperimentUnit>> MergedUnitsAsync(string survivor, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenReadAsync(cancellationToken);
        return await ReadUnitsAsync(c, "u.profile_id IN (SELECT id FROM profiles WHERE merged_into = @survivor)", [("survivor", survivor)], cancellationToken);
    }

    private static async Task<List<ExperimentUnit>> ReadUnitsAsync(DbConnection c, string where, (string, object?)[] parameters, CancellationToken ct)
    {
        var rows = await Db.ListAsync(c, $"""
            SELECT u.experiment_key, u.profile_id, u.arm, u.first_at, u.changed, v.metric, v.y, v.x, v.d, v.xd
            FROM experiment_units u LEFT JOIN experiment_unit_values v ON v.experiment_key = u.experiment_key AND v.profile_id = u.profile_id
            WHERE {where} ORDER BY u.experiment_key, u.profile_id
            """, r => (Key: r.GetString(0), Profile: r.GetString(1), Arm: r.GetString(2), At: r.GetInt64(3), Changed: r.GetBoolean(4), Metric: r.NullableString(5),
                Values: r.IsDBNull(5) ? default : new UnitValues(r.GetDouble(6), r.GetDouble(7), r.GetDouble(8), r.GetDouble(9))), ct, parameters);
        var units = new List<ExperimentUnit>();
        foreach (var group in rows.GroupBy(r => (r.Key, r.Profile)))
        {
            var first = group.First();
            var values = new Dictionary<string, UnitValues>(StringComparer.Ordinal);
            foreach (var row in group) if (row.Metric is not null) values[row.Metric] = row.Values;
            units.Add(new ExperimentUnit(first.Key, first.Profile, first.Arm, ProfileColumns.FromMs(first.At), first.Changed, values));
        }
        return units;
    }

    public async Task<IReadOnlyDictionary<string, IReadOnlyList<Exposure>>> ExposuresOfAsync(string experimentKey, IReadOnlyCollection<string> owners, CancellationToken cancellationToken)
    {
        var found = new Dictionary<string, List<Exposure>>(StringComparer.Ordinal);
        await using var c = await db.OpenReadAsync(cancellationToken);
        foreach (var page in owners.Chunk(Page))
        {
            var (inList, parameters) = Db.InList(page);
            var rows = await Db.ListAsync(c, $"""
                SELECT x.profile_id, x.arm, x.first_at, x.profile_id AS owner FROM experiment_exposures x WHERE x.experiment_key = @key AND x.profile_id IN ({inList})
                UNION ALL
                SELECT x.profile_id, x.arm, x.first_at, p.merged_into FROM profiles p JOIN experiment_exposures x ON x.experiment_key = @key AND x.profile_id = p.id
                WHERE p.merged_into IN ({inList})
                """, r => (Owner: r.GetString(3), Exposure: new Exposure(experimentKey, r.GetString(0), r.GetString(1), ProfileColumns.FromMs(r.GetInt64(2)))),
                cancellationToken, [("key", experimentKey), .. parameters]);
            foreach (var (owner, exposure) in rows)
            {
                if (!found.TryGetValue(owner, out var list)) found[owner] = list = [];
                list.Add(exposure);
            }
        }
        return found.ToDictionary(p => p.Key, p => (IReadOnlyList<Exposure>)p.Value, StringComparer.Ordinal);
    }

    public async Task<IReadOnlyList<AssignedEvent>> HistoryAsync(IReadOnlyCollection<string> profileIds, IReadOnlyCollection<string> names, long upTo, CancellationToken cancellationToken)
    {
        var events = new List<AssignedEvent>();
        if (profileIds.Count == 0 || names.Count == 0) return events;
        var (nameList, nameParameters) = Db.InList(names, "n");
        await using var c = await db.OpenReadAsync(cancellationToken);
        foreach (var page in profileIds.Chunk(Page))
        {
            var (inList, parameters) = Db.InList(page);
            events.AddRange(await Db.ListAsync(c, $"""
                SELECT profile_id, {SqlEventLog.EventColumnsSql} FROM events
                WHERE profile_id IN ({inList}) AND name IN ({nameList}) AND seq <= @upTo ORDER BY seq
                """, r => new AssignedEvent(r.GetInt64(1), r.GetString(0), SqlEventLog.ReadEvent(db, r, 1).Event), cancellationToken,
                [("upTo", upTo), .. parameters, .. nameParameters]));
        }
        events.Sort((a, b) => a.Sequence.CompareTo(b.Sequence));
        return events;
    }

    public Task CommitTallyAsync(TallyCommit commit, CancellationToken cancellationToken) =>
        db.WriteAsync(async (c, t) =>
        {
            await SqlPositionStore.MoveAsync(c, t, commit.Position, cancellationToken);
            var statements = new List<Statement>();
            foreach (var (key, profile) in commit.Removals)
            {
                statements.Add(new("DELETE FROM experiment_unit_values WHERE experiment_key = @key AND profile_id = @profile", ("key", key), ("profile", profile)));
                statements.Add(new("DELETE FROM experiment_units WHERE experiment_key = @key AND profile_id = @profile", ("key", key), ("profile", profile)));
            }
            foreach (var u in commit.Upserts)
            {
                statements.Add(new("""
                    INSERT INTO experiment_units (experiment_key, profile_id, arm, first_at, changed) VALUES (@key, @profile, @arm, @at, @changed)
                    ON CONFLICT (experiment_key, profile_id) DO UPDATE SET arm = excluded.arm, first_at = excluded.first_at, changed = excluded.changed
                    """, ("key", u.ExperimentKey), ("profile", u.ProfileId), ("arm", u.Arm), ("at", Db.Ms(u.FirstAt)), ("changed", u.Changed)));
                foreach (var (metric, v) in u.Values)
                    statements.Add(new("""
                        INSERT INTO experiment_unit_values (experiment_key, metric, profile_id, arm, y, x, d, xd) VALUES (@key, @metric, @profile, @arm, @y, @x, @d, @xd)
                        ON CONFLICT (experiment_key, metric, profile_id) DO UPDATE SET arm = excluded.arm, y = excluded.y, x = excluded.x, d = excluded.d, xd = excluded.xd
                        """, ("key", u.ExperimentKey), ("metric", metric), ("profile", u.ProfileId), ("arm", u.Arm), ("y", v.Y), ("x", v.X), ("d", v.D), ("xd", v.XD)));
            }
            foreach (var ((key, arm), (units, changed)) in commit.UnitDeltas)
                statements.Add(new("""
                    INSERT INTO experiment_arm_units (experiment_key, arm, units, changed) VALUES (@key, @arm, @units, @changed)
                    ON CONFLICT (experiment_key, arm) DO UPDATE SET units = experiment_arm_units.units + excluded.units, changed = experiment_arm_units.changed + excluded.changed
                    """, ("key", key), ("arm", arm), ("units", units), ("changed", changed)));
            foreach (var ((key, metric, arm), delta) in commit.ArmDeltas)
                statements.Add(new(ArmSumsUpsert, [("key", key), ("metric", metric), ("arm", arm), .. delta.Select((d, i) => ($"s{i}", (object?)d))]));
            foreach (var letter in commit.DeadLetters) statements.Add(SqlDeadLetterStore.Insert(db, letter));
            await db.ExecuteAllAsync(c, t, statements, cancellationToken);
            return 0;
        }, cancellationToken);

    private static readonly string ArmSumsUpsert = $"""
        INSERT INTO experiment_arm_sums (experiment_key, metric, arm, {SumColumns})
        VALUES (@key, @metric, @arm, {string.Join(", ", Enumerable.Range(0, ArmSums.VectorLength).Select(i => $"@s{i}"))})
        ON CONFLICT (experiment_key, metric, arm) DO UPDATE SET {string.Join(", ", Enumerable.Range(0, ArmSums.VectorLength).Select(i => $"s{i} = experiment_arm_sums.s{i} + excluded.s{i}"))}
        """;
}
