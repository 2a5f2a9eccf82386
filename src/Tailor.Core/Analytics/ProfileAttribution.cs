namespace Tailor.Core.Analytics;

/// <summary>The ids an event must carry to land on a profile: its first userId, or (without one) its first anonymousId.</summary>
public readonly record struct ProfileAttribution(string? UserId, string? AnonymousId);
