namespace Tailor.Server.Destinations;

/// <summary>A live stream subscriber fell <c>QueueLength</c> notices behind and was dropped; it may resume from its last position.</summary>
public sealed class SlowSubscriberException(int queueLength)
    : Exception($"the subscriber fell {queueLength} notices behind and was dropped; reconnect with the last position seen");
