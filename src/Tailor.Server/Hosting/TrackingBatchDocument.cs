namespace Tailor.Server.Hosting;

/// <summary>The body of <c>/v1/batch</c> and <c>/v1/import</c>, for the OpenAPI document and clients.</summary>
/// <param name="Batch">The messages, each with its <c>type</c>; a bad one is refused alone (by index), the rest kept.</param>
/// <param name="WriteKey">The source's write key when it is not the HTTP Basic username.</param>
/// <param name="SentAt">When the client sent the batch; used to correct device clocks.</param>
public sealed record TrackingBatchDocument(IReadOnlyList<TrackingMessageDocument> Batch, string? WriteKey, DateTimeOffset? SentAt);
