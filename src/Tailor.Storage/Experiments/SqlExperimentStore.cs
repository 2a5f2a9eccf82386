using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using Tailor.Core.Experiments;
using Tailor.Core.Storage;
using Tailor.Storage.Relational;

namespace Tailor.Storage.Experiments;

/// <summary>
/// Experiments, first exposures and metric sums (tables <c>experiments</c>, <c>experiment_exposures</c>). A metric is
/// one SQL statement: the units (each live profile at its earliest exposure), a LEFT JOIN to their events in the
/// window around that exposure, one value per unit, and the sums per arm — nothing is read event by event.
/// </summary>
internal sealed partial class SqlExperimentStore(SqlDatabase db) : IExperimentStore
{
    private bool Postgres => db.Kind == "postgres";

    public Task<bool> SaveExperimentAsync(Experiment experiment, bool createOnly, CancellationToken cancellationToken) =>
        db.WriteAsync(async (c, t) => await Db.ExecuteAsync(c, t, $"""
            INSERT INTO experiments (key, definition, status, created_at, updated_at, started_at, stopped_at)
            VALUES (@key, {db.Json("@definition")}, @status, @created, @updated, @started, @stopped)
            ON CONFLICT (key) DO {(createOnly ? "NOTHING" : """
                UPDATE SET definition = excluded.definition, status = excluded.status, updated_at = excluded.updated_at,
                started_at = excluded.started_at, stopped_at = excluded.stopped_at
                """)}
            """, cancellationToken, ("key", experiment.Key), ("definition", JsonSerializer.Serialize(experiment.Definition, ExperimentDefinition.Json)),
            ("status", experiment.Status.ToString().ToLowerInvariant()), ("created", Db.Ms(experiment.CreatedAt)), ("updated", Db.Ms(experiment.UpdatedAt)),
            ("started", experiment.StartedAt is { } s ? Db.Ms(s) : null), ("stopped", experiment.StoppedAt is { } p ? Db.Ms(p) : null)) == 1, cancellationToken);

    public async Task<Experiment?> GetExperimentAsync(string key, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenReadAsync(cancellationToken);
        var list = await Db.ListAsync(c, $"{SelectExperiments} WHERE key = @key", ReadExperiment, cancellationToken, ("key", key));
        return list.Count == 0 ? null : list[0];
    }

    public async Task<IReadOnlyList<Experiment>> ListExperimentsAsync(CancellationToken cancellationToken)
    {
        await using var c = await db.OpenReadAsync(cancellationToken);
        return await Db.ListAsync(c, $"{SelectExperiments} ORDER BY key", ReadExperiment, cancellationToken);
    }

    public Task<bool> RecordExposureAsync(Exposure exposure, CancellationToken cancellationToken) =>
        db.WriteAsync(async (c, t) => await Db.ExecuteAsync(c, t, """
            INSERT INTO experiment_exposures (experiment_key, profile_id, arm, first_at) VALUES (@key, @profile, @arm, @at)
            ON CONFLICT (experiment_key, profile_id) DO NOTHING
            """, cancellationToken, ("key", exposure.ExperimentKey), ("profile", exposure.ProfileId), ("arm", exposure.Arm), ("at", Db.Ms(exposure.At))) == 1,
            cancellationToken);

    public async Task<IReadOnlyList<Exposure>> ExposuresAsync(string experimentKey, string profileId, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenReadAsync(cancellationToken);
        return await Db.ListAsync(c, """
            SELECT experiment_key, profile_id, arm, first_at FROM experiment_exposures
            WHERE experiment_key = @key AND (profile_id = @profile OR profile_id IN (SELECT id FROM profiles WHERE merged_into = @profile))
            ORDER BY first_at, profile_id
            """, r => new Exposure(r.GetString(0), r.GetString(1), r.GetString(2), ProfileColumns.FromMs(r.GetInt64(3))), cancellationToken,
            ("key", experimentKey), ("profile", profileId));
    }

    public async Task<ExposureSummary> ExposureSummaryAsync(string experimentKey, string? segmentId, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenReadAsync(cancellationToken);
        var arms = await Db.ListAsync(c, $"{Units(segmentId)} SELECT arm, COUNT(*) FROM units GROUP BY arm ORDER BY arm",
            r => new ArmExposures(r.GetString(0), r.GetInt64(1)), cancellationToken, Parameters(experimentKey, segmentId));
        // A person (a live profile) whose merged exposures were to more than one arm: kept in the earliest, counted here.
        var changed = await Db.ScalarAsync(c, null, $"""
            {Owners} SELECT COUNT(*) FROM (SELECT owner FROM owned GROUP BY owner HAVING COUNT(DISTINCT arm) > 1) m
            """, cancellationToken, ("key", experimentKey));
        return new ExposureSummary(arms, Convert.ToInt64(changed, CultureInfo.InvariantCulture));
    }

    public async Task<IReadOnlyList<ArmSums>> ArmSumsAsync(string experimentKey, ExperimentMetric metric, string? segmentId, CancellationToken cancellationToken)
    {
        var window = (long)Math.Round(metric.WindowHours * 3_600_000);
        var lookback = (long)Math.Round(metric.LookbackHours * 3_600_000);
        const string post = "e.ts >= u.first_at";
        const string pre = "e.ts < u.first_at";
        var numerator = metric.Kind switch
        {
            MetricKind.Conversion or MetricKind.ClickThrough => (Post: $"MAX(CASE WHEN e.name = @event AND {post} THEN 1 ELSE 0 END)",
                Pre: $"MAX(CASE WHEN e.name = @event AND {pre} THEN 1 ELSE 0 END)"),
            MetricKind.Count or MetricKind.Ratio when metric.Property is null => (Post: $"SUM(CASE WHEN e.name = @event AND {post} THEN 1 ELSE 0 END)",
                Pre: $"SUM(CASE WHEN e.name = @event AND {pre} THEN 1 ELSE 0 END)"),
            _ => (Post: $"SUM(CASE WHEN e.name = @event AND {post} THEN {Number("@property")} END)",
                Pre: $"SUM(CASE WHEN e.name = @event AND {pre} THEN {Number("@property")} END)"),
        };
        string Denominator(string when) => metric.Kind != MetricKind.Ratio ? "0"
            : metric.DenominatorProperty is null ? $"SUM(CASE WHEN e.name = @denominator AND {when} THEN 1 ELSE 0 END)"
            : $"SUM(CASE WHEN e.name = @denominator AND {when} THEN {Number("@denominatorProperty")} END)";
        var names = metric.Kind == MetricKind.Ratio ? "e.name IN (@event, @denominator)" : "e.name = @event";
        var sql = $"""
            {Units(segmentId)},
            vals AS (
                SELECT u.arm AS arm,
                    CAST(COALESCE({numerator.Post}, 0) AS DOUBLE PRECISION) AS y,
                    CAST(COALESCE({numerator.Pre}, 0) AS DOUBLE PRECISION) AS x,
                    CAST(COALESCE({Denominator(post)}, 0) AS DOUBLE PRECISION) AS d,
                    CAST(COALESCE({Denominator(pre)}, 0) AS DOUBLE PRECISION) AS xd
                FROM units u
                LEFT JOIN (event_profiles ep JOIN event_log e ON e.seq = ep.seq) ON ep.profile_id = u.owner AND {names} AND e.ts >= u.first_at - @lookback AND e.ts < u.first_at + @window
                GROUP BY u.owner, u.arm)
            SELECT arm, COUNT(*), SUM(y), SUM(y * y), SUM(x), SUM(x * x), SUM(x * y), SUM(d), SUM(d * d), SUM(y * d),
                SUM(xd), SUM(xd * xd), SUM(x * xd), SUM(y * xd), SUM(d * x), SUM(d * xd) FROM vals GROUP BY arm ORDER BY arm
            """;
        var parameters = new List<(string, object?)>(Parameters(experimentKey, segmentId))
        {
            ("event", metric.Event), ("window", window), ("lookback", lookback),
            ("denominator", metric.DenominatorEvent ?? ""),
        };
        if (metric.Property is not null) parameters.Add(("property", PropertyParameter(metric.Property)));
        if (metric.DenominatorProperty is not null) parameters.Add(("denominatorProperty", PropertyParameter(metric.DenominatorProperty)));
        await using var c = await db.OpenReadAsync(cancellationToken);
        return await Db.ListAsync(c, sql, r => new ArmSums(r.GetString(0), r.GetInt64(1), r.GetDouble(2), r.GetDouble(3), r.GetDouble(4), r.GetDouble(5),
            r.GetDouble(6), r.GetDouble(7), r.GetDouble(8), r.GetDouble(9), r.GetDouble(10), r.GetDouble(11), r.GetDouble(12), r.GetDouble(13), r.GetDouble(14),
            r.GetDouble(15)), cancellationToken, [.. parameters]);
    }

    /// <summary>A numeric property of the event's <c>properties</c>, NULL when absent or not a number (text is never coerced).</summary>
    private string Number(string parameter) => Postgres
        ? $"CASE WHEN json_typeof(e.payload -> 'properties' -> {parameter}) = 'number' THEN CAST(e.payload -> 'properties' ->> {parameter} AS DOUBLE PRECISION) END"
        : $"CASE WHEN json_type(tailor_payload(e.payload), {parameter}) IN ('integer', 'real') THEN json_extract(tailor_payload(e.payload), {parameter}) END"; // e is event_log: payloads are compressed (properties come back whole without the row's columns)

    /// <summary>SQLite takes a JSON path; PostgreSQL the key (the property name's syntax is checked by <see cref="ExperimentRules"/>).</summary>
    private string PropertyParameter(string property) => Postgres ? property : $"$.properties.{property}";

    /// <summary>Each exposure with the live profile that owns it now (a merged-away profile's exposures belong to the survivor).</summary>
    private const string Owners = """
        WITH owned AS (
            SELECT COALESCE(p.merged_into, x.profile_id) AS owner, x.profile_id AS profile_id, x.arm AS arm, x.first_at AS first_at
            FROM experiment_exposures x LEFT JOIN profiles p ON p.id = x.profile_id
            WHERE x.experiment_key = @key)
        """;

    /// <summary>The units: each owner once, at its earliest exposure (ties by profile id), optionally only a segment's members.</summary>
    private static string Units(string? segmentId) => $"""
        {Owners},
        units AS (
            SELECT owner, arm, first_at FROM (
                SELECT owner, arm, first_at, ROW_NUMBER() OVER (PARTITION BY owner ORDER BY first_at, profile_id) AS rn FROM owned) r
            WHERE rn = 1{(segmentId is null ? "" : " AND owner IN (SELECT profile_id FROM segment_members WHERE segment_id = @segment)")})
        """;

    private static (string, object?)[] Parameters(string key, string? segmentId) => segmentId is null ? [("key", key)] : [("key", key), ("segment", segmentId)];

    private const string SelectExperiments = "SELECT definition, status, created_at, updated_at, started_at, stopped_at FROM experiments";

    private static Experiment ReadExperiment(DbDataReader r) => new(
        JsonSerializer.Deserialize<ExperimentDefinition>(r.GetString(0), ExperimentDefinition.Json)!,
        Enum.Parse<ExperimentStatus>(r.GetString(1), ignoreCase: true),
        ProfileColumns.FromMs(r.GetInt64(2)), ProfileColumns.FromMs(r.GetInt64(3)),
        r.IsDBNull(4) ? null : ProfileColumns.FromMs(r.GetInt64(4)), r.IsDBNull(5) ? null : ProfileColumns.FromMs(r.GetInt64(5)));
}
