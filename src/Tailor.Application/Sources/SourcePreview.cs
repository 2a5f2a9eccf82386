using System.Text.Json.Nodes;

namespace Tailor.Application.Sources;

/// <summary>What a sample payload (or, for a pull, the next rows) maps to: the Segment messages, none stored.</summary>
/// <param name="Ignored">Why the sample maps to nothing (a Shopify topic Tailor does not map).</param>
public sealed record SourcePreview(IReadOnlyList<JsonObject> Messages, int Payloads, string? Ignored = null);
