using Tailor.Core.TrackingPlans;

namespace Tailor.Server.Ingestion;

/// <summary>A message kept out of the log by the tracking plan (block mode), with the dead letter it was set aside as.</summary>
/// <param name="Index">Its position in the batch; null for a single message.</param>
public sealed record BlockedMessage(int? Index, string MessageId, long DeadLetterId, IReadOnlyList<SchemaViolation> Violations);
