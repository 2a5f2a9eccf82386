using System.Text.Json;

namespace Tailor.Core.Analytics;

/// <summary>A track event as analytics reads it: the live profile it belongs to (after merges), its name, event time and properties.</summary>
/// <param name="Properties">The message's <c>properties</c> object (an empty object when absent).</param>
public sealed record TrackedEvent(string ProfileId, string Name, DateTimeOffset Timestamp, JsonElement Properties, string MessageId);
