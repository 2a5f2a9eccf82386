using System.Text.Json.Nodes;
using Tailor.Core.Events;

namespace Tailor.Application.Sources;

/// <summary>What one payload became: the Segment messages the mapping made and the events they parse to (all valid).</summary>
/// <param name="Ignored">Why nothing was made when the payload is not one the source maps (a Shopify topic Tailor does not map).</param>
public sealed record InboundBatch(IReadOnlyList<JsonObject> Messages, IReadOnlyList<TailorEvent> Events, string? Ignored = null);
