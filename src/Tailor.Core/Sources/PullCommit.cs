using Tailor.Core.Events;

namespace Tailor.Core.Sources;

/// <summary>
/// What one pull run commits, in one transaction: the events its rows became and the cursor past those rows. Refused
/// (<see cref="ISourceStore.CommitPullAsync"/> returns null) when the cursor is no longer <see cref="FromCursor"/>: another
/// node or an earlier run got there first.
/// </summary>
/// <param name="ToCursor">The cursor after the last row read; equal to <paramref name="FromCursor"/> when no row came.</param>
/// <param name="NextPullAt">When the source is next due (now again when the batch was full).</param>
public sealed record PullCommit(string SourceId, string? FromCursor, string? ToCursor, IReadOnlyList<TailorEvent> Events, int Rows, DateTimeOffset RanAt, DateTimeOffset NextPullAt);
