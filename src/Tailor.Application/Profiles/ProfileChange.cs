namespace Tailor.Application.Profiles;

/// <summary>
/// A change to a profile, as the track event that records it (everything that changes a profile is an event): its name,
/// properties and context.
/// </summary>
public sealed record ProfileChange(string EventName, Dictionary<string, object?> Properties, Dictionary<string, object?> Context);
