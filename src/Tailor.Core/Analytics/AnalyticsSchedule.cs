using System.Text.Json;

namespace Tailor.Core.Analytics;

/// <summary>A run repeated on a schedule (e.g. clusters refreshed every day): the same kind and parameters every <see cref="Every"/>.</summary>
/// <param name="Id"><c>sch_…</c>.</param>
/// <param name="NextAt">When the next run is queued.</param>
/// <param name="LastRunId">The run the schedule queued last, if any.</param>
public sealed record AnalyticsSchedule(string Id, string Kind, JsonElement Parameters, TimeSpan Every, DateTimeOffset NextAt, DateTimeOffset CreatedAt, string? LastRunId = null);
