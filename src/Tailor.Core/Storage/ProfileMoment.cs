namespace Tailor.Core.Storage;

/// <summary>Something that happened to a profile at a moment: an email sent, opened, a conversion.</summary>
public readonly record struct ProfileMoment(string ProfileId, DateTimeOffset At);
