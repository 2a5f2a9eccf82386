namespace Tailor.Client;

/// <summary>The answer to a tracking request (sent after the events are durably logged).</summary>
public sealed record IngestionResult(bool Success, int Accepted, int Duplicates, IReadOnlyList<FieldError>? Rejected);
