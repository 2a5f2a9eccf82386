using System.Text.Json;

namespace Tailor.Core.Profiles;

/// <summary>A trait's current value and the event time it was set at (latest timestamp wins).</summary>
public readonly record struct TraitValue(JsonElement Value, DateTimeOffset At);

/// <summary>One entry of a trait's history: what it was set to, when, and by which source.</summary>
public sealed record TraitChange(string ProfileId, string Name, JsonElement Value, DateTimeOffset At, string Source, string MessageId);
