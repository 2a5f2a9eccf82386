using Tailor.Server.Ingestion;

namespace Tailor.Server.Sources;

/// <summary>The answer to a webhook a source received.</summary>
/// <param name="Accepted">Events newly logged.</param>
/// <param name="Duplicates">Events already logged (a replayed webhook): counted once.</param>
/// <param name="Ignored">Why the payload made no events (a Shopify topic Tailor does not map).</param>
/// <param name="DeadLetterId">The payload could not be mapped: set aside under this id, to be replayed after the mapping is fixed.</param>
/// <param name="Reason">Why it was set aside.</param>
/// <param name="Blocked">Events the tracking plan blocked (set aside as dead letters of stage tracking-plan).</param>
public sealed record SourceReceipt(bool Success, int Accepted, int Duplicates, string? Ignored = null, long? DeadLetterId = null, string? Reason = null,
    IReadOnlyList<BlockedMessage>? Blocked = null);
