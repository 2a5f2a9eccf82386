using System.Text.Json;

namespace Tailor.Core.Profiles;

/// <summary>A trait's current value and the event time it was set at (latest timestamp wins).</summary>
public readonly record struct TraitValue(JsonElement Value, DateTimeOffset At);

/// <summary>One entry of a trait's history: what it was set to, when, and by which message.</summary>
/// <param name="Sequence">
/// The log position of the message that set it; the store keeps only this and gives <paramref name="Source"/> and
/// <paramref name="MessageId"/> back from the log (empty once retention has removed the event). 0 for a row written
/// before migration 0042, which kept the source and messageId themselves.
/// </param>
public sealed record TraitChange(string ProfileId, string Name, JsonElement Value, DateTimeOffset At, string Source, string MessageId, long Sequence = 0);
