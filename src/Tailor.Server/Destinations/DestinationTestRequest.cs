using System.Text.Json;

namespace Tailor.Server.Destinations;

/// <summary>The body of <c>POST /api/destinations/{id}/test</c>: an optional sample Segment message.</summary>
public sealed record DestinationTestRequest(JsonElement? Sample);
