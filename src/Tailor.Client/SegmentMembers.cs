using System.Text.Json;

namespace Tailor.Client;

/// <summary>A page of a segment's members; <see cref="Next"/> is the <c>after</c> of the next page, null on the last.</summary>
public sealed record SegmentMembers(IReadOnlyList<JsonElement> Members, string? Next);
