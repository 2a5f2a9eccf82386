using Tailor.Core.Segments;

namespace Tailor.Application.Segments;

/// <summary>A segment as saved and loaded, and whether the save created it (rather than changed one that existed).</summary>
public sealed record SavedSegment(SegmentCatalog.Compiled Segment, bool Created);
