using Tailor.Core.Analytics;

using System.Text.Json;

namespace Tailor.Application.Analytics;

/// <summary>What a run produced.</summary>
/// <param name="Result">The figures a person reads (metrics, parameters fitted, sizes), as a JSON object; stored with the run and returned by the API and <c>--json</c>.</param>
/// <param name="Artifacts">Charts (<c>image/svg+xml</c>) and model files kept with the run.</param>
/// <param name="ProfilesWritten">How many profiles got traits written back.</param>
/// <param name="Promoted">For kinds with a model in use (propensity, recommendations): whether this run became the one in use.</param>
public sealed record AnalyticsOutput(JsonElement Result, IReadOnlyList<AnalyticsArtifact> Artifacts, long ProfilesWritten = 0, bool Promoted = false);
