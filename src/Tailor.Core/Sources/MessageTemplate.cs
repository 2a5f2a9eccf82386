namespace Tailor.Core.Sources;

/// <summary>One Segment message a mapping makes from a payload (or from each <c>forEach</c> item).</summary>
/// <param name="Type"><c>track</c>, <c>identify</c>, <c>page</c>, <c>screen</c>, <c>group</c> or <c>alias</c>.</param>
/// <param name="Fields">The message's fields (<c>event</c>, <c>userId</c>, <c>properties</c>, …), in order.</param>
/// <param name="When">Made only when this path finds a value other than <c>false</c>; always when null.</param>
public sealed record MessageTemplate(string Type, IReadOnlyList<KeyValuePair<string, MappedValue>> Fields, JsonPath? When);
