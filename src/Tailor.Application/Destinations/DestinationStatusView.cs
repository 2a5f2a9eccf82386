namespace Tailor.Application.Destinations;

/// <summary>Where a destination stands: paused or running, its positions and lag, what it sent and skipped, its last error and pending dead letters.</summary>
/// <param name="State"><c>paused</c>, <c>running</c>, <c>failing</c> (its last step failed) or <c>live</c> (a stream key).</param>
/// <param name="Positions">Per table it follows: the last position committed.</param>
/// <param name="Lag">Events logged after its event position (0 for destinations that follow no events).</param>
public sealed record DestinationStatusView(
    string Id, string Name, string Kind, string State, IReadOnlyDictionary<string, long> Positions, long Lag, long Sent, long Skipped,
    string? LastError, DateTimeOffset? LastErrorAt, long DeadLetters)
{
    /// <summary>Whether it is paused (a paused stream destination's key is revoked; its state still reads <c>live</c>).</summary>
    public bool Paused { get; init; }

    /// <summary>Its position on the event log (null when it follows no events): what <see cref="Lag"/> counts from.</summary>
    public long? Position => Positions.TryGetValue(Core.Destinations.ExportTables.Events, out var p) ? p : null;
}
