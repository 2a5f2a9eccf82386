namespace Tailor.Server.Ingestion;

/// <summary>
/// The event log writer already holds as many waiting events as it may (the server is overloaded): nothing of the
/// request was accepted, so the client retries later (the ingestion API answers 503).
/// </summary>
public sealed class EventLogBackloggedException(int bound)
    : InvalidOperationException($"The event log is behind: {bound} events are already waiting to be written. Retry later.");
