using System.Text.Json;

namespace Tailor.Application.Analytics;

/// <summary>What a job is asked to do.</summary>
/// <param name="RunId">The stored run this execution belongs to (<c>run_…</c>); also the version of what it writes back.</param>
/// <param name="Parameters">A JSON object (possibly empty) with the job's own parameters.</param>
/// <param name="AsOf">The moment the data is taken as of: events after it are ignored (default: now).</param>
public sealed record AnalyticsRequest(string RunId, JsonElement Parameters, DateTimeOffset AsOf);
