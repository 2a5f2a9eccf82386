using Tailor.Core.Segments;

namespace Tailor.Application.Segments;

/// <summary>The segments as loaded (live and disabled) with every segment's current size.</summary>
public sealed record SegmentList(SegmentCatalog Catalog, IReadOnlyDictionary<string, long> Sizes);
