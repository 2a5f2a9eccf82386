namespace Tailor.Core.Destinations;

/// <summary>One send from the contact log, as exported.</summary>
public readonly record struct SendRecord(long Id, string ProfileId, string Channel, string Origin, DateTimeOffset At);
