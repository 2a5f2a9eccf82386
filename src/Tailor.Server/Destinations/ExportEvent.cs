namespace Tailor.Server.Destinations;

/// <summary>
/// An event as the Parquet export writes it (the columns of the <c>events</c> table, docs/connectors.md), made from the
/// payload's UTF-8 without a string of it: <see cref="Properties"/> is the raw JSON of <c>properties</c> (traits for
/// identify and group) in a block of the batch's <see cref="ExportEventRows"/>.
/// </summary>
internal readonly record struct ExportEvent(
    long Sequence, string MessageId, string Type, string? Name, string ProfileId, string? UserId, string? AnonymousId,
    DateTime Timestamp, DateTime ReceivedAt, string SourceId, double? Revenue, ReadOnlyMemory<char>? Properties);
