using System.Text.Json;

namespace Tailor.Application.Content;

/// <summary>What the store keeps for a segment's content values.</summary>
public sealed record SegmentValuesDocument(int? Priority, Dictionary<string, JsonElement>? Values);
