using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Tailor.Core.Analytics;
using Tailor.Core.Storage;

namespace Tailor.Application.Analytics;

/// <summary>
/// Runs repeated on a schedule (clusters or recommendations refreshed every day): created with a kind, parameters and an
/// interval (<c>30m</c>, <c>6h</c>, <c>1d</c>, <c>7d</c>), and queued by <see cref="QueueDueAsync"/>, which the runner calls
/// on the injected clock. A schedule missed while Tailor was down queues one run, not one per missed interval.
/// </summary>
public sealed partial class AnalyticsSchedules(AnalyticsRuns runs, IAnalyticsStore store, IdSource ids, TimeProvider time)
{
    public static readonly TimeSpan Shortest = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan Longest = TimeSpan.FromDays(366);
    public const int MaxSchedules = 100;

    /// <param name="every">An interval: a whole number with <c>m</c>, <c>h</c> or <c>d</c>, from 5m to 366d.</param>
    /// <param name="firstAt">When the first run is queued; default: one interval from now.</param>
    public async Task<OperationResult<AnalyticsSchedule>> CreateAsync(string? kind, JsonElement? parameters, string? every, DateTimeOffset? firstAt, CancellationToken ct)
    {
        if (runs.Check(kind, parameters) is { } problem) return problem;
        if (!TryParseInterval(every, out var interval))
            return OperationProblem.Invalid("every", $"must be an interval such as 30m, 6h or 1d, between {Shortest.TotalMinutes:0}m and {Longest.TotalDays:0}d");
        var now = time.GetUtcNow();
        if (firstAt < now) return OperationProblem.Invalid("firstAt", "must not be in the past");
        if ((await store.ListSchedulesAsync(ct)).Count >= MaxSchedules) return OperationProblem.Conflict("schedule", $"at most {MaxSchedules} schedules; delete one first");
        var given = parameters is { ValueKind: not (JsonValueKind.Undefined or JsonValueKind.Null) } p ? p.Clone() : AnalyticsParameters.Empty;
        var schedule = new AnalyticsSchedule(ids.New("sch"), kind!, given, interval, firstAt ?? now + interval, now);
        await store.SaveScheduleAsync(schedule, ct);
        return schedule;
    }

    public Task<IReadOnlyList<AnalyticsSchedule>> ListAsync(CancellationToken ct) => store.ListSchedulesAsync(ct);

    public async Task<OperationResult<bool>> DeleteAsync(string id, CancellationToken ct) =>
        await store.DeleteScheduleAsync(id, ct) ? true : OperationProblem.NotFound("schedule", $"no schedule has id {id}");

    /// <summary>Queues a run for every schedule that came due (claimed, so one node queues it); returns the runs queued and the next due moment.</summary>
    public async Task<(IReadOnlyList<AnalyticsRun> Queued, DateTimeOffset? NextDue)> QueueDueAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var queued = new List<AnalyticsRun>();
        DateTimeOffset? nextDue = null;
        foreach (var schedule in await store.ListSchedulesAsync(ct))
        {
            var next = schedule.NextAt;
            if (next <= now)
            {
                var missed = (long)((now - next) / schedule.Every);
                next += schedule.Every * (missed + 1);
                var runId = ids.New("run");
                if (await store.ClaimScheduleAsync(schedule.Id, schedule.NextAt, next, runId, ct)
                    && (await runs.QueueAsync(schedule.Kind, schedule.Parameters, null, runId, ct)).Value is { } run)
                    queued.Add(run);
            }
            if (nextDue is null || next < nextDue) nextDue = next;
        }
        return (queued, nextDue);
    }

    public static bool TryParseInterval(string? text, out TimeSpan interval)
    {
        interval = default;
        if (text is null || IntervalPattern().Match(text) is not { Success: true } match) return false;
        if (!long.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n > 1_000_000) return false;
        interval = match.Groups[2].Value switch { "m" => TimeSpan.FromMinutes(n), "h" => TimeSpan.FromHours(n), _ => TimeSpan.FromDays(n) };
        return interval >= Shortest && interval <= Longest;
    }

    [GeneratedRegex("^([0-9]{1,7})([mhd])$")]
    private static partial Regex IntervalPattern();
}
